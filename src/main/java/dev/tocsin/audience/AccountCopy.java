package dev.tocsin.audience;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * PostgreSQL's way to take in a batch of validated rows: COPY them into a temporary staging table (the JDBC
 * driver's CopyManager, text format), then set-based statements merge exposures and accounts and find the
 * repeats of earlier batches, in the caller's transaction. The staging table belongs to the connection and empties at commit.
 * Same outcome, row for row, as {@link AccountMerges} on H2.
 */
final class AccountCopy {

    private AccountCopy() {
    }

    private static final String STAGE = "CREATE TEMPORARY TABLE IF NOT EXISTS account_stage ("
            + " line BIGINT NOT NULL, account_id VARCHAR(200) NOT NULL, email VARCHAR(320), phone VARCHAR(20),"
            + " phone_sms BOOLEAN, locale VARCHAR(35), timezone VARCHAR(64), country VARCHAR(2), region VARCHAR(10),"
            + " name VARCHAR(300), address_line1 VARCHAR(200), address_line2 VARCHAR(200), city VARCHAR(100),"
            + " postal_code VARCHAR(20), categories VARCHAR(1000) NOT NULL, enrolment_code VARCHAR(64))"
            + " ON COMMIT DELETE ROWS";

    private static final String COPY = "COPY account_stage (line, account_id, email, phone, phone_sms, locale, timezone,"
            + " country, region, name, address_line1, address_line2, city, postal_code, categories, enrolment_code)"
            + " FROM STDIN";

    /**
     * A row whose account an earlier batch of the same upload already brought: its exposure carries this upload
     * and another line (run after the exposures' merge, which left those rows alone, and only when it wrote
     * fewer rows than were staged).
     */
    private static final String REPEATS_OF_EARLIER_BATCHES = "DELETE FROM account_stage s USING exposure e"
            + " WHERE e.incident_id = ? AND e.account_id = s.account_id AND e.upload_id = ? AND e.upload_line <> s.line"
            + " RETURNING s.line, s.account_id, e.upload_line";

    // A blank value in a re-upload keeps what we knew: an upload never silently erases a contact. A postal
    // address comes whole: a new first line replaces the other parts with the file's (blank ones too).
    private static final String MERGE_ACCOUNTS = "INSERT INTO account AS a (account_id, email, phone, phone_sms, locale,"
            + " timezone, country, region, name, address_line1, address_line2, city, postal_code, updated_at)"
            + " SELECT account_id, email, phone, phone_sms, locale, timezone, country, region, name, address_line1,"
            + " address_line2, city, postal_code, CURRENT_TIMESTAMP FROM account_stage ORDER BY account_id"
            + " ON CONFLICT (account_id) DO UPDATE SET email = COALESCE(EXCLUDED.email, a.email),"
            + " phone = COALESCE(EXCLUDED.phone, a.phone),"
            + " phone_sms = CASE WHEN EXCLUDED.phone IS NULL THEN a.phone_sms ELSE EXCLUDED.phone_sms END,"
            + " locale = COALESCE(EXCLUDED.locale, a.locale), timezone = COALESCE(EXCLUDED.timezone, a.timezone),"
            + " country = COALESCE(EXCLUDED.country, a.country), region = COALESCE(EXCLUDED.region, a.region),"
            + " name = COALESCE(EXCLUDED.name, a.name), address_line1 = COALESCE(EXCLUDED.address_line1, a.address_line1),"
            + " address_line2 = CASE WHEN EXCLUDED.address_line1 IS NULL THEN a.address_line2 ELSE EXCLUDED.address_line2 END,"
            + " city = CASE WHEN EXCLUDED.address_line1 IS NULL THEN a.city ELSE EXCLUDED.city END,"
            + " postal_code = CASE WHEN EXCLUDED.address_line1 IS NULL THEN a.postal_code ELSE EXCLUDED.postal_code END,"
            + " updated_at = CURRENT_TIMESTAMP";

    private static final String MERGE_EXPOSURES = "INSERT INTO exposure AS e (incident_id, account_id, categories, upload_id,"
            + " upload_line, enrolment_code, updated_at)"
            + " SELECT ?, account_id, categories, ?, line, enrolment_code, CURRENT_TIMESTAMP FROM account_stage ORDER BY account_id"
            + " ON CONFLICT (incident_id, account_id) DO UPDATE SET categories = EXCLUDED.categories,"
            + " upload_id = EXCLUDED.upload_id, upload_line = EXCLUDED.upload_line,"
            + " enrolment_code = COALESCE(EXCLUDED.enrolment_code, e.enrolment_code), updated_at = CURRENT_TIMESTAMP"
            // an exposure this upload already wrote is a repeat in the file: left as its first line wrote it
            + " WHERE e.upload_id <> EXCLUDED.upload_id";

