package dev.tocsin.channel.email;

import dev.tocsin.common.CompanyConfig;
import dev.tocsin.template.EncodedPart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;
import org.eclipse.angus.mail.smtp.SMTPMessage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Builds the multipart/alternative message (plain text + HTML) for one notice, as finished bytes. */
@ApplicationScoped
public class MimeMessageFactory {

    static {
        // Jakarta Mail looks its StreamProvider up with a ServiceLoader scan of every jar for each Multipart it
        // creates; naming the implementation turns that into a class lookup (was the largest cost per notice).
        if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
            System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    @Inject
    EmailConfig sender;

    @Inject
    CompanyConfig company;

    /** Derived from the delivery id, so a resent copy of the same delivery is recognisable as the same message. */
    public String messageId(long deliveryId) {
        return "<delivery-" + deliveryId + "@" + sender.email().messageIdDomain() + ">";
    }

    /**
     * The delivery a Message-ID of ours names (as a bounce or a provider returns it, with or without the angle
     * brackets), or empty when it is not one of ours.
     */
    public java.util.OptionalLong deliveryIdOf(String messageId) {
        if (messageId == null || messageId.length() > 1000) {
            return java.util.OptionalLong.empty();
        }
        String id = messageId.strip();
        if (id.startsWith("<") && id.endsWith(">")) {
            id = id.substring(1, id.length() - 1);
        }
        String suffix = "@" + sender.email().messageIdDomain();
        if (!id.startsWith("delivery-") || !id.regionMatches(true, id.length() - suffix.length(), suffix, 0, suffix.length())) {
            return java.util.OptionalLong.empty();
        }
        String digits = id.substring("delivery-".length(), id.length() - suffix.length());
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
            return java.util.OptionalLong.empty();
        }
        return java.util.OptionalLong.of(Long.parseLong(digits));
    }

    /**
     * Writes the notice's bytes directly: headers, then a multipart/alternative body whose text and HTML parts
     * are UTF-8, as they are when the server takes 8-bit bodies ({@code eightBit}, its 8BITMIME) and no line is
     * too long for SMTP, else in base64. Letting Jakarta Mail assemble and quoted-printable-encode the parts
     * byte by byte was most of the CPU spent per notice (see bench/README.md). extraHeaders go after the fixed
     * ones.
     */
    public PrebuiltMessage build(Session session, OutgoingEmail email, String... extraHeaders) throws MessagingException {
        return build(session, email, false, extraHeaders);
    }

    public PrebuiltMessage build(Session session, OutgoingEmail email, boolean eightBit, String... extraHeaders)
            throws MessagingException {
        Encoded encoded = encode(email, eightBit, extraHeaders);
        // The transport takes the envelope from these (and mail.smtp.from), never from parsing the bytes.
        PrebuiltMessage message = new PrebuiltMessage(session, encoded.bytes(),
                new InternetAddress(envelopeFrom(email.deliveryId())), encoded.to());
        if (encoded.eightBit()) {
            message.setMailExtension("BODY=8BITMIME"); // RFC 6152: say so in MAIL FROM
        }
        return message;
    }

    /** A notice's finished bytes (CRLF lines), its recipient, and whether a part went as 8-bit. */
    record Encoded(byte[] bytes, InternetAddress to, boolean eightBit) {
    }

    /** The sender's address (the From header's, and the envelope's without a bounce domain). */
    InternetAddress sender() throws MessagingException {
        return fromAddress();
    }

    @jakarta.inject.Inject
    dev.tocsin.tracking.NoticeCodes codes;

    @jakarta.inject.Inject
    DkimSigner dkim;

    /**
     * The envelope sender (MAIL FROM) of one notice: with a bounce domain, bounces+{signed token}@{domain} (VERP),
     * so the bounce that comes back names the delivery it is about and nobody can forge one for another; else
     * the plain sender. A test send (no delivery) uses the plain sender.
     */
    String envelopeFrom(long deliveryId) throws MessagingException {
        java.util.Optional<String> domain = sender.email().bounceDomain().filter(d -> !d.isBlank());
        if (domain.isEmpty() || deliveryId <= 0) {
            return fromAddress().getAddress();
        }
        return "bounces+" + codes.bounceToken(deliveryId) + "@" + domain.get().strip();
    }

