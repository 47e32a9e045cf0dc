package dev.tocsin.audience;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tocsin.common.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
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

    private static final Logger LOG = Logger.getLogger(AccountImporter.class);

    /** How many rejected lines the HTTP answer lists; all of them are kept in the database. */
    public static final int ERRORS_IN_ANSWER = 1000;

    public enum Format { CSV, NDJSON }

    /** The answer to an upload. stoppedAtLine is set when it did not reach the end of the file. */
    public record Result(String uploadId, String status, long accepted, long rejected, List<RowError> errors,
                         boolean errorsTruncated, Long stoppedAtLine, String failure) {
    }

    @Inject
    AccountBatchWriter writer;

    @Inject
    ObjectMapper mapper;

    @ConfigProperty(name = "tocsin.upload.batch-size", defaultValue = "1000")
    int batchSize;

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

        long accepted = 0;
        long rejected = 0;
        List<RowError> shownErrors = new ArrayList<>();
        List<AccountRow> rows = new ArrayList<>(batchSize);
        List<RowError> batchErrors = new ArrayList<>();
        long lastCommittedLine = source.lastLine();
        try {
            AccountSource.Parsed parsed;
            while ((parsed = source.next()) != null) {
                if (parsed.error() != null) {
                    batchErrors.add(parsed.error());
                } else {
                    AccountRowValidator.Result checked = AccountRowValidator.validate(parsed.raw());
                    if (checked.error() != null) {
                        batchErrors.add(checked.error());
                    } else {
                        rows.add(checked.row());
                    }
                }
                if (rows.size() >= batchSize || batchErrors.size() >= batchSize) {
                    long line = source.lastLine();
                    var outcome = writer.write(incidentId, uploadId, rows, batchErrors, line, accepted, rejected);
                    accepted += outcome.accepted();
                    rejected += batchErrors.size() + outcome.duplicates().size();
                    collect(shownErrors, batchErrors, outcome.duplicates());
                    lastCommittedLine = line;
                    rows.clear();
                    batchErrors.clear();
                }
            }
            long line = source.lastLine();
            var outcome = writer.write(incidentId, uploadId, rows, batchErrors, line, accepted, rejected);
            accepted += outcome.accepted();
            rejected += batchErrors.size() + outcome.duplicates().size();
            collect(shownErrors, batchErrors, outcome.duplicates());
            writer.finish(uploadId, "COMPLETED", null);
            shownErrors.sort((a, b) -> Long.compare(a.line(), b.line()));
            LOG.infof("upload %s to incident %s: %d accepted, %d rejected", uploadId, incidentId, accepted, rejected);
            return new Result(uploadId, "COMPLETED", accepted, rejected, shownErrors,
                    rejected > shownErrors.size(), null, null);
        } catch (IOException | SQLException | RuntimeException e) {
            // Batches already committed stay; say exactly where the file stopped being taken in.
            long stoppedAt = lastCommittedLine + 1;
            String why = e instanceof UploadTooLargeException ? e.getMessage()
                    : e instanceof IOException ? "the upload stream broke: " + e.getMessage()
                    : "the database refused a batch: " + e.getMessage();
            LOG.warnf("upload %s to incident %s stopped at line %d after %d accepted: %s", uploadId, incidentId,
                    stoppedAt, accepted, e.getClass().getSimpleName());
            try {
                writer.finish(uploadId, "FAILED", why + " (lines from " + stoppedAt + " on were not taken in)");
            } catch (SQLException ignored) {
                LOG.warn("could not record the failed upload's status", ignored);
            }
            shownErrors.sort((a, b) -> Long.compare(a.line(), b.line()));
            throw new UploadInterrupted(new Result(uploadId, "FAILED", accepted, rejected, shownErrors,
                    rejected > shownErrors.size(), stoppedAt, why), e);
        }
    }

    private static void collect(List<RowError> shown, List<RowError> errors, List<RowError> duplicates) {
        for (List<RowError> list : List.of(errors, duplicates)) {
            for (RowError e : list) {
                if (shown.size() < ERRORS_IN_ANSWER) {
                    shown.add(e);
                }
            }
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
