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

    @Test
    void aServerWithoutPipeliningIsLeftToAngus() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> seen = server(listener, false);
            assertNull(PipelinedSmtpConnection.open("127.0.0.1", listener.getLocalPort(), "client", 2000, 2000));
            assertEquals("QUIT\r\n", seen.get(5, TimeUnit.SECONDS), "it says goodbye and nothing else");
        }
    }
}