    /** The delivery a bounce address of ours (as a DSN or a relay names it) was issued for; empty otherwise. */
    public java.util.Optional<Long> deliveryOfBounceAddress(String address) {
        if (address == null || address.length() > 320) {
            return java.util.Optional.empty();
        }
        String a = address.strip();
        if (a.startsWith("<") && a.endsWith(">")) {
            a = a.substring(1, a.length() - 1);
        }
        int plus = a.indexOf('+');
        int at = a.lastIndexOf('@');
        if (plus < 0 || at < plus || !a.substring(0, plus).equalsIgnoreCase("bounces")) {
            return java.util.Optional.empty();
        }
        return codes.deliveryOfBounce(a.substring(plus + 1, at));
    }

    Encoded encode(OutgoingEmail email, boolean eightBit, String... extraHeaders) throws MessagingException {
        String boundary = "=_tocsin_" + email.deliveryId() + "_" + Long.toHexString(System.nanoTime());
        StringBuilder head = new StringBuilder(1024);
        boolean test = email.deliveryId() <= 0; // a test send belongs to no delivery
        header(head, "Message-ID", test ? "<test-" + java.util.UUID.randomUUID() + "@" + sender.email().messageIdDomain() + ">"
                : messageId(email.deliveryId()));
        header(head, "Date", dateNow());
        header(head, "From", fromHeader());
        InternetAddress to = new InternetAddress(email.to(), true);
        header(head, "To", to.toString());
        header(head, "Subject", encodedSubject(email.content().subject()));
        header(head, "MIME-Version", "1.0");
        header(head, test ? "X-Tocsin-Test" : "X-Tocsin-Delivery", test ? "true" : Long.toString(email.deliveryId()));
        header(head, "X-Tocsin-Reference", email.reference());
        // A breach notice is transactional: ask auto-responders and list software to leave it alone.
        header(head, "Auto-Submitted", "auto-generated");
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            header(head, extraHeaders[i], extraHeaders[i + 1]);
        }
        header(head, "Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
        head.append("\r\n");

        // Sized for a usual notice (about 7 KB); asking the HTML's length would fill in a spliced notice's text.
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(headBytes);
        boolean text8 = part(out, boundary, "text/plain; charset=UTF-8", email.content()::text,
                email.content().encodedText(), eightBit);
        boolean html8 = part(out, boundary, "text/html; charset=UTF-8", email.content()::html,
                email.content().encodedHtml(), eightBit);
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));

        byte[] bytes = out.toByteArray();
        if (dkim != null && dkim.enabled()) {
            bytes = dkim.sign(bytes, headBytes.length); // the exact bytes that go on the wire
        }
        return new Encoded(bytes, to, text8 || html8);
    }

    /** The Date header changes once a second; formatting it per notice showed in the profile. */
    private record StampedDate(long second, String text) {
    }

    private volatile StampedDate date = new StampedDate(-1, "");

    private String dateNow() {
        long second = System.currentTimeMillis() / 1000;
        StampedDate d = date;
        if (d.second() != second) {
            d = new StampedDate(second, RFC_5322_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
            date = d;
        }
        return d.text();
    }

    private static final DateTimeFormatter RFC_5322_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(76, new byte[]{'\r', '\n'});

    private volatile String fromHeader;
    private volatile InternetAddress fromAddress;

    private InternetAddress fromAddress() throws MessagingException {
        if (fromAddress == null) {
            fromAddress = new InternetAddress(sender.email().from());
        }
        return fromAddress;
    }

    private String fromHeader() throws MessagingException {
        if (fromHeader == null) {
            try {
                fromHeader = new InternetAddress(sender.email().from(), company.company().name(), "UTF-8").toString();
            } catch (UnsupportedEncodingException e) {
                throw new MessagingException("bad sender name", e);
            }
        }
        return fromHeader;
    }

    /** Subjects repeat across a campaign (one per locale, usually): encode each once. */
    private final Map<String, String> encodedSubjects = new ConcurrentHashMap<>();

    private String encodedSubject(String subject) throws MessagingException {
        String encoded = encodedSubjects.get(subject);
        if (encoded == null) {
            encoded = encodeWord(subject);
            if (encodedSubjects.size() > 10_000) {
                encodedSubjects.clear(); // per-recipient subjects: do not grow without bound
            }
            encodedSubjects.put(subject, encoded);
        }
        return encoded;
    }

    private static String encodeWord(String text) throws MessagingException {
        try {
            return MimeUtility.fold(9, MimeUtility.encodeText(text, "UTF-8", "B"));
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("cannot encode the subject", e);
        }
    }

    private static void header(StringBuilder head, String name, String value) {
        head.append(name).append(": ").append(value).append("\r\n");
    }

    private static final byte[] CRLF = {'\r', '\n'};

    /**
     * Writes one part; true when it went as 8-bit text. A part spliced from a notice shape brings its bytes
     * encoded already (re-encoding and scanning every notice's text was a fifth of a worker's CPU).
     */
    private static boolean part(ByteArrayOutputStream out, String boundary, String contentType,
                                java.util.function.Supplier<String> text, EncodedPart encoded, boolean eightBit) {
        if (eightBit && encoded != null && encoded.fitsSmtpLines()) {
            out.writeBytes(partHeader(boundary, contentType, "8bit"));
            encoded.writeSmtpLines(out);
            return true;
        }
        String body = text.get();
        // Encoded here only when it may go as 8-bit: the base64 path encodes its canonical (CRLF) form itself.
        byte[] utf8 = eightBit ? body.getBytes(StandardCharsets.UTF_8) : null;
        boolean raw = utf8 != null && fitsSmtpLines(utf8);
        out.writeBytes(partHeader(boundary, contentType, raw ? "8bit" : "base64"));
        if (raw) {
            // Lines end in CRLF on the wire and in the canonical form (RFC 5321 §2.3.8, RFC 2045 §6.8).
            int line = 0;
            for (int i = 0; i < utf8.length; i++) {
                if (utf8[i] == '\n') {
                    out.write(utf8, line, i - line);
                    out.writeBytes(CRLF);
                    line = i + 1;
                }
            }
            out.write(utf8, line, utf8.length - line);
            if (line < utf8.length) {
                out.writeBytes(CRLF);
            }
            return true;
        }
        String canonical = (body.indexOf('\r') < 0 ? body : body.replace("\r\n", "\n")).replace("\n", "\r\n");
        out.writeBytes(BASE64.encode(canonical.getBytes(StandardCharsets.UTF_8)));
        out.writeBytes(CRLF);
        return false;
    }

    private static byte[] partHeader(String boundary, String contentType, String encoding) {
        return ("--" + boundary + "\r\nContent-Type: " + contentType + "\r\nContent-Transfer-Encoding: " + encoding
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Whether UTF-8 text can go as an 8-bit body (RFC 5322 §2.1.1, RFC 6152): no line over 998 bytes, no NUL,
     * no CR (a lone one would become a line break on the wire).
     */
    static boolean fitsSmtpLines(byte[] utf8) {
        int lineStart = 0;
        for (int i = 0; i < utf8.length; i++) {
            byte b = utf8[i];
            if (b == '\n') {
                if (i - lineStart > 998) {
                    return false;
                }
                lineStart = i + 1;
            } else if (b == '\r' || b == 0) {
                return false;
            }
        }
        return utf8.length - lineStart <= 998;
    }

    /**
     * A message whose bytes are already complete: the transport copies them as they are. Sender and recipient
     * are kept as addresses rather than headers, which Jakarta Mail would format and parse again per message.
     */
    public static final class PrebuiltMessage extends SMTPMessage {
        private final byte[] bytes;
        private final Address[] from;
        private final Address[] to;

        /** The message exactly as it is handed to the server (before SMTP's dot-stuffing). */
        public byte[] bytes() {
            return bytes;
        }

        PrebuiltMessage(Session session, byte[] bytes, InternetAddress from, InternetAddress to) {
            super(session);
            this.bytes = bytes;
            this.from = new Address[]{from};
            this.to = new Address[]{to};
        }

        @Override
        public Address[] getFrom() {
            return from.clone();
        }

        @Override
        public Address[] getRecipients(Message.RecipientType type) {
            return type == Message.RecipientType.TO ? to.clone() : null;
        }

        @Override
        public Address[] getAllRecipients() {
            return to.clone();
        }

        @Override
        public void writeTo(OutputStream os) throws IOException {
            os.write(bytes);
        }

        @Override
        public void writeTo(OutputStream os, String[] ignoreList) throws IOException {
            os.write(bytes);
        }

        @Override
        public int getSize() {
            return bytes.length;
        }
    }
}
