package dev.tocsin.channel.email;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The SMTP conversation of a bulk sender, for a relay that offers PIPELINING (RFC 2920) on a plain connection
 * without login: the usual set-up for mass mail, a local MTA that queues and relays. Each notice goes as one
 * group, its body and end-of-data followed by the next notice's MAIL FROM, RCPT TO and DATA, so a notice
 * costs one round trip instead of the two Angus needs even when pipelining (its API sends one message at a
 * time and waits for each end-of-data reply); round trips, not CPU, held the fan-out back. Replies are read in
 * the order of the commands, so every notice still gets its own server reply.
 *
 * <p>Only the wire protocol lives here; what a reply means for a delivery is decided by {@link SmtpEmailGateway}.
 */
final class PipelinedSmtpConnection implements Closeable {

    /** One server reply: its code (or -1 when the connection ended first) and its full text. */
    record Reply(int code, String text) {
        static final Reply NONE = new Reply(-1, "connection closed");

        boolean positive() {
            return code >= 200 && code < 400;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Set<String> extensions;

    private PipelinedSmtpConnection(Socket socket, Set<String> extensions) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = new BufferedOutputStream(socket.getOutputStream(), 16384);
        this.extensions = extensions;
    }

    /**
     * Connects, reads the greeting and says EHLO. Returns null, with the connection closed politely, when the
     * server does not offer PIPELINING (the caller uses Angus then); throws when it cannot be talked to at all.
     */
    static PipelinedSmtpConnection open(String host, int port, String heloName, int connectTimeoutMillis,
                                        int readTimeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            socket.setSoTimeout(readTimeoutMillis);
            PipelinedSmtpConnection c = new PipelinedSmtpConnection(socket, new HashSet<>());
            Reply greeting = c.read();
            if (greeting.code() != 220) {
                throw new IOException("SMTP server greeted with " + greeting.text());
            }
            c.write("EHLO " + heloName);
            c.flush();
            Reply ehlo = c.read();
            if (ehlo.code() != 250) {
                c.close(); // a server without ESMTP: Angus speaks HELO with it
                return null;
            }
            for (String line : ehlo.text().split("\n")) {
                if (line.length() > 4) {
                    c.extensions.add(line.substring(4).trim().split(" ")[0].toUpperCase(Locale.ROOT));
                }
            }
            if (!c.extensions.contains("PIPELINING")) {
                c.close();
                return null;
            }
            return c;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    boolean offers(String extension) {
        return extensions.contains(extension);
    }

    /** Queues MAIL FROM, RCPT TO and DATA for one notice (sent with the next flush). */
    void writeEnvelope(String from, String to, boolean eightBit) throws IOException {
        write("MAIL FROM:<" + from + ">" + (eightBit ? " BODY=8BITMIME" : ""));
        write("RCPT TO:<" + to + ">");
        write("DATA");
    }

    /**
     * Queues a message body and its end-of-data line: lines end in CRLF (a lone CR or LF becomes one) and a
     * line starting with a dot gets a second one (RFC 5321, 4.5.2), as Angus' data stream does. Our own
     * notices already have CRLF lines, so they are checked in one pass and written as they are, split only
     * where a dot needs doubling; anything else is rewritten.
     */
    void writeBody(byte[] message) throws IOException {
        writeBody(message, out);
    }

    /** {@link #writeBody(byte[])} into any stream (tests compare it with the plain rule on many bodies). */
    static void writeBody(byte[] message, OutputStream out) throws IOException {
        int len = message.length;
        // One pass checks the line ends and notes whether any line starts with a dot (rare): the message is then
        // written as it is, without a second walk over its bytes. The pass reads eight bytes at a time and looks
        // at single bytes only in words holding a CR or LF (about one word in ten of a notice): byte by byte, it
        // was the largest item of Tocsin's CPU per notice in a flight recording of the fan-out.
        boolean dots = len > 0 && message[0] == '.';
        int i = 0;
        for (; i + Long.BYTES <= len; i += Long.BYTES) {
            long word = (long) WORDS.get(message, i);
            if (!holdsByte(word, LF_WORD) && !holdsByte(word, CR_WORD)) {
                continue;
            }
            for (int j = i; j < i + Long.BYTES; j++) {
                int line = lineEndAt(message, j);
                if (line < 0) {
                    writeRewritten(message, out);
                    return;
                }
                dots |= line > 0;
            }
        }
        for (; i < len; i++) {
            int line = lineEndAt(message, i);
            if (line < 0) {
                writeRewritten(message, out);
                return;
            }
            dots |= line > 0;
        }
        int from = 0;
        for (int k = 0; dots && k < len; k++) {
            if (message[k] == '.' && (k == 0 || message[k - 1] == '\n')) {
                out.write(message, from, k - from);
                out.write('.'); // the line's own dot follows with the next segment
                from = k;
            }
        }
        out.write(message, from, len - from);
        if (len > 0 && message[len - 1] != '\n') {
            out.write(CRLF);
        }
        out.write(END_OF_DATA);
    }

    /**
     * What the byte at {@code i} means for the check: -1 a line end that is not CRLF (the message is rewritten),
     * 1 the LF of a CRLF followed by a dot, 0 anything else.
     */
    private static int lineEndAt(byte[] message, int i) {
        byte b = message[i];
        if (b == '\n') {
            if (i == 0 || message[i - 1] != '\r') {
                return -1;
            }
            return i + 1 < message.length && message[i + 1] == '.' ? 1 : 0;
        }
        if (b == '\r' && (i + 1 == message.length || message[i + 1] != '\n')) {
            return -1;
        }
        return 0;
    }

    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long LF_WORD = ONES * '\n';
    private static final long CR_WORD = ONES * '\r';

    /** Whether any of the word's eight bytes equals the byte repeated in {@code repeated} (exact, no false hits). */
    private static boolean holdsByte(long word, long repeated) {
        long x = word ^ repeated; // a zero byte where they are equal
        return ((x - ONES) & ~x & 0x8080808080808080L) != 0;
    }

    private static void writeRewritten(byte[] message, OutputStream out) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(message.length + 64);
        boolean lineStart = true;
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < message.length && message[i + 1] == '\n') {
                    i++;
                }
                buf.write('\r');
                buf.write('\n');
                lineStart = true;
                continue;
            }
            if (lineStart && b == '.') {
                buf.write('.');
            }
            buf.write(b);
            lineStart = false;
        }
        if (!lineStart) {
            buf.writeBytes(CRLF);
        }
        buf.writeTo(out);
        out.write(END_OF_DATA);
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] END_OF_DATA = {'.', '\r', '\n'};

    void write(String command) throws IOException {
        out.write(command.getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
    }

    void flush() throws IOException {
        out.flush();
    }

    /** Reads one (possibly multi-line) reply; {@link Reply#NONE} when the server closed the connection. */
    Reply read() throws IOException {
        StringBuilder text = new StringBuilder(64);
        while (true) {
            String line = readLine();
            if (line == null) {
                return Reply.NONE;
            }
            if (line.length() < 3) {
                throw new IOException("malformed SMTP reply: " + line);
            }
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(line);
            if (line.length() == 3 || line.charAt(3) != '-') {
                try {
                    return new Reply(Integer.parseInt(line.substring(0, 3)), text.toString());
                } catch (NumberFormatException e) {
                    throw new IOException("malformed SMTP reply: " + line);
                }
            }
        }
    }

    private final byte[] line = new byte[4096];
    /**
     * Replies are read through a buffer of our own: BufferedInputStream's read() takes a lock for every byte, and
     * a notice's four replies are some 150 bytes.
     */
    private final byte[] received = new byte[8192];
    private int receivedAt;
    private int receivedEnd;

    private String readLine() throws IOException {
        int n = 0;
        while (true) {
            if (receivedAt == receivedEnd) {
                int got = in.read(received, 0, received.length);
                if (got <= 0) {
                    return null;
                }
                receivedAt = 0;
                receivedEnd = got;
            }
            byte b = received[receivedAt++];
            if (b == '\n') {
                if (n > 0 && line[n - 1] == '\r') {
                    n--;
                }
                return new String(line, 0, n, StandardCharsets.UTF_8);
            }
            if (n == line.length) {
                throw new IOException("SMTP reply line longer than 4 KB");
            }
            line[n++] = b;
        }
    }

    /** Says QUIT without waiting long for the answer, then closes. */
    @Override
    public void close() {
        try {
            socket.setSoTimeout(1000);
            write("QUIT");
            flush();
            read();
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    /** Closes at once, without QUIT: after a failure the conversation's state is unknown. */
    void abort() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
