package dev.tocsin.channel.email;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a message in the bounce mailbox says about one of our notices: an RFC 3464 delivery status
 * notification (multipart/report; report-type=delivery-status: Action delayed, else Status 5.x.x hard or 4.x.x soft,
 * Diagnostic-Code, Final-Recipient), an RFC 5965 abuse report (report-type=feedback-report), or one of the
 * common plain-text bounces (Exim's "Mail delivery failed", Postfix's "Undelivered Mail Returned to Sender",
 * Exchange's "Undeliverable"). The notice is named by the bounce address it came back to (VERP) or by the
 * original Message-ID in the returned headers; the caller checks both are ours.
 *
 * Reads at most {@link #MAX_BYTES} of any part: a bounce is small, and a mailbox is not a place to be made to
 * read a gigabyte.
 */
final class BounceParser {

    private BounceParser() {
    }

    static final int MAX_BYTES = 256 * 1024;

    /** One message read: the kind, the original Message-ID and the address it was sent to (either may be null). */
    record Report(EmailFeedback.Kind kind, String originalMessageId, String bounceAddress, String detail) {
    }

    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*(<[^>\\s]{1,500}>)");
    private static final Pattern STATUS = Pattern.compile("(?<![\\d.])([245])\\.(\\d{1,3})\\.(\\d{1,3})(?![\\d.])");
    private static final Pattern PLAIN_BOUNCE = Pattern.compile("(?i)(mail delivery failed|undelivered mail returned"
            + "|undeliverable|delivery status notification \\(failure\\)|returned mail|delivery has failed|failure notice"
            + "|delayed mail|still being retried|delivery status notification \\(delay\\)|warning: message .{0,200}? delayed)");
    /** A warning that the relay is still trying: the message may yet arrive, so it is not sent again. */
    private static final Pattern PLAIN_DELAY = Pattern.compile("(?i)(delayed mail|still being retried|\\(delay\\)"
            + "|warning: message .{0,200}? delayed|has been delayed)");

    static Report parse(MimeMessage message) throws MessagingException, IOException {
        String bounceAddress = recipient(message);
        if (message.isMimeType("multipart/report")) {
            ContentType type = new ContentType(message.getContentType());
            String reportType = String.valueOf(type.getParameter("report-type")).toLowerCase(Locale.ROOT);
            Multipart parts = (Multipart) message.getContent();
            if (reportType.equals("delivery-status")) {
                return deliveryStatus(parts, bounceAddress);
            }
            if (reportType.equals("feedback-report")) {
                return new Report(EmailFeedback.Kind.COMPLAINT, returnedMessageId(parts), bounceAddress,
                        "abuse report (" + feedbackType(parts) + ")");
            }
        }
        // a plain-text bounce: its subject or text says so, the returned headers carry the Message-ID
        String subject = message.getSubject() == null ? "" : message.getSubject();
        String text = allText(message);
        if (!PLAIN_BOUNCE.matcher(subject).find() && !PLAIN_BOUNCE.matcher(text).find()) {
            return null;
        }
        Matcher status = STATUS.matcher(text);
        String code = status.find() ? status.group() : null;
        EmailFeedback.Kind kind = PLAIN_DELAY.matcher(subject).find() ? EmailFeedback.Kind.DELAYED
                : code != null && code.startsWith("4") ? EmailFeedback.Kind.SOFT_BOUNCE : EmailFeedback.Kind.HARD_BOUNCE;
        Matcher id = MESSAGE_ID.matcher(text);
        String original = null;
        while (id.find()) {
            original = id.group(1); // the last one: the returned message's, not the bounce's own
        }
        return new Report(kind, original, bounceAddress, subject.strip() + (code == null ? "" : " (" + code + ")")
                + diagnosticLine(text));
    }

    private static Report deliveryStatus(Multipart parts, String bounceAddress) throws MessagingException, IOException {
        String fields = null;
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType("message/delivery-status") || part.isMimeType("message/global-delivery-status")) {
                fields = read(part);
            }
        }
        String original = returnedMessageId(parts);
        if (fields == null) {
            return new Report(EmailFeedback.Kind.HARD_BOUNCE, original, bounceAddress, "delivery status report without fields");
        }
        // per-message fields, then one block per recipient: the first recipient's block decides
        InputStream in = new ByteArrayInputStream(fields.getBytes(StandardCharsets.UTF_8));
        new InternetHeaders(in); // per-message fields (Reporting-MTA, ...)
        InternetHeaders recipient = new InternetHeaders(in);
        String action = first(recipient, "Action").toLowerCase(Locale.ROOT);
        String status = first(recipient, "Status");
        String diagnostic = first(recipient, "Diagnostic-Code");
        String finalRecipient = first(recipient, "Final-Recipient");
        EmailFeedback.Kind kind;
        if (action.startsWith("delivered") || action.startsWith("relayed") || action.startsWith("expanded")) {
            kind = EmailFeedback.Kind.DELIVERY;
        } else if (action.startsWith("delayed")) {
            kind = EmailFeedback.Kind.DELAYED; // the relay still tries: not sent again
        } else if (status.startsWith("4")) {
            kind = EmailFeedback.Kind.SOFT_BOUNCE; // it gave up for a reason that may pass: ours to retry
        } else {
            kind = EmailFeedback.Kind.HARD_BOUNCE;
        }
        return new Report(kind, original, bounceAddress, ("Status " + status + " " + diagnostic + " (" + finalRecipient + ")")
                .replaceAll("\\s+", " ").strip());
    }

    /** The Message-ID of the returned message (message/rfc822 or text/rfc822-headers part). */
    private static String returnedMessageId(Multipart parts) throws MessagingException, IOException {
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType("message/rfc822") || part.isMimeType("text/rfc822-headers")
                    || part.isMimeType("message/rfc822-headers") || part.isMimeType("message/global")) {
                Object content = part.getContent();
                if (content instanceof MimeMessage returned) {
                    return returned.getMessageID();
                }
                Matcher m = MESSAGE_ID.matcher(read(part));
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return null;
    }

    private static String feedbackType(Multipart parts) throws MessagingException, IOException {
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType("message/feedback-report")) {
                return first(new InternetHeaders(new ByteArrayInputStream(read(part).getBytes(StandardCharsets.UTF_8))),
                        "Feedback-Type");
            }
        }
        return "abuse";
    }

    /** The address the bounce was delivered to: our bounce address when the notice went out with one. */
    private static String recipient(MimeMessage message) throws MessagingException {
        for (String header : List.of("Delivered-To", "X-Original-To", "To")) {
            String[] values = message.getHeader(header);
            if (values != null && values.length > 0) {
                String v = values[0];
                int lt = v.indexOf('<');
                int gt = v.indexOf('>', lt + 1);
                String address = lt >= 0 && gt > lt ? v.substring(lt + 1, gt) : v.strip();
                if (address.toLowerCase(Locale.ROOT).startsWith("bounces+")) {
                    return address;
                }
            }
        }
        return null;
    }

    private static String first(InternetHeaders headers, String name) {
        String v = headers.getHeader(name, null);
        return v == null ? "" : v.strip();
    }

    private static String diagnosticLine(String text) {
        for (String line : text.split("\\R")) {
            String l = line.strip();
            if (l.matches("(?i)^(\\d{3}[ -].*|.*(user unknown|does not exist|no such user|mailbox (is )?(full|unavailable)).*)$")) {
                return ": " + (l.length() > 300 ? l.substring(0, 300) : l);
            }
        }
        return "";
    }

    /** The text of every part, as far as {@link #MAX_BYTES} allows. */
    private static String allText(Part part) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart m = (Multipart) part.getContent();
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < m.getCount() && out.length() < MAX_BYTES; i++) {
                out.append(allText(m.getBodyPart(i))).append('\n');
            }
            return out.toString();
        }
        if (part.isMimeType("text/*") || part.isMimeType("message/*")) {
            return read(part);
        }
        return "";
    }

    private static String read(Part part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BYTES);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
