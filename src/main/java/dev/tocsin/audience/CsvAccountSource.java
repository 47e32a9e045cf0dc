package dev.tocsin.audience;

import dev.tocsin.common.ApiException;
import dev.tocsin.common.FieldError;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streaming RFC 4180 CSV reader. Tracks physical lines (a quoted field may span several) so every
 * error names the line a person sees in an editor, the header being line 1.
 */
public final class CsvAccountSource implements AccountSource {

    /** A record longer than this is almost always an unterminated quote swallowing the file. */
    static final int MAX_RECORD_CHARS = 64 * 1024;
    /** More columns than this is not a header of ours (each unknown one would otherwise be listed). */
    static final int MAX_HEADER_COLUMNS = 50;

    private final Reader in;
    private final char[] buffer = new char[64 * 1024];
    private int pos;
    private int limit;
    private long line = 1;
    private final int[] columnIndex = new int[COLUMNS.size()];
    private final int columnCount;
    private final StringBuilder field = new StringBuilder();

    public CsvAccountSource(Reader in) throws IOException {
        this.in = in;
        List<String> header;
        try {
            header = readRecord();
        } catch (RecordTooLong e) {
            throw ApiException.badRequest("invalid_header", "The CSV header line cannot be read: " + e.getMessage()
                    + ". The first line must name the columns: " + String.join(",", COLUMNS) + ".", List.of());
        }
        if (header == null || header.stream().allMatch(String::isBlank)) {
            throw ApiException.badRequest("missing_header",
                    "The CSV file is empty or has no header line. The first line must name the columns: "
                            + String.join(",", COLUMNS.subList(0, 8)), List.of());
        }
        if (header.size() > MAX_HEADER_COLUMNS) {
            throw ApiException.badRequest("invalid_header", "The CSV header has " + header.size() + " columns; Tocsin knows "
                    + COLUMNS.size() + ": " + String.join(",", COLUMNS) + ". Is the first line the header?", List.of());
        }
        java.util.Arrays.fill(columnIndex, -1);
        List<FieldError> problems = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip().toLowerCase();
            if (i == 0 && name.startsWith("\uFEFF")) {
                name = name.substring(1);
            }
            int known = COLUMNS.indexOf(name);
            if (known < 0) {
                problems.add(new FieldError(name.isEmpty() ? "(column " + (i + 1) + ")" : name,
                        "unknown column in the CSV header"));
            } else if (seen.putIfAbsent(name, i) != null) {
                problems.add(new FieldError(name, "column appears twice in the CSV header"));
            } else {
                columnIndex[known] = i;
            }
        }
        if (columnIndex[0] < 0) {
            problems.add(new FieldError("account_id", "required column is missing from the CSV header"));
        }
        if (columnIndex[COLUMNS.indexOf("exposed")] < 0) {
            problems.add(new FieldError("exposed", "required column is missing from the CSV header"));
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("invalid_header",
                    "The CSV header is not usable: " + problems.stream().map(p -> p.field() + " (" + p.reason() + ")")
                            .reduce((a, b) -> a + ", " + b).orElse("")
                            + ". Known columns: " + String.join(",", COLUMNS) + ".", problems);
        }
        this.columnCount = header.size();
    }

    @Override
    public Parsed next() throws IOException {
        while (true) {
            long startLine = line;
            List<String> record;
            try {
                record = readRecord();
            } catch (RecordTooLong e) {
                return new Parsed(null, new RowError(startLine, null, e.getMessage()));
            }
            if (record == null) {
                return null;
            }
            if (record.size() == 1 && record.get(0).isBlank()) {
                continue; // an empty line carries no row
            }
            String accountId = value(record, 0);
            if (record.size() != columnCount) {
                return new Parsed(null, new RowError(startLine, record.size() > columnIndex[0] ? accountId : null,
                        "wrong number of columns: the header has " + columnCount + ", this line has " + record.size()
                                + " (a comma inside a value needs the value in double quotes)"));
            }
            return new Parsed(new RawAccount(startLine, accountId, value(record, 1), value(record, 2), value(record, 3),
                    value(record, 4), value(record, 5), value(record, 8), value(record, 6), value(record, 7),
                    value(record, 9), value(record, 10), value(record, 11), value(record, 12), value(record, 13)), null);
        }
    }

    @Override
    public long lastLine() {
        return line - 1; // line is the one about to be read
    }

    private String value(List<String> record, int column) {
        int index = columnIndex[column];
        if (index < 0 || index >= record.size()) {
            return null;
        }
        return AccountSource.blankToNull(record.get(index));
    }

    private static final class RecordTooLong extends IOException {
        RecordTooLong(String message) {
            super(message);
        }
    }

    private int read() throws IOException {
        if (pos == limit) {
            limit = in.read(buffer, 0, buffer.length);
            pos = 0;
            if (limit <= 0) {
                limit = 0;
                return -1;
            }
        }
        return buffer[pos++];
    }

    private int peek() throws IOException {
        int c = read();
        if (c >= 0) {
            pos--;
        }
        return c;
    }

    /** Reads one record; null at end of input. Advances the physical line counter. */
    private List<String> readRecord() throws IOException {
        int c = read();
        if (c < 0) {
            return null;
        }
        List<String> fields = new ArrayList<>(10);
        field.setLength(0);
        boolean quoted = false;
        boolean fieldStart = true;
        int recordChars = 0;
        long startLine = line;
        while (true) {
            if (c < 0) {
                if (quoted) {
                    fields.add(field.toString());
                    throw new RecordTooLong("a quoted value opened on line " + startLine + " is never closed");
                }
                fields.add(field.toString());
                return fields;
            }
            if (++recordChars > MAX_RECORD_CHARS) {
                skipToLineEnd();
                throw new RecordTooLong("the row is longer than " + MAX_RECORD_CHARS
                        + " characters; most likely a double quote is not closed");
            }
            char ch = (char) c;
            if (quoted) {
                if (ch == '"') {
                    if (peek() == '"') {
                        read();
                        field.append('"');
                    } else {
                        quoted = false;
                    }
                } else {
                    if (ch == '\n') {
                        line++;
                    }
                    field.append(ch);
                }
            } else if (ch == '"' && fieldStart) {
                quoted = true;
                fieldStart = false;
            } else if (ch == ',') {
                fields.add(field.toString());
                field.setLength(0);
                fieldStart = true;
            } else if (ch == '\r' || ch == '\n') {
                if (ch == '\r' && peek() == '\n') {
                    read();
                }
                line++;
                fields.add(field.toString());
                return fields;
            } else {
                field.append(ch);
                fieldStart = false;
            }
            c = read();
        }
    }

    private void skipToLineEnd() throws IOException {
        int c;
        while ((c = read()) >= 0) {
            if (c == '\n') {
                line++;
                return;
            }
        }
    }
}
