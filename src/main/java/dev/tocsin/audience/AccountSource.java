package dev.tocsin.audience;

import java.io.IOException;

/** Reads uploaded rows one at a time, so a file of any size streams through in constant memory. */
public interface AccountSource {

    /** A row read from the file, or why the line could not be read as a row. */
    record Parsed(RawAccount raw, RowError error) {
    }

    /** The next row, or null at the end of the file. */
    Parsed next() throws IOException;

    /** The last physical line consumed so far (1-based). */
    long lastLine();

    /** Column names (CSV header or NDJSON keys) the uploader may use, in the order DESIGN.md lists them. */
    java.util.List<String> COLUMNS = java.util.List.of(
            "account_id", "email", "phone", "locale", "timezone", "country", "name", "exposed", "region",
            "enrolment_code", "address_line1", "address_line2", "city", "postal_code");

    static String blankToNull(String value) {
        if (value == null) {
            return null;
        }
        String stripped = value.strip();
        return stripped.isEmpty() ? null : stripped;
    }
}