    /**
     * Writes the rows (no account twice among them); adds the repeats of earlier batches to {@code duplicates};
     * answers how many rows were taken in.
     */
    static int write(Connection c, String incidentId, String uploadId, List<AccountRow> rows, List<RowError> duplicates)
            throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        try (Statement st = c.createStatement()) {
            st.execute(STAGE);
        }
        long staged = copy(c, rows);
        // The exposures first: their merge finds each row's exposure anyway, so the repeats of earlier batches
        // are looked for only when it wrote fewer rows than were staged (a separate look-up of every row cost an
        // eighth of the database's time per batch)
        int written;
        try (PreparedStatement ps = c.prepareStatement(MERGE_EXPOSURES)) {
            ps.setString(1, incidentId);
            ps.setString(2, uploadId);
            written = ps.executeUpdate();
        }
        if (written < staged) {
            try (PreparedStatement ps = c.prepareStatement(REPEATS_OF_EARLIER_BATCHES)) {
                ps.setString(1, incidentId);
                ps.setString(2, uploadId);
                try (ResultSet rs = ps.executeQuery()) {
                    repeats(rs, duplicates);
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.executeUpdate(MERGE_ACCOUNTS);
        }
        return written;
    }

    private static void repeats(ResultSet rs, List<RowError> duplicates) throws SQLException {
        while (rs.next()) {
            duplicates.add(AccountBatchWriter.repeated(rs.getLong(1), rs.getString(2), rs.getLong(3)));
        }
    }

    /** Answers how many rows were staged. */
    private static long copy(Connection c, List<AccountRow> rows) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
        try {
            CopyText out = new CopyText(64 * 1024);
            for (AccountRow r : rows) {
                out.number(r.line()).field(r.accountId()).field(r.email()).field(r.phone())
                        .field(r.phoneTakesSms() == null ? null : r.phoneTakesSms() ? "t" : "f")
                        .field(r.locale()).field(r.timezone()).field(r.country()).field(r.region()).field(r.name())
                        .field(r.addressLine1()).field(r.addressLine2()).field(r.city()).field(r.postalCode())
                        .field(r.categories()).last(r.enrolmentCode());
                if (out.size() > 60 * 1024) {
                    out.drainTo(in);
                }
            }
            out.drainTo(in);
            return in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /** Rows in COPY's text format: tab between fields, \N for null, backslash escapes for what would break a row. */
    static final class CopyText {
        private byte[] buf;
        private int size;

        CopyText(int capacity) {
            buf = new byte[capacity];
        }

        int size() {
            return size;
        }

        CopyText number(long n) {
            return raw(Long.toString(n)).tab();
        }

        CopyText field(String value) {
            return value(value).tab();
        }

        CopyText last(String value) {
            value(value);
            put((byte) '\n');
            return this;
        }

        private CopyText tab() {
            put((byte) '\t');
            return this;
        }

        private CopyText value(String value) {
            if (value == null) {
                put((byte) '\\');
                put((byte) 'N');
                return this;
            }
            for (int i = 0; i < value.length(); i++) {
                char ch = value.charAt(i);
                switch (ch) {
                    case '\\' -> escape('\\');
                    case '\t' -> escape('t');
                    case '\n' -> escape('n');
                    case '\r' -> escape('r');
                    default -> {
                        if (ch < 0x80) {
                            put((byte) ch);
                        } else {
                            // the rest of the value as UTF-8 (validated rows hold no lone surrogates)
                            int end = i + 1;
                            while (end < value.length() && value.charAt(end) >= 0x80) {
                                end++;
                            }
                            byte[] utf8 = value.substring(i, end).getBytes(StandardCharsets.UTF_8);
                            for (byte b : utf8) {
                                put(b);
                            }
                            i = end - 1;
                        }
                    }
                }
            }
            return this;
        }

        private void escape(char ch) {
            put((byte) '\\');
            put((byte) ch);
        }

        private CopyText raw(String ascii) {
            for (int i = 0; i < ascii.length(); i++) {
                put((byte) ascii.charAt(i));
            }
            return this;
        }

        private void put(byte b) {
            if (size == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            buf[size++] = b;
        }

        void drainTo(CopyIn in) throws SQLException {
            if (size > 0) {
                in.writeToCopy(buf, 0, size);
                size = 0;
            }
        }
    }
}
