package dev.tocsin.audience;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tocsin.common.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams an upload of affected accounts into the database: parse a row, validate it, and write
 * rows in batches. Memory is bounded by one batch whatever the file size.
 */
@ApplicationScoped
public class AccountImporter {

    @Inject
    UploadConfig config;

    private static final Logger LOG = Logger.getLogger(AccountImporter.class);

    /** How many rejected lines the HTTP answer lists; all of them are kept in the database. */
    public static final int ERRORS_IN_ANSWER = 1000;

    public enum Format {
        CSV, NDJSON;

        /** NDJSON when the request says application/x-ndjson, else CSV (the API's and the console's uploads alike). */
        public static Format of(String contentType) {
            return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-ndjson")
                    ? NDJSON : CSV;
        }
    }

    /** The answer to an upload. stoppedAtLine is set when it did not reach the end of the file. */
    public record Result(String uploadId, String status, long accepted, long rejected, List<RowError> errors,
                         boolean errorsTruncated, Long stoppedAtLine, String failure) {
    }

    @Inject
    AccountBatchWriter writer;

    @Inject
    ObjectMapper mapper;

    /** As {@link #importAccounts}, stopping at tocsin.upload.max-bytes for a stream of unknown length. */
    public Result importWithinLimit(String incidentId, InputStream body, Format format) throws SQLException {
        return importAccounts(incidentId, new LimitedInputStream(body, config.maxBytes()), format);
    }

    public Result importAccounts(String incidentId, InputStream body, Format format) throws SQLException {
        String uploadId = Ids.newId();
        Reader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 64 * 1024);
        // Header problems are refused before anything is recorded: nothing of such a file can be trusted.
        AccountSource source;
        try {
            source = format == Format.CSV ? new CsvAccountSource(reader) : new NdjsonAccountSource(reader, mapper);
        } catch (IOException e) {
            throw new UploadInterrupted(new Result(uploadId, "FAILED", 0, 0, List.of(), false, 1L,
                    "the upload could not be read: " + e.getMessage()), e);
        }
        writer.start(uploadId, incidentId, format.name());

        UploadBatches batches = new UploadBatches(writer, incidentId, uploadId, source.lastLine(),
                () -> refreshStatistics(uploadId, false));
        List<AccountRow> rows = new ArrayList<>(config.batchSize());
        List<RowError> errors = new ArrayList<>();
        try {
            AccountSource.Parsed parsed;
            while ((parsed = source.next()) != null) {
                if (parsed.error() != null) {
                    errors.add(parsed.error());
                } else {
                    AccountRowValidator.Result checked = AccountRowValidator.validate(parsed.raw());
                    if (checked.error() != null) {
                        errors.add(checked.error());
                    } else {
                        rows.add(checked.row());
                    }
                }
                if (rows.size() >= config.batchSize() || errors.size() >= config.batchSize()) {
                    batches.add(rows, errors, source.lastLine());
                    rows = new ArrayList<>(config.batchSize());
                    errors = new ArrayList<>();
                }
            }
            batches.add(rows, errors, source.lastLine());
            batches.finish();
            writer.finish(uploadId, "COMPLETED", null);
            if (batches.accepted() >= STATISTICS_AFTER_ROWS) {
                refreshStatistics(uploadId, true);
            }
            LOG.infof("upload %s to incident %s: %d accepted, %d rejected", uploadId, incidentId, batches.accepted(),
                    batches.rejected());
            return result(uploadId, batches, "COMPLETED", null, null);
        } catch (IOException | SQLException | RuntimeException e) {
            // Batches already handed over are committed (unless one of them is what failed); say exactly where the
            // file stopped being taken in.
            Exception cause = e;
            try {
                batches.finish();
            } catch (SQLException | RuntimeException committing) {
                cause = e instanceof IOException ? committing : e;
            }
            long stoppedAt = batches.committedLine() + 1;
            // The database's own message quotes the batch (contacts included): it goes to no caller and no log
            String why = cause instanceof UploadTooLargeException ? cause.getMessage()
                    : cause instanceof IOException ? "the upload stream broke: " + cause.getMessage()
                    : cause instanceof SQLException sql ? "the database refused a batch (SQL state " + sql.getSQLState() + ")"
                    : "the batch could not be stored (" + cause.getClass().getSimpleName() + ")";
            LOG.warnf("upload %s to incident %s stopped at line %d after %d accepted: %s", uploadId, incidentId,
                    stoppedAt, batches.accepted(), cause.getClass().getSimpleName());
            try {
                writer.finish(uploadId, "FAILED", why + " (lines from " + stoppedAt + " on were not taken in)");
            } catch (SQLException ignored) {
                LOG.warn("could not record the failed upload's status", ignored);
            }
            throw new UploadInterrupted(result(uploadId, batches, "FAILED", stoppedAt, why), cause);
        }
    }

    private static Result result(String uploadId, UploadBatches batches, String status, Long stoppedAtLine, String failure) {
        List<RowError> shown = batches.shown();
        return new Result(uploadId, status, batches.accepted(), batches.rejected(), shown,
                batches.rejected() > shown.size(), stoppedAtLine, failure);
    }

    /**
     * An upload refreshes the planner's statistics of accounts and exposures once it has taken in this many
     * rows, again each time it has doubled, and at its end. The database cannot know on its own how many rows
     * the incident has (autovacuum, if it runs at all, lags by a minute or more): believing the incident small,
     * PostgreSQL checked each 1,000-row batch for repeats and merged it by reading every row of the incident
     * so far, so a large upload slowed down as it went (bench/README.md). Under 10,000 rows
     * the planner's guesses cost little.
     */
    static final long STATISTICS_AFTER_ROWS = 10_000;

    private void refreshStatistics(String uploadId, boolean accountsToo) {
        try {
            writer.refreshStatistics(accountsToo);
        } catch (SQLException e) {
            // The rows are stored either way; autovacuum refreshes the statistics later.
            LOG.warnf("statistics not refreshed during upload %s: %s", uploadId, e.getMessage());
        }
    }

    /** An upload that stopped before the end of the file; carries what was taken in. */
    public static class UploadInterrupted extends RuntimeException {
        public final Result result;

        UploadInterrupted(Result result, Throwable cause) {
            super(result.failure(), cause);
            this.result = result;
        }
    }
}
