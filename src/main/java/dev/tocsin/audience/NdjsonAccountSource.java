package dev.tocsin.audience;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Streaming newline-delimited JSON: one object per line with the same keys as the CSV header. */
public final class NdjsonAccountSource implements AccountSource {

    private final Reader in;
    private final ObjectMapper mapper;
    private final char[] buffer = new char[64 * 1024];
    private int pos;
    private int limit;
    private long line;
    private final StringBuilder current = new StringBuilder();

    public NdjsonAccountSource(Reader in, ObjectMapper mapper) {
        this.in = in;
        this.mapper = mapper;
    }

    @Override
    public Parsed next() throws IOException {
        while (true) {
            String text = readLine();
            if (text == null) {
                return null;
            }
            long lineNo = line;
            if (text == TOO_LONG) {
                return new Parsed(null, new RowError(lineNo, null,
                        "the line is longer than " + CsvAccountSource.MAX_RECORD_CHARS + " characters"));
            }
            if (text.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = mapper.readTree(text);
            } catch (JsonProcessingException e) {
                return new Parsed(null, new RowError(lineNo, null,
                        "not valid JSON: " + e.getOriginalMessage()));
            }
            if (node == null || !node.isObject()) {
                return new Parsed(null, new RowError(lineNo, null, "each line must be one JSON object"));
            }
            JsonNode idNode = node.get("account_id");
            String accountId = idNode != null && idNode.isTextual() ? text(idNode) : null;
            List<String> unknown = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var entry = it.next();
                if (!COLUMNS.contains(entry.getKey())) {
                    unknown.add(entry.getKey());
                } else if (!isStringOrNull(entry.getValue()) && !("exposed".equals(entry.getKey())
                        && entry.getValue().isArray())) {
                    // true or 42 is not an id or a name someone typed: refused, never turned into "true"
                    return new Parsed(null, new RowError(lineNo, accountId,
                            "'" + entry.getKey() + "' must be a string" + ("exposed".equals(entry.getKey())
                                    ? " or an array of strings" : "") + ", not " + kind(entry.getValue())));
                }
            }
            if (!unknown.isEmpty()) {
                return new Parsed(null, new RowError(lineNo, accountId,
                        "unknown key(s) " + unknown + "; known keys: " + String.join(", ", COLUMNS)));
            }
            JsonNode exposedNode = node.get("exposed");
            String exposed;
            if (exposedNode != null && exposedNode.isArray()) {
                List<String> parts = new ArrayList<>();
                for (JsonNode n : exposedNode) {
                    if (!n.isTextual()) {
                        return new Parsed(null, new RowError(lineNo, accountId,
                                "'exposed' must list strings, not " + kind(n)));
                    }
                    parts.add(n.asText());
                }
                exposed = String.join(";", parts);
            } else {
                exposed = text(exposedNode);
            }
            return new Parsed(new RawAccount(lineNo, accountId, text(node.get("email")), text(node.get("phone")),
                    text(node.get("locale")), text(node.get("timezone")), text(node.get("country")),
                    text(node.get("region")), text(node.get("name")), AccountSource.blankToNull(exposed),
                    text(node.get("enrolment_code")), text(node.get("address_line1")), text(node.get("address_line2")),
                    text(node.get("city")), text(node.get("postal_code"))), null);
        }
    }

    @Override
    public long lastLine() {
        return line;
    }

    private static boolean isStringOrNull(JsonNode node) {
        return node == null || node.isNull() || node.isTextual();
    }

    private static String kind(JsonNode node) {
        return node.isBoolean() ? "a boolean" : node.isNumber() ? "a number" : node.isArray() ? "an array"
                : node.isObject() ? "an object" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return AccountSource.blankToNull(node.asText());
    }

    private static final String TOO_LONG = new String("\0too-long");

    private String readLine() throws IOException {
        current.setLength(0);
        boolean any = false;
        boolean tooLong = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buffer, 0, buffer.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (!any) {
                        return null;
                    }
                    line++;
                    return tooLong ? TOO_LONG : current.toString();
                }
            }
            char ch = buffer[pos++];
            any = true;
            if (ch == '\n') {
                line++;
                return tooLong ? TOO_LONG : current.toString();
            }
            if (ch != '\r' && !tooLong) {
                if (current.length() >= CsvAccountSource.MAX_RECORD_CHARS) {
                    tooLong = true;
                    current.setLength(0);
                } else {
                    current.append(ch);
                }
            }
        }
    }
}
