package dev.tocsin.channel.email;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What goes on the wire for a message body: CRLF lines, dots doubled at line starts, the end-of-data line. */
class PipelinedSmtpConnectionTest {

    /** A server that offers PIPELINING (or not), then records every byte after EHLO until the client hangs up. */
    private static CompletableFuture<String> server(ServerSocket listener, boolean pipelining) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = listener.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                out.write("220 test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                while (in.read() != '\n') {
                    // EHLO line
                }
                out.write((pipelining ? "250-test\r\n250 PIPELINING\r\n" : "250 test\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                ByteArrayOutputStream seen = new ByteArrayOutputStream();
                for (int b = in.read(); b >= 0; b = in.read()) {
                    seen.write(b);
                    if (seen.toString(StandardCharsets.UTF_8).endsWith("QUIT\r\n")) {
                        out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
                return seen.toString(StandardCharsets.UTF_8);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String wire(String body) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> seen = server(listener, true);
            PipelinedSmtpConnection c = PipelinedSmtpConnection.open("127.0.0.1", listener.getLocalPort(), "client", 2000, 2000);
            c.writeBody(body.getBytes(StandardCharsets.UTF_8));
            c.close();
            return seen.get(5, TimeUnit.SECONDS).replace("QUIT\r\n", "");
        }
    }

    @Test
    void crlfLinesGoAsTheyAreWithLeadingDotsDoubled() throws Exception {
        assertEquals("..first\r\nmiddle\r\n..\r\n...two\r\nend.\r\n.\r\n", wire(".first\r\nmiddle\r\n.\r\n..two\r\nend."));
        assertEquals("no.dot\r\nat. a line's start\r\n.\r\n", wire("no.dot\r\nat. a line's start\r\n"));
        assertEquals("last line\r\n..\r\n.\r\n", wire("last line\r\n."));
        assertEquals("a\r\nb\r\n.\r\n", wire("a\r\nb\r"), "a lone CR at the very end becomes a line end");
    }

    @Test
    void loneLineFeedsAndCarriageReturnsBecomeCrlf() throws Exception {
        assertEquals("a\r\n..b\r\nc\r\nd\r\n.\r\n", wire("a\n.b\rc\r\nd\n"));
    }

    /** The rule of RFC 5321 written the plain way: every line end as CRLF, a leading dot doubled, then ".". */
    private static byte[] plainRule(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean lineStart = true;
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < message.length && message[i + 1] == '\n') {
                    i++;
                }
                out.writeBytes(new byte[]{'\r', '\n'});
                lineStart = true;
                continue;
            }
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = false;
        }
        if (!lineStart) {
            out.writeBytes(new byte[]{'\r', '\n'});
        }
        out.writeBytes(new byte[]{'.', '\r', '\n'});
        return out.toByteArray();
    }

    @Test
    void everyBodyGoesOutAsThePlainRuleSays() throws Exception {
        // Bodies of mostly CRLF lines (the fast path reads eight bytes at a time) with line ends, dots and
        // stray CRs or LFs at every position of a word, including the first and last bytes of the message.
        java.util.Random random = new java.util.Random(19);
        byte[] alphabet = {'a', 'b', '.', '\r', '\n', (byte) 0xC3, (byte) 0xA9, '0'};
        for (int n = 0; n < 20_000; n++) {
            int len = random.nextInt(n < 10_000 ? 40 : 400);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean clean = random.nextBoolean();
            while (body.size() < len) {
                if (clean) {
                    int line = random.nextInt(20);
                    for (int i = 0; i < line; i++) {
                        body.write(i == 0 && random.nextInt(4) == 0 ? '.' : alphabet[random.nextInt(3)]);
                    }
                    body.writeBytes(new byte[]{'\r', '\n'});
                } else {
                    body.write(alphabet[random.nextInt(alphabet.length)]);
                }
            }
            byte[] message = body.toByteArray();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            PipelinedSmtpConnection.writeBody(message, wire);
            String shown = new String(message, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
            assertEquals(new String(plainRule(message), StandardCharsets.ISO_8859_1),
                    wire.toString(StandardCharsets.ISO_8859_1), () -> "body " + shown);
        }
    }

    @Test
    void aServerWithoutPipeliningIsLeftToAngus() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> seen = server(listener, false);
            assertNull(PipelinedSmtpConnection.open("127.0.0.1", listener.getLocalPort(), "client", 2000, 2000));
            assertEquals("QUIT\r\n", seen.get(5, TimeUnit.SECONDS), "it says goodbye and nothing else");
        }
    }
}
