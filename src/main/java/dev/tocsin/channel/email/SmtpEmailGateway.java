package dev.tocsin.channel.email;

import dev.tocsin.delivery.SendResult;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Sends over SMTP with Jakarta Mail (Angus), reusing connections: Angus' sendMessage is synchronized per
 * transport, so parallel sending needs a pool of connected transports, one per concurrent batch. Each pipelines
 * the envelope where the server allows it (PipeliningSmtpTransport).
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

    /** isConnected() costs a NOOP round trip, so the pool remembers the state itself. */
    private static final class PooledTransport {
        final SMTPTransport transport;
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
        props.put("mail.smtp.connectiontimeout", "15000");
        props.put("mail.smtp.timeout", "30000");
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
    public List<SendResult> send(List<OutgoingEmail> emails) {
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
            for (OutgoingEmail email : emails) {
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
                results.add(result);
            }
            pooled.idle = true;
            return results;
        } finally {
            pool.add(pooled);
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
            return SendResult.sent(id, factory.messageId(id), transport.getLastServerResponse().strip());
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

    /**
     * 4xx is "try later". 550/551/553 say the mailbox does not exist: a hard bounce, never mailed again.
     * Other 5xx (policy, content) are final for this message only.
     */
    /** A send that may or may not have been accepted: never repeated on the spot, only by the engine's retry. */
    static final String NO_ANSWER = "SMTP server closed the connection without answering";

    private static SendResult classify(PooledTransport pooled, long id, int code, String text) {
        if (code < 0) {
            // No reply at all: the server went away mid-transaction, possibly after storing the message. Sending
            // again is the only way not to lose it; the copy carries the same Message-ID, so it can be recognised.
            drop(pooled);
            return SendResult.retry(id, NO_ANSWER + " (" + text
                    + "); it may have accepted the message, which is sent again under the same Message-ID");
        }
        String response = (code + " " + (text == null ? "" : text.strip())).strip();
        if (code == 550 || code == 551 || code == 553) {
            return SendResult.undeliverable(id, response, true);
        }
        return code >= 500 ? SendResult.fail(id, response) : SendResult.retry(id, response);
    }

    private static void drop(PooledTransport pooled) {
        pooled.connected = false;
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
            drop(t);
        }
        LOG.debug("SMTP connections closed");
    }
}
