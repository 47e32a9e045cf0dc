package dev.tocsin.audience;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * H2's way (the embedded default) to take in a batch of validated rows, in the caller's transaction ({@link Way}):
 * plain multi-row INSERTs when the batch is expected to be all new, else one look-up of what is known of the
 * batch's accounts (the account, and its exposure to this incident with the upload that brought it), then INSERTs
 * for what is new and standard MERGE statements for what is known. H2 writes an insert for about two thirds of a
 * MERGE's cost, and a first upload is nearly all new rows. Same outcome, row for row, as {@link AccountCopy} on
 * PostgreSQL.
 */
final class AccountMerges {

    private AccountMerges() {
    }

    /** Rows per statement: a statement's parameters stay few whatever the batch size. */
    private static final int ROWS_PER_STATEMENT = 1000;

    private static final String ACCOUNT_COLUMNS = "account_id, email, phone, phone_sms, locale, timezone, country,"
            + " region, name, address_line1, address_line2, city, postal_code";

    /** What the database knows of one account of the batch. */
    private record Known(boolean account, String exposureUpload, long exposureLine) {
    }

    /**
     * How a batch is written. {@code INSERT_ALL}: no look-up, plain INSERTs, for a batch expected to bring only
     * accounts the database does not know and no repeat of an earlier batch; if one is known after all, a primary
     * key refuses the insert (SQL state 23505) and the caller rolls the batch back and writes it again
     * {@code LOOK_UP_FIRST}. That one inserts what the look-up found new and merges the rest; {@code MERGE_ALL}
     * merges every row (the way back when another upload inserted one of the batch's new accounts between the
     * look-up and the insert).
     */
    enum Way {
        INSERT_ALL, LOOK_UP_FIRST, MERGE_ALL
    }

    /** A batch written: how many rows were taken in, and whether the database knew none of its accounts before. */
    record Written(int accepted, boolean noneKnown) {
    }

