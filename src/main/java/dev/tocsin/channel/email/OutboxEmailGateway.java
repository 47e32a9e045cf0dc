package dev.tocsin.channel.email;

import dev.tocsin.delivery.SendResult;
import dev.tocsin.delivery.SendWatch;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The embedded default's stand-in for an SMTP server: writes each notice as an .eml file, clearly marked as
 * never sent, so a newcomer can try Tocsin end to end without mailing anybody.
 */
public class OutboxEmailGateway implements EmailGateway {

    static final String NOT_SENT_HEADER = "X-Tocsin-Outbox";
    static final String NOT_SENT_TEXT = "NOT SENT - written to the local outbox only; no real person received this";

    private final Path dir;
    private final MimeMessageFactory factory;
    private final Session session = Session.getInstance(new Properties());

    public OutboxEmailGateway(MimeMessageFactory factory, Path dir) {
        this.factory = factory;
        this.dir = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.dir);
            Files.writeString(this.dir.resolve("README-NOT-SENT.txt"), """
                    This folder is Tocsin's local outbox.

                    No SMTP server is configured (TOCSIN_SMTP_HOST is unset), so every email notice is written
                    here as an .eml file instead of being sent. NOTHING IN THIS FOLDER WAS SENT TO REAL PEOPLE.
                    Open a file with any mail client to see the notice as a recipient would.
                    """);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the local outbox folder " + this.dir, e);
        }
    }

    @Override
    public String describe() {
        return "local outbox " + dir + " (NOT SENT to real people)";
    }

    @Override
    public List<SendResult> send(List<OutgoingEmail> emails, SendWatch watch) {
        return SendWatch.oneByOne(emails, OutgoingEmail::deliveryId, this::write, watch);
    }

    private SendResult write(OutgoingEmail email) {
        try {
            // 8-bit where the lines allow: the .eml files are read by people, in an editor as well as a mail reader
            MimeMessage message = factory.build(session, email, true, NOT_SENT_HEADER, NOT_SENT_TEXT);
            Path campaignDir = dir.resolve(email.campaignId());
            Files.createDirectories(campaignDir);
            Path file = campaignDir.resolve("delivery-" + email.deliveryId() + ".eml");
            java.security.MessageDigest digest = dev.tocsin.delivery.Sha256.newDigest();
            try (OutputStream out = new java.security.DigestOutputStream(Files.newOutputStream(file), digest)) {
                message.writeTo(out);
            }
            return new SendResult(email.deliveryId(), SendResult.Outcome.SENT,
                    factory.messageId(email.deliveryId()), "written to local outbox, not sent: " + dir.relativize(file),
                    false, java.time.OffsetDateTime.now(), java.util.HexFormat.of().formatHex(digest.digest()));
        } catch (MessagingException e) {
            return SendResult.fail(email.deliveryId(), "the message could not be built: " + e.getMessage());
        } catch (IOException e) {
            return SendResult.retry(email.deliveryId(), "could not write to the local outbox: " + e.getMessage());
        }
    }
}
