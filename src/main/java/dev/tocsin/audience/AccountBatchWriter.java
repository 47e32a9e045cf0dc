package dev.tocsin.audience;

import dev.tocsin.common.Unprintable;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one batch of validated rows in one transaction: on PostgreSQL through COPY into a staging table and
 * set-based statements ({@link AccountCopy}), on H2 with multi-row INSERT and MERGE statements ({@link AccountMerges}). A batch either
 * lands whole or not at all, so an upload that fails halfway keeps every batch before the failure.
 */
@ApplicationScoped
public class AccountBatchWriter {

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "quarkus.datasource.db-kind")
    String dbKind;

    /**
     * What happened to one batch. {@code noneKnown}: the database knew none of its accounts (on H2, the next batch
     * is then first tried as all new; PostgreSQL's way does not ask and answers false).
     */
    public record Outcome(int accepted, List<RowError> duplicates, boolean noneKnown) {
    }

    /**
     * Writes one batch. {@code expectNew}: the batch before brought only accounts the database did not know, so
     * on H2 this one is first tried with plain inserts and no look-up (a first upload of new accounts, the
     * commonest case, is then about a tenth faster: bench/README.md); a known account or a repeat makes H2 refuse the
     * insert, and the batch is written again the careful way.
     */
    public Outcome write(String incidentId, String uploadId, List<AccountRow> rows, List<RowError> errors,
                         long lastLine, long acceptedSoFar, long rejectedSoFar, boolean expectNew) throws SQLException {
        boolean postgres = "postgresql".equals(dbKind);
        AccountMerges.Way way = postgres || !expectNew ? AccountMerges.Way.LOOK_UP_FIRST : AccountMerges.Way.INSERT_ALL;
        while (true) {
            try {
                return write(incidentId, uploadId, rows, errors, lastLine, acceptedSoFar, rejectedSoFar, way);
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState()) || postgres || way == AccountMerges.Way.MERGE_ALL) {
                    throw e;
                }
                // H2 refused an insert: the batch rolled back whole and goes again, the next way more careful.
                // After INSERT_ALL: one of its accounts was known after all. After LOOK_UP_FIRST: another upload
                // inserted one of its new accounts after the look-up; MERGE statements take either case.
                way = way == AccountMerges.Way.INSERT_ALL ? AccountMerges.Way.LOOK_UP_FIRST : AccountMerges.Way.MERGE_ALL;
            }
        }
    }

    private Outcome write(String incidentId, String uploadId, List<AccountRow> rows, List<RowError> errors,
                          long lastLine, long acceptedSoFar, long rejectedSoFar, AccountMerges.Way way) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<RowError> duplicates = new ArrayList<>();
                List<AccountRow> once = withoutRepeats(rows, duplicates);
                AccountMerges.Written written = "postgresql".equals(dbKind)
                        ? new AccountMerges.Written(AccountCopy.write(c, incidentId, uploadId, once, duplicates), false)
                        : AccountMerges.write(c, incidentId, uploadId, once, duplicates, way);
                int accepted = written.accepted();
                List<RowError> allErrors = new ArrayList<>(errors);
                allErrors.addAll(duplicates);
                insertErrors(c, uploadId, allErrors);
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE account_upload SET accepted = ?, rejected = ?, last_line = ? WHERE id = ?")) {
                    ps.setLong(1, acceptedSoFar + accepted);
                    ps.setLong(2, rejectedSoFar + allErrors.size());
                    ps.setLong(3, lastLine);
                    ps.setString(4, uploadId);
                    ps.executeUpdate();
                }
                c.commit();
                return new Outcome(accepted, duplicates, written.noneKnown());
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * An account repeated in one file is an error (which of the two rows is right?): within the batch every later
     * line goes, reporting the first (found here, in memory; repeats of an earlier batch are found by the
     * database, through exposure.upload_id, so memory stays bounded by the batch whatever the file's size).
     */
    private static List<AccountRow> withoutRepeats(List<AccountRow> rows, List<RowError> duplicates) {
        Map<String, Long> firstLine = new HashMap<>(rows.size() * 2);
        List<AccountRow> once = new ArrayList<>(rows.size());
        for (AccountRow row : rows) {
            Long first = firstLine.putIfAbsent(row.accountId(), row.line());
            if (first != null) {
                duplicates.add(repeated(row.line(), row.accountId(), first));
            } else {
                once.add(row);
            }
        }
        return once;
    }

    /** The rejection of a line whose account an earlier line of the same file already brought. */
    static RowError repeated(long line, String accountId, long first) {
        return new RowError(line, accountId, "account_id '" + accountId + "' already appears on line " + first
                + " of this file; each account must appear once");
    }

    private void insertErrors(Connection c, String uploadId, Collection<RowError> errors) throws SQLException {
        if (errors.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO upload_error (upload_id, line, account_id, reason) VALUES (?, ?, ?, ?)")) {
            for (RowError e : errors) {
                ps.setString(1, uploadId);
                ps.setLong(2, e.line());
                // What a rejected line quoted may hold NUL or half a surrogate pair: shown as U+FFFD
                ps.setString(3, e.accountId() == null ? null : truncate(Unprintable.replaced(e.accountId()), 200));
                ps.setString(4, truncate(Unprintable.replaced(e.reason()), 1000));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public void start(String uploadId, String incidentId, String contentType) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO account_upload (id, incident_id, content_type, status,"
                     + " accepted, rejected, last_line, started_at) VALUES (?, ?, ?, 'RUNNING', 0, 0, 0, ?)")) {
            ps.setString(1, uploadId);
            ps.setString(2, incidentId);
            ps.setString(3, contentType);
            ps.setTimestamp(4, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        }
    }

    public void finish(String uploadId, String status, String failure) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE account_upload SET status = ?, failure = ?, finished_at = ? WHERE id = ?")) {
            ps.setString(1, status);
            ps.setString(2, failure == null ? null : truncate(failure, 2000));
            ps.setTimestamp(3, Timestamp.from(Instant.now()));
            ps.setString(4, uploadId);
            ps.executeUpdate();
        }
    }

    /**
     * Refreshes PostgreSQL's statistics of accounts and exposures while and after a large upload (when:
     * {@link AccountImporter#STATISTICS_AFTER_ROWS}). Without it a launch right after a large upload also found
     * the end of each slice ("the 10,000th account after the cursor") by sorting every remaining account of
     * the incident, growing with the incident, instead of reading 10,000 index entries in order. H2, the embedded default, is left to its own statistics.
     */
    public void refreshStatistics(boolean accountsToo) throws SQLException {
        if (!"postgresql".equals(dbKind)) {
            return;
        }
        try (Connection c = dataSource.getConnection(); var st = c.createStatement()) {
            // while the upload runs only the repeat check's table matters; accounts once, at its end
            st.execute(accountsToo ? "ANALYZE account, exposure" : "ANALYZE exposure");
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
