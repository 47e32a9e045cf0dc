package dev.tocsin.channel.email;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.UnsupportedEncodingException;
import java.util.Date;

/** Builds the multipart/alternative message (plain text + HTML) for one notice. */
@ApplicationScoped
public class MimeMessageFactory {

    static {
        // Jakarta Mail looks its StreamProvider up with a ServiceLoader scan of every jar for each Multipart it
        // creates; naming the implementation turns that into a class lookup (was the largest cost per notice).
        if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
            System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    @ConfigProperty(name = "tocsin.email.from")
    String from;

    @ConfigProperty(name = "tocsin.company.name")
    String companyName;

    @ConfigProperty(name = "tocsin.email.message-id-domain")
    String messageIdDomain;

    /** Derived from the delivery id, so a resent copy of the same delivery is recognisable as the same message. */
    public String messageId(long deliveryId) {
        return "<delivery-" + deliveryId + "@" + messageIdDomain + ">";
    }

    public MimeMessage build(Session session, OutgoingEmail email) throws MessagingException {
        String id = messageId(email.deliveryId());
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", id);
            }
        };
        try {
            message.setFrom(new InternetAddress(from, companyName, "UTF-8"));
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("bad sender name", e);
        }
        message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(email.to(), true));
        message.setSubject(email.content().subject(), "UTF-8");
        message.setSentDate(new Date());
        message.setHeader("X-Tocsin-Delivery", Long.toString(email.deliveryId()));
        message.setHeader("X-Tocsin-Reference", email.reference());
        // A breach notice is transactional: ask auto-responders and list software to leave it alone.
        message.setHeader("Auto-Submitted", "auto-generated");

        MimeBodyPart text = new MimeBodyPart();
        text.setText(email.content().text(), "UTF-8", "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(email.content().html(), "UTF-8", "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        message.setContent(alternative);
        message.saveChanges();
        return message;
    }
}