    /**
     * Writes the rows (no account twice among them); adds the repeats of earlier batches to {@code duplicates}.
     * The rows go in key order: neighbouring inserts then land on the same index pages.
     */
    static Written write(Connection c, String incidentId, String uploadId, List<AccountRow> rows, List<RowError> duplicates,
                         Way way) throws SQLException {
        List<AccountRow> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(AccountRow::accountId));
        // INSERT_ALL skips the look-up: with nothing known, every row goes to the INSERTs below
        boolean insertNew = way != Way.MERGE_ALL;
        Map<String, Known> known = way == Way.INSERT_ALL ? Map.of() : lookUp(c, incidentId, sorted);
        List<AccountRow> newAccounts = new ArrayList<>();
        List<AccountRow> knownAccounts = new ArrayList<>();
        List<AccountRow> newExposures = new ArrayList<>();
        List<AccountRow> knownExposures = new ArrayList<>();
        for (AccountRow row : sorted) {
            Known k = known.get(row.accountId());
            if (k != null && uploadId.equals(k.exposureUpload())) {
                // brought by an earlier batch of the same upload: a repeat in the file
                duplicates.add(AccountBatchWriter.repeated(row.line(), row.accountId(), k.exposureLine()));
                continue;
            }
            boolean accountKnown = k != null && k.account();
            boolean exposureKnown = k != null && k.exposureUpload() != null;
            (accountKnown || !insertNew ? knownAccounts : newAccounts).add(row);
            (exposureKnown || !insertNew ? knownExposures : newExposures).add(row);
        }
        for (List<AccountRow> part : parts(newAccounts)) {
            insertAccounts(c, part);
        }
        for (List<AccountRow> part : parts(knownAccounts)) {
            mergeAccounts(c, part);
        }
        for (List<AccountRow> part : parts(newExposures)) {
            insertExposures(c, incidentId, uploadId, part);
        }
        for (List<AccountRow> part : parts(knownExposures)) {
            mergeExposures(c, incidentId, uploadId, part);
        }
        return new Written(newExposures.size() + knownExposures.size(), known.isEmpty());
    }

    private static List<List<AccountRow>> parts(List<AccountRow> rows) {
        List<List<AccountRow>> parts = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            parts.add(rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT)));
        }
        return parts;
    }

    private static Map<String, Known> lookUp(Connection c, String incidentId, List<AccountRow> rows) throws SQLException {
        Map<String, Known> known = new HashMap<>();
        for (List<AccountRow> part : parts(rows)) {
            // A join with the batch's ids, not "account_id IN (...)": H2 looks each id up in the primary keys this
            // way, where an IN list had it read every exposure of the incident for each batch.
            StringBuilder sql = new StringBuilder("SELECT b.account_id, a.account_id, e.upload_id, e.upload_line FROM (VALUES ");
            appendGroups(sql, part.size(), "(CAST(? AS VARCHAR(200)))");
            sql.append(") AS b (account_id) LEFT JOIN account a ON a.account_id = b.account_id"
                    + " LEFT JOIN exposure e ON e.incident_id = ? AND e.account_id = b.account_id");
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (AccountRow row : part) {
                    ps.setString(i++, row.accountId());
                }
                ps.setString(i, incidentId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        boolean account = rs.getString(2) != null;
                        String exposureUpload = rs.getString(3);
                        if (account || exposureUpload != null) {
                            known.put(rs.getString(1), new Known(account, exposureUpload, rs.getLong(4)));
                        }
                    }
                }
            }
        }
        return known;
    }

    private static void insertAccounts(Connection c, List<AccountRow> rows) throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO account (" + ACCOUNT_COLUMNS + ", updated_at) VALUES ");
        appendGroups(sql, rows.size(), "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (AccountRow r : rows) {
                i = setAccount(ps, i, r);
            }
            ps.executeUpdate();
        }
    }

    private static void mergeAccounts(Connection c, List<AccountRow> rows) throws SQLException {
        StringBuilder sql = new StringBuilder("MERGE INTO account a USING (VALUES ");
        appendGroups(sql, rows.size(),
                "(CAST(? AS VARCHAR(200)), CAST(? AS VARCHAR(320)), CAST(? AS VARCHAR(20)), CAST(? AS BOOLEAN),"
                        + " CAST(? AS VARCHAR(35)), CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(2)), CAST(? AS VARCHAR(10)),"
                        + " CAST(? AS VARCHAR(300)), CAST(? AS VARCHAR(200)), CAST(? AS VARCHAR(200)),"
                        + " CAST(? AS VARCHAR(100)), CAST(? AS VARCHAR(20)))");
        // A blank value in a re-upload keeps what we knew: an upload never silently erases a contact. A postal
        // address comes whole: a new first line replaces the other parts with the file's (blank ones too).
        sql.append(") AS s (" + ACCOUNT_COLUMNS + ")"
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
                + " WHEN NOT MATCHED THEN INSERT (" + ACCOUNT_COLUMNS + ", updated_at)"
                + " VALUES (s.account_id, s.email, s.phone, s.phone_sms, s.locale, s.timezone, s.country, s.region, s.name,"
                + " s.address_line1, s.address_line2, s.city, s.postal_code, CURRENT_TIMESTAMP)");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (AccountRow r : rows) {
                i = setAccount(ps, i, r);
            }
            ps.executeUpdate();
        }
    }

    private static int setAccount(PreparedStatement ps, int i, AccountRow r) throws SQLException {
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
        return i;
    }

    private static void insertExposures(Connection c, String incidentId, String uploadId, List<AccountRow> rows)
            throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO exposure (incident_id, account_id, categories, upload_id,"
                + " upload_line, enrolment_code, updated_at) VALUES ");
        appendGroups(sql, rows.size(), "(?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (AccountRow r : rows) {
                ps.setString(i++, incidentId);
                ps.setString(i++, r.accountId());
                ps.setString(i++, r.categories());
                ps.setString(i++, uploadId);
                ps.setLong(i++, r.line());
                ps.setString(i++, r.enrolmentCode());
            }
            ps.executeUpdate();
        }
    }

    private static void mergeExposures(Connection c, String incidentId, String uploadId, List<AccountRow> rows)
            throws SQLException {
        StringBuilder sql = new StringBuilder("MERGE INTO exposure e USING (VALUES ");
        appendGroups(sql, rows.size(),
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

    private static void appendGroups(StringBuilder sql, int count, String group) {
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sql.append(',');
            }
            sql.append(group);
        }
    }
}
