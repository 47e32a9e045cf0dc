package dev.tocsin.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A multipart/form-data body (RFC 7578) read as a stream, part by part, so a file of any size goes straight to
 * whoever reads it: nothing is buffered beyond one window, nothing is written to disk first. Part headers are
 * bounded; a body that ends before its closing boundary is an error, not a short file.
 */
final class MultipartReader {

    static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int WINDOW = 64 * 1024;
    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(\"([^\"]{1,70})\"|([^;\\s]{1,70}))");
    private static final Pattern DISPOSITION_PARAM = Pattern.compile("(?i);\\s*(name|filename)=\"([^\"]*)\"");

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buf;
    private int start;
    private int end;
    private boolean eof;
    private boolean finished;
    private boolean inBody;

    /** One part: its name, its file name (null for a plain field) and content type, and its content. */
    record Part(String name, String filename, String contentType, InputStream content) {
    }

    private MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        this.buf = new byte[WINDOW + delimiter.length + 4];
        // the first boundary has no line break before it: reading as if it had one finds it the same way
        buf[0] = '\r';
        buf[1] = '\n';
        end = 2;
        inBody = true; // the preamble is read (and dropped) as if it were a part's body
    }

    /** The reader for a request whose Content-Type names its boundary; empty when it does not. */
    static Optional<MultipartReader> of(InputStream in, String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return Optional.empty();
        }
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new MultipartReader(in, m.group(2) != null ? m.group(2) : m.group(3)));
    }

    /** The next part (what was left unread of the one before is skipped), or empty after the last. */
    Optional<Part> next() throws IOException {
        if (inBody) {
            InputStream rest = new PartStream();
            while (rest.skip(WINDOW) > 0 || rest.read() >= 0) {
                // drop what nobody read
            }
        }
        if (finished) {
            return Optional.empty();
        }
        fill(2);
        if (end - start < 2) {
            throw new IOException("the form ends before its closing boundary");
        }
        if (buf[start] == '-' && buf[start + 1] == '-') {
            finished = true;
            return Optional.empty();
        }
        Map<String, String> headers = headers();
        String disposition = headers.getOrDefault("content-disposition", "");
        String name = null;
        String filename = null;
        Matcher m = DISPOSITION_PARAM.matcher(disposition);
        while (m.find()) {
            if (m.group(1).equalsIgnoreCase("name")) {
                name = m.group(2);
            } else {
                filename = m.group(2);
            }
        }
        inBody = true;
        return Optional.of(new Part(name, filename, headers.get("content-type"), new PartStream()));
    }

    /** The part's header lines, after the line break that ends the boundary line. */
    private Map<String, String> headers() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        int read = 0;
        String line;
        boolean first = true;
        while (true) {
            line = line();
            read += line.length() + 2;
            if (read > MAX_HEADER_BYTES) {
                throw new IOException("a part's headers are longer than " + MAX_HEADER_BYTES + " bytes");
            }
            if (first) {
                first = false; // the rest of the boundary line (transport padding)
                continue;
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            fill(1);
            if (end == start) {
                throw new IOException("the form ends inside a part's headers");
            }
            byte b = buf[start++];
            if (b == '\n') {
                int n = line.length();
                return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
            }
            line.append((char) (b & 0xff));
            if (line.length() > MAX_HEADER_BYTES) {
                throw new IOException("a part's header line is longer than " + MAX_HEADER_BYTES + " bytes");
            }
        }
    }

    /** At least {@code want} bytes in the window, unless the body ends first. */
    private void fill(int want) throws IOException {
        if (end - start >= want || eof) {
            return;
        }
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end - start < want && !eof) {
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
            } else {
                end += n;
            }
        }
    }

    private int delimiterAt() {
        outer:
        for (int i = start; i <= end - delimiter.length; i++) {
            for (int k = 0; k < delimiter.length; k++) {
                if (buf[i + k] != delimiter[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A part's content: the bytes up to the next delimiter, which it consumes at the end. */
    private final class PartStream extends InputStream {

        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done || !inBody) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            fill(delimiter.length);
            int at = delimiterAt();
            if (at == start) {
                start += delimiter.length;
                done = true;
                inBody = false;
                return -1;
            }
            int safe = at >= 0 ? at : (eof ? end : end - delimiter.length + 1);
            if (safe <= start) {
                throw new IOException("the form ends before its closing boundary");
            }
            int n = Math.min(len, safe - start);
            System.arraycopy(buf, start, b, off, n);
            start += n;
            return n;
        }
    }
}
