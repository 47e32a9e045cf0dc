package dev.tocsin.channel.email;

import dev.tocsin.template.RenderedEmail;
import dev.tocsin.testing.Configs;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The notice's bytes as a mail reader gets them, whether the parts go as 8-bit text or in base64. */
class MimeMessageFactoryTest {

    private final Session session = Session.getInstance(new Properties());

    /** A factory configured as the tests' notices expect (also used by the SMTP tests of this package). */
    static MimeMessageFactory factory() {
        MimeMessageFactory f = new MimeMessageFactory();
        f.sender = Configs.email("notices@example.com", "notices.example.com");
        f.company = Configs.company("Example Corp", "security@example.com", "https://notices.example.com");
        return f;
    }

    private static final String TEXT = "Dear Zoë,\n\n.A line that starts with a dot.\nمرحبا\n";
    private static final String HTML = "<p dir=\"rtl\">مرحبا Zoë</p>\n<p>Ref TCS-ABCDE-FGHJK</p>";

    private static OutgoingEmail email(String html) {
        return new OutgoingEmail(42, "c1", "zoe@example.org", "TCS-ABCDE-FGHJK",
                new RenderedEmail("Avis de sécurité", html, TEXT));
    }

    private MimeMessage parse(MimeMessageFactory.PrebuiltMessage built) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        built.writeTo(bytes);
        return new MimeMessage(session, new ByteArrayInputStream(bytes.toByteArray()));
    }

    private static void assertPart(BodyPart part, String encoding, String content) throws Exception {
        assertEquals(encoding, part.getHeader("Content-Transfer-Encoding")[0]);
        assertEquals(content.replace("\r\n", "\n").strip(), ((String) part.getContent()).replace("\r\n", "\n").strip());
    }

    @Test
    void partsGoAsEightBitTextWhenTheServerTakesItAndReadTheSame() throws Exception {
        MimeMessageFactory.PrebuiltMessage built = factory().build(session, email(HTML), true);
        assertEquals("BODY=8BITMIME", built.getMailExtension(), "MAIL FROM declares the 8-bit body");
        MimeMessage read = parse(built);
        assertEquals("Avis de sécurité", read.getSubject());
        assertEquals("<delivery-42@notices.example.com>", read.getMessageID());
        Multipart parts = (Multipart) read.getContent();
        assertPart(parts.getBodyPart(0), "8bit", TEXT);
        assertPart(parts.getBodyPart(1), "8bit", HTML);
        assertEquals("zoe@example.org", built.getAllRecipients()[0].toString());
    }

    @Test
    void aPartWithALineTooLongForSmtpGoesInBase64AndSoDoesEverythingWithoutEightBitMime() throws Exception {
        String longLine = "<p>" + "é".repeat(600) + "</p>"; // 1,207 bytes on one line: over SMTP's 998
        MimeMessage read = parse(factory().build(session, email(longLine), true));
        Multipart parts = (Multipart) read.getContent();
        assertPart(parts.getBodyPart(0), "8bit", TEXT);
        assertPart(parts.getBodyPart(1), "base64", longLine);

        MimeMessageFactory.PrebuiltMessage sevenBit = factory().build(session, email(HTML), false);
        assertNull(sevenBit.getMailExtension());
        parts = (Multipart) parse(sevenBit).getContent();
        assertPart(parts.getBodyPart(0), "base64", TEXT);
        assertPart(parts.getBodyPart(1), "base64", HTML);
        assertEquals("Avis de sécurité", MimeUtility.decodeText(parse(sevenBit).getHeader("Subject")[0]));
    }
}
