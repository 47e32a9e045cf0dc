package dev.tocsin.channel.email;

import dev.tocsin.delivery.SendResult;
import dev.tocsin.delivery.SendWatch;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Sends over SMTP, reusing connections: a pool of them, one per concurrent batch. To a relay that offers
 * PIPELINING on a plain connection without login (a local MTA, the usual set-up for mass mail) a batch goes as
 * one pipelined stream, one round trip per notice ({@link PipelinedSmtpConnection}); with login, STARTTLS or a
 * server without PIPELINING, through Jakarta Mail (Angus), which pipelines the envelope where it may
 * ({@link PipeliningSmtpTransport}). Either way each notice gets its own server reply.
 */
public class SmtpEmailGateway implements EmailGateway, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SmtpEmailGateway.class);

    private final Session session;
    private final MimeMessageFactory factory;
    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final BlockingQueue<PooledTransport> pool;

    /** Plain, no login: the pipelined bulk conversation may be used (if the server offers PIPELINING). */
    private final boolean mayStream;
    private final String heloName;

    /** isConnected() costs a NOOP round trip, so the pool remembers the state itself. */
    private static final class PooledTransport {
        final SMTPTransport transport;
        /** Set while connected through the pipelined conversation instead of Angus. */
        PipelinedSmtpConnection stream;
        boolean connected;
        /** True between batches: the server may have dropped the connection meanwhile. */
        boolean idle;

        PooledTransport(SMTPTransport transport) {
            this.transport = transport;
        }
    }

    public SmtpEmailGateway(MimeMessageFactory factory, String host, int port, String username, String password,
                            boolean startTls, int connections) {
        this.factory = factory;
        this.host = host;
        this.port = port;
        this.username = username == null || username.isBlank() ? null : username;
        this.password = password;
        Properties props = new Properties();
        props.put("mail.transport.protocol", "smtp");
        props.put("mail.smtp.host", host);
        props.put("mail.smtp.port", Integer.toString(port));
        props.put("mail.smtp.socketFactory", new NoDelaySocketFactory());
        props.put("mail.smtp.socketFactory.fallback", "false");
        props.put("mail.smtp.connectiontimeout", Integer.toString(CONNECT_TIMEOUT_MILLIS));
        props.put("mail.smtp.timeout", Integer.toString(READ_TIMEOUT_MILLIS));
        // No mail.smtp.writetimeout: Angus implements it by scheduling a timer task around every socket write,
        // which cost more than the SMTP conversation itself here. mail.smtp.timeout bounds the replies.
        props.put("mail.smtp.auth", Boolean.toString(this.username != null));
        props.put("mail.smtp.starttls.enable", Boolean.toString(startTls));
        props.put("mail.smtp.starttls.required", Boolean.toString(startTls));
        // Not 8BITMIME conversion: Angus checks each part through a piped stream and a new thread per part.
        props.put("mail.smtp.allow8bitmime", "false");
        // Report every rejected recipient instead of failing the whole message on the first.
        props.put("mail.smtp.reportsuccess", "false");
        this.session = Session.getInstance(props);
        this.mayStream = this.username == null && !startTls;
        this.heloName = localHostName();
        this.pool = new ArrayBlockingQueue<>(Math.max(1, connections));
        for (int i = 0; i < Math.max(1, connections); i++) {
            pool.add(new PooledTransport(new PipeliningSmtpTransport(session)));
        }
    }

    @Override
    public String describe() {
        return "smtp://" + host + ":" + port;
    }

    @Override
    public List<SendResult> send(List<OutgoingEmail> emails, SendWatch watch) {
        List<SendResult> results = new ArrayList<>(emails.size());
        PooledTransport pooled;
        try {
            pooled = pool.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emails.forEach(m -> results.add(SendResult.retry(m.deliveryId(), "interrupted before sending")));
            return results;
        }
        try {
            if (!pooled.connected && mayStream) {
                try {
                    connectStream(pooled);
                } catch (IOException e) {
                    String why = "SMTP connect to " + host + ":" + port + " failed: " + rootMessage(e);
                    emails.forEach(m -> results.add(SendResult.retry(m.deliveryId(), why)));
                    return results;
                }
            }
            if (pooled.stream != null) {
                boolean wasIdle = pooled.idle;
                pooled.idle = false;
                results.addAll(sendStreamed(pooled, emails, wasIdle, watch));
                pooled.idle = true;
                return results;
            }
            for (OutgoingEmail email : emails) {
                if (!watch.mayStillSend(email.deliveryId())) {
                    results.add(SendResult.held(email.deliveryId()));
                    continue;
                }
                if (!pooled.connected) {
                    try {
                        pooled.transport.connect(host, port, username, password);
                        pooled.connected = true;
                    } catch (MessagingException e) {
                        // The server is not there: everything left in this batch waits for a retry.
                        String why = "SMTP connect to " + host + ":" + port + " failed: " + rootMessage(e);
                        for (int i = results.size(); i < emails.size(); i++) {
                            results.add(SendResult.retry(emails.get(i).deliveryId(), why));
                        }
                        return results;
                    }
                }
                boolean wasIdle = pooled.idle;
                pooled.idle = false;
                SendResult result = sendOne(pooled, email);
                if (wasIdle && !result.ok() && result.retryable() && !pooled.connected
                        && !result.response().startsWith(NO_ANSWER)) {
                    // A pooled connection the server closed while idle: reconnect once before blaming the message.
                    try {
                        pooled.transport.connect(host, port, username, password);
                        pooled.connected = true;
                        result = sendOne(pooled, email);
                    } catch (MessagingException e) {
                        // keep the first result: retry later
                    }
                }
                watch.answered(result);
                results.add(result);
            }
            pooled.idle = true;
            return results;
        } finally {
            pool.add(pooled);
        }
    }

    /** Set once the server turned out not to offer PIPELINING: Angus from then on, without asking again. */
    private volatile boolean serverDoesNotPipeline;

    private void connectStream(PooledTransport pooled) throws IOException {
        if (serverDoesNotPipeline) {
            return;
        }
        pooled.stream = PipelinedSmtpConnection.open(host, port, heloName, CONNECT_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS);
        // null: the server does not pipeline; Angus connects on the first send instead.
        serverDoesNotPipeline = pooled.stream == null;
        pooled.connected = pooled.stream != null;
    }

    /** A notice ready to go: where it is in the batch and its bytes. */
    private record Ready(int index, long deliveryId, MimeMessageFactory.Encoded message) {
    }

    /**
     * Encodes the next notice of the batch from {@code index} on; one that cannot be encoded fails alone, one
     * whose campaign stopped is held.
     */
    private Ready prepare(List<OutgoingEmail> emails, int index, boolean eightBit, SendResult[] results,
                          SendWatch watch) {
        for (int i = index; i < emails.size(); i++) {
            OutgoingEmail email = emails.get(i);
            if (!watch.mayStillSend(email.deliveryId())) {
                results[i] = SendResult.held(email.deliveryId());
                continue;
            }
            try {
                return new Ready(i, email.deliveryId(), factory.encode(email, eightBit));
            } catch (MessagingException | RuntimeException e) {
                results[i] = SendResult.fail(email.deliveryId(), "the message could not be built: " + rootMessage(e));
            }
        }
        return null;
    }

    /**
     * A batch as one pipelined stream: each notice's body and end-of-data go out with the next notice's
     * envelope, and the next one is encoded while the server answers. A notice the server refuses is reset
     * (RSET) and settled alone. If the connection breaks, the notice whose body went out unanswered may have
     * been accepted and is retried under the same Message-ID; the rest of the batch was never sent and is
     * retried too. A connection found dead at the start of a batch, after idling, is reopened once.
     */
    private List<SendResult> sendStreamed(PooledTransport pooled, List<OutgoingEmail> emails, boolean wasIdle,
                                          SendWatch watch) {
        PipelinedSmtpConnection c = pooled.stream;
        SendResult[] results = new SendResult[emails.size()];
        boolean eightBit = c.offers("8BITMIME");
        try {
            factory.sender();
        } catch (MessagingException e) {
            String why = "the sender address is not valid: " + rootMessage(e);
            return emails.stream().map(m -> SendResult.fail(m.deliveryId(), why)).toList();
        }
        Ready current = prepare(emails, 0, eightBit, results, watch);
        boolean answered = false;
        boolean bodySent = false;
        try {
            if (current != null) {
                writeEnvelopeOf(c, current);
                c.flush();
            }
            while (current != null) {
                Ready following = prepare(emails, current.index() + 1, eightBit, results, watch);
                PipelinedSmtpConnection.Reply mail = answer(c);
                answered = true;
                PipelinedSmtpConnection.Reply rcpt = answer(c);
                PipelinedSmtpConnection.Reply data = answer(c);
                boolean envelopeAccepted = mail.code() == 250 && (rcpt.code() == 250 || rcpt.code() == 251);
                if (envelopeAccepted && data.code() == 354) {
                    c.writeBody(current.message().bytes());
                    bodySent = true;
                    following = stillWanted(following, emails, results, watch);
                    writeEnvelopeOf(c, following);
                    c.flush();
                    PipelinedSmtpConnection.Reply end = answer(c);
                    bodySent = false;
                    long id = current.deliveryId();
                    results[current.index()] = end.code() == 250
                            ? SendResult.sent(id, factory.messageId(id), end.text().strip())
                                    .withContent(current.message().bytes())
                            : classify(pooled, id, end.code(), end.text());
                    watch.answered(results[current.index()]);
                } else {
                    if (data.code() == 354) {
                        c.write("."); // a server that opened DATA after refusing the envelope: end the empty message
                    }
                    c.write("RSET");
                    following = stillWanted(following, emails, results, watch);
                    writeEnvelopeOf(c, following);
                    c.flush();
                    if (data.code() == 354) {
                        answer(c);
                    }
                    answer(c); // RSET
                    PipelinedSmtpConnection.Reply refused = mail.code() != 250 ? mail : !envelopeAccepted ? rcpt : data;
                    results[current.index()] = classify(pooled, current.deliveryId(), refused.code(), refused.text());
                    watch.answered(results[current.index()]);
                }
                current = following;
            }
        } catch (IOException e) {
            c.abort();
            pooled.stream = null;
            pooled.connected = false;
            if (wasIdle && !answered) {
                // The server closed the connection while it idled: nothing of this batch went out, so go again.
                try {
                    connectStream(pooled);
                    if (pooled.stream != null) {
                        return sendStreamed(pooled, emails, false, watch);
                    }
                } catch (IOException reconnect) {
                    // fall through: the batch waits for a retry
                }
            }
            String why = "SMTP connection failed: " + rootMessage(e);
            for (int i = 0; i < results.length; i++) {
                if (results[i] != null) {
                    continue;
                }
                long id = emails.get(i).deliveryId();
                boolean unanswered = bodySent && current != null && i == current.index();
                results[i] = unanswered
                        ? SendResult.retry(id, NO_ANSWER + " (" + rootMessage(e) + "); it may have accepted the message,"
                        + " which is sent again under the same Message-ID")
                        : SendResult.retry(id, why);
            }
        }
        return java.util.Arrays.asList(results);
    }

    /**
     * Asked again the instant before the next envelope goes out (it was encoded a round trip earlier): once a
     * campaign stops, the notice already on the wire is the last. The rest of the chunk is held; the worker sends
     * on what belongs to campaigns still running.
     */
    private static Ready stillWanted(Ready following, List<OutgoingEmail> emails, SendResult[] results, SendWatch watch) {
        if (following == null || watch.mayStillSend(following.deliveryId())) {
            return following;
        }
        for (int i = following.index(); i < results.length; i++) {
            if (results[i] == null) {
                results[i] = SendResult.held(emails.get(i).deliveryId());
            }
        }
        return null;
    }

    /** MAIL FROM (the notice's own bounce address, or the sender), RCPT TO and DATA of one notice. */
    private void writeEnvelopeOf(PipelinedSmtpConnection c, Ready notice) throws IOException {
        if (notice != null) {
            String from;
            try {
                from = factory.envelopeFrom(notice.deliveryId());
            } catch (MessagingException e) {
                throw new IOException("the sender address is not valid: " + e.getMessage(), e);
            }
            c.writeEnvelope(from, notice.message().to().getAddress(), notice.message().eightBit());
        }
    }

    /** The next reply; the connection ending instead is a failure like any other broken connection. */
    private static PipelinedSmtpConnection.Reply answer(PipelinedSmtpConnection c) throws IOException {
        PipelinedSmtpConnection.Reply reply = c.read();
        if (reply.code() < 0) {
            throw new IOException("the SMTP server closed the connection");
        }
        return reply;
    }

    private static final int CONNECT_TIMEOUT_MILLIS = 15_000;
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    /** What Angus says in EHLO too: this machine's name. */
    private static String localHostName() {
        try {
            return java.net.InetAddress.getLocalHost().getCanonicalHostName();
        } catch (IOException | RuntimeException e) {
            return "localhost";
        }
    }

    private SendResult sendOne(PooledTransport pooled, OutgoingEmail email) {
        SMTPTransport transport = pooled.transport;
        long id = email.deliveryId();
        MimeMessageFactory.PrebuiltMessage message;
        try {
            message = factory.build(session, email, transport.supportsExtension("8BITMIME"));
        } catch (MessagingException e) {
            return SendResult.fail(id, "the message could not be built: " + rootMessage(e));
        }
        try {
            transport.sendMessage(message, message.getAllRecipients());
            return SendResult.sent(id, factory.messageId(id), transport.getLastServerResponse().strip())
                    .withContent(message.bytes());
        } catch (SMTPAddressFailedException e) {
            return classify(pooled, id, e.getReturnCode(), e.getMessage());
        } catch (SMTPSendFailedException e) {
            return classify(pooled, id, e.getReturnCode(), e.getMessage());
        } catch (SendFailedException e) {
            Exception next = e.getNextException();
            if (next instanceof SMTPAddressFailedException afe) {
                return classify(pooled, id, afe.getReturnCode(), afe.getMessage());
            }
            drop(pooled);
            return SendResult.retry(id, "SMTP send failed: " + rootMessage(e));
        } catch (MessagingException | RuntimeException e) {
            // Connection lost mid-conversation: drop it, the next message reconnects.
            drop(pooled);
            return SendResult.retry(id, "SMTP connection failed: " + rootMessage(e));
        }
    }

    /** A send that may or may not have been accepted: never repeated on the spot, only by the engine's retry. */
    static final String NO_ANSWER = "SMTP server closed the connection without answering";

    /**
     * 4xx is "try later". 550/551/553 say the mailbox does not exist: a hard bounce, never mailed again.
     * Other 5xx (policy, content) are final for this message only.
     */
    private static SendResult classify(PooledTransport pooled, long id, int code, String text) {
        if (code < 0) {
            // No reply at all: the server went away mid-transaction, possibly after storing the message. Sending
            // again is the only way not to lose it; the copy carries the same Message-ID, so it can be recognised.
            drop(pooled);
            return SendResult.retry(id, NO_ANSWER + " (" + text
                    + "); it may have accepted the message, which is sent again under the same Message-ID");
        }
        String reply = text == null ? "" : text.strip();
        String response = reply.startsWith(Integer.toString(code)) ? reply : (code + " " + reply).strip();
        if (code == 550 || code == 551 || code == 553) {
            return SendResult.undeliverable(id, response, true);
        }
        return code >= 500 ? SendResult.fail(id, response) : SendResult.retry(id, response);
    }

    private static void drop(PooledTransport pooled) {
        pooled.connected = false;
        if (pooled.stream != null) {
            pooled.stream.abort();
            pooled.stream = null;
        }
        closeQuietly(pooled.transport);
    }

    private static void closeQuietly(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException ignored) {
            // already broken
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String own = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return t == e ? own : own + " (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")";
    }

    @Override
    public void close() {
        for (PooledTransport t : pool) {
            if (t.stream != null) {
                t.stream.close(); // QUIT
                t.stream = null;
            }
            drop(t);
        }
        LOG.debug("SMTP connections closed");
    }
}
