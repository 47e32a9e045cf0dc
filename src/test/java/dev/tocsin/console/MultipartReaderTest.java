package dev.tocsin.console;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plain form's file, read as a stream: exactly its bytes, whatever they hold; a cut-off form is an error. */
class MultipartReaderTest {

    private static final String BOUNDARY = "----WebKitFormBoundaryAbC123";

    private static MultipartReader reader(byte[] body) {
        return MultipartReader.of(new ByteArrayInputStream(body), "multipart/form-data; boundary=" + BOUNDARY).orElseThrow();
    }

    private static byte[] form(byte[] file) {
        String head = "preamble to ignore\r\n--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"csrf-token\"\r\n\r\n" + "tok\r\n"
                + "--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"accounts.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n";
        String tail = "\r\n--" + BOUNDARY + "--\r\n";
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[h.length + file.length + t.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(file, 0, all, h.length, file.length);
        System.arraycopy(t, 0, all, h.length + file.length, t.length);
        return all;
    }

    @Test
    void theFilePartIsReadByteForByteAcrossWindows() throws IOException {
        // content that looks almost like the boundary, line breaks of every kind, and more than one read window
        StringBuilder content = new StringBuilder("account_id,email\r\n");
        for (int i = 0; i < 20_000; i++) {
            content.append("a").append(i).append(",a").append(i).append("@example.com\n");
            if (i % 997 == 0) {
                content.append("\r\n--").append(BOUNDARY, 0, BOUNDARY.length() - 1).append("X\r\n");
            }
        }
        byte[] file = content.toString().getBytes(StandardCharsets.UTF_8);
        MultipartReader r = reader(form(file));
        MultipartReader.Part token = r.next().orElseThrow();
        assertEquals("csrf-token", token.name());
        assertEquals("tok", new String(token.content().readAllBytes(), StandardCharsets.US_ASCII));
        MultipartReader.Part part = r.next().orElseThrow();
        assertEquals("file", part.name());
        assertEquals("accounts.csv", part.filename());
        assertEquals("text/csv", part.contentType());
        InputStream in = part.content();
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] chunk = new byte[777];
        for (int n; (n = in.read(chunk)) >= 0; ) {
            got.write(chunk, 0, n);
        }
        assertArrayEquals(file, got.toByteArray());
        assertEquals(Optional.empty(), r.next());
    }

    @Test
    void anUnreadPartIsSkippedAndACutOffFormIsAnError() throws IOException {
        byte[] whole = form("x,y\n".repeat(1000).getBytes(StandardCharsets.UTF_8));
        MultipartReader r = reader(whole);
        r.next().orElseThrow(); // the token, not read
        assertEquals("file", r.next().orElseThrow().name());

        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 30);
        MultipartReader broken = reader(cut);
        broken.next();
        InputStream file = broken.next().orElseThrow().content();
        assertThrows(IOException.class, file::readAllBytes, "a file without its closing boundary is not a whole file");
    }

    @Test
    void endlessHeadersAndMissingBoundariesAreRefused() {
        byte[] endless = ("--" + BOUNDARY + "\r\nX-A: " + "a".repeat(40_000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThrows(IOException.class, () -> reader(endless).next());
        assertTrue(MultipartReader.of(new ByteArrayInputStream(new byte[0]), "multipart/form-data").isEmpty());
        assertTrue(MultipartReader.of(new ByteArrayInputStream(new byte[0]), "text/csv; boundary=x").isEmpty());
        assertThrows(IOException.class, () -> reader("no boundary here at all".getBytes(StandardCharsets.US_ASCII)).next());
    }
}
