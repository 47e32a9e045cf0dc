package dev.tocsin.audience;

import dev.tocsin.common.Unprintable;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
 * set-based statements ({@link AccountCopy}), on H2 with multi-row standard MERGE statements. A batch either
 * lands whole or not at all, so an upload that fails halfway keeps every batch before the failure.
 */
@ApplicationScoped
public class AccountBatchWriter {

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "quarkus.datasource.db-kind")
    String dbKind;

    private static final int MERGE_ROWS = 1000;

    /** What happened to one batch. */
    public record Outcome(int accepted, List<RowError> duplicates) {
    }

    public Outcome write(String incidentId, String uploadId, List<AccountRow> rows, List<RowError> errors,
                         long lastLine, long acceptedSoFar, long rejectedSoFar) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<RowError> duplicates = new ArrayList<>();
                int accepted;
                if ("postgresql".equals(dbKind)) {
                    accepted = AccountCopy.write(c, incidentId, uploadId, rows, duplicates);
                } else {
                    List<AccountRow> fresh = dropDuplicates(c, incidentId, uploadId, rows, duplicates);
                    // one MERGE per 1,000 rows: a statement's parameters stay few whatever the batch size
                    for (int from = 0; from < fresh.size(); from += MERGE_ROWS) {
                        List<AccountRow> part = fresh.subList(from, Math.min(fresh.size(), from + MERGE_ROWS));
                        mergeAccounts(c, part);
                        mergeExposures(c, incidentId, uploadId, part);
                    }
                    accepted = fresh.size();
                }
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
                return new Outcome(accepted, duplicates);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * An account id repeated in one file is an error (which of the two rows is right?). Repeats inside the
     * batch are found here; repeats of an earlier batch are found through exposure.upload_id, so memory stays
     * bounded by the batch size whatever the file size.
     */
    private List<AccountRow> dropDuplicates(Connection c, String incidentId, String uploadId, List<AccountRow> rows,
                                            List<RowError> duplicates) throws SQLException {
        Map<String, Long> firstLine = new HashMap<>();
        for (int from = 0; from < rows.size(); from += MERGE_ROWS) {
            List<AccountRow> part = rows.subList(from, Math.min(rows.size(), from + MERGE_ROWS));
            // A join with the batch's ids, not "account_id IN (...)": H2 looks each id up in the primary key this
            // way, where the IN list had it read every exposure of the incident for each batch.
            StringBuilder sql = new StringBuilder("SELECT e.account_id, e.upload_line FROM (VALUES ");
            appendPlaceholders(sql, part.size(), "(CAST(? AS VARCHAR(200)))");
            sql.append(") AS b (account_id) JOIN exposure e ON e.incident_id = ? AND e.account_id = b.account_id"
                    + " WHERE e.upload_id = ?");
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (AccountRow row : part) {
                    ps.setString(i++, row.accountId());
                }
                ps.setString(i++, incidentId);
                ps.setString(i, uploadId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        firstLine.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
        }
        List<AccountRow> fresh = new ArrayList<>(rows.size());
        for (AccountRow row : rows) {
            Long first = firstLine.putIfAbsent(row.accountId(), row.line());
            if (first != null) {
                duplicates.add(repeated(row.line(), row.accountId(), first));
            } else {
                fresh.add(row);
            }
        }
        return fresh;
    }

    /** The rejection of a line whose account an earlier line of the same file already brought. */
    static RowError repeated(long line, String accountId, long first) {
        return new RowError(line, accountId, "account_id '" + accountId + "' already appears on line " + first
                + " of this file; each account must appear once");
    }

    private void mergeAccounts(Connection c, List<AccountRow> rows) throws SQLException {
        StringBuilder sql = new StringBuilder("MERGE INTO account a USING (VALUES ");
        appendPlaceholders(sql, rows.size(),
                "(CAST(? AS VARCHAR(200)), CAST(? AS VARCHAR(320)), CAST(? AS VARCHAR(20)), CAST(? AS BOOLEAN),"
                        + " CAST(? AS VARCHAR(35)), CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(2)), CAST(? AS VARCHAR(10)),"
                        + " CAST(? AS VARCHAR(300)), CAST(? AS VARCHAR(200)), CAST(? AS VARCHAR(200)),"
                        + " CAST(? AS VARCHAR(100)), CAST(? AS VARCHAR(20)))");
        // A blank value in a re-upload keeps what we knew: an upload never silently erases a contact. A postal
        // address comes whole: a new first line replaces the other parts with the file's (blank ones too).
        sql.append(") AS s (account_id, email, phone, phone_sms, locale, timezone, country, region, name,"
                + " address_line1, address_line2, city, postal_code)"
                + " ON a.account_id = s.account_id"
                + " WHEN MATCHED THEN UPDATE SET email = COALESCE(s.email, a.email), phone = COALESCE(s.phone, a.phone),"
                + " phone_sms = CASE WHEN s.phone IS NULL THEN a.phone_sms ELSE s.phone_sms END,"
                + " locale = COALESCE(s.locale, a.locale), timezone = COALESCE(s.timezone, a.timezone),"
                + " country = COALESCE(s.country, a.country), region = COALESCE(s.region, a.region),"
                + " name = COALESCE(s.name, a.name),"
                + " address_line1 = COALESCE(s.address_line1, a.address_line1),"
                + " address_line2 = CASE WHEN s.address_line1 IS NULL THEN a.address_line2 ELSE s.address_line2 END,"
                + " city = CASE WHEN s.address_line1 IS NULL THEN a.city ELSE s.city END,"
                + " postal_code = CASE WHEN s.address_line1 IS NULL THEN a.postal_code ELSE s.postal_code END,"
                + " updated_at = CURRENT_TIMESTAMP"
                + " WHEN NOT MATCHED THEN INSERT (account_id, email, phone, phone_sms, locale, timezone, country, region, name,"
                + " address_line1, address_line2, city, postal_code, updated_at)"
                + " VALUES (s.account_id, s.email, s.phone, s.phone_sms, s.locale, s.timezone, s.country, s.region, s.name,"
                + " s.address_line1, s.address_line2, s.city, s.postal_code, CURRENT_TIMESTAMP)");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (AccountRow r : rows) {
                ps.setString(i++, r.accountId());
                ps.setString(i++, r.email());
                ps.setString(i++, r.phone());
                if (r.phoneTakesSms() == null) {
                    ps.setNull(i++, java.sql.Types.BOOLEAN);
                } else {
                    ps.setBoolean(i++, r.phoneTakesSms());
                }
                ps.setString(i++, r.locale());
                ps.setString(i++, r.timezone());
                ps.setString(i++, r.country());
                ps.setString(i++, r.region());
                ps.setString(i++, r.name());
                ps.setString(i++, r.addressLine1());
                ps.setString(i++, r.addressLine2());
                ps.setString(i++, r.city());
                ps.setString(i++, r.postalCode());
            }
            ps.executeUpdate();
        }
    }

    private void mergeExposures(Connection c, String incidentId, String uploadId, List<AccountRow> rows) throws SQLException {
        StringBuilder sql = new StringBuilder("MERGE INTO exposure e USING (VALUES ");
        appendPlaceholders(sql, rows.size(),
                "(CAST(? AS VARCHAR(200)), CAST(? AS VARCHAR(1000)), CAST(? AS BIGINT), CAST(? AS VARCHAR(64)))");
        sql.append(") AS s (account_id, categories, upload_line, enrolment_code)"
                + " ON e.incident_id = ? AND e.account_id = s.account_id"
                + " WHEN MATCHED THEN UPDATE SET categories = s.categories, upload_id = ?, upload_line = s.upload_line,"
                + " enrolment_code = COALESCE(s.enrolment_code, e.enrolment_code), updated_at = CURRENT_TIMESTAMP"
                + " WHEN NOT MATCHED THEN INSERT (incident_id, account_id, categories, upload_id, upload_line, enrolment_code,"
                + " updated_at) VALUES (?, s.account_id, s.categories, ?, s.upload_line, s.enrolment_code, CURRENT_TIMESTAMP)");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (AccountRow r : rows) {
                ps.setString(i++, r.accountId());
                ps.setString(i++, r.categories());
                ps.setLong(i++, r.line());
                ps.setString(i++, r.enrolmentCode());
            }
            ps.setString(i++, incidentId);
            ps.setString(i++, uploadId);
            ps.setString(i++, incidentId);
            ps.setString(i, uploadId);
            ps.executeUpdate();
        }
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

    private static void appendPlaceholders(StringBuilder sql, int count, String group) {
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sql.append(',');
            }
            sql.append(group);
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
