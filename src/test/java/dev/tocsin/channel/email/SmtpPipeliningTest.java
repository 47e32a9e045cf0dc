package dev.tocsin.channel.email;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.tocsin.delivery.SendResult;
import dev.tocsin.testing.SmtpCapabilityProxy;
import dev.tocsin.template.RenderedEmail;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against a server that offers PIPELINING and 8BITMIME (GreenMail behind a proxy that offers them), notices
 * go with the envelope pipelined and their text as 8-bit; a refused recipient is settled on its own and the
 * connection goes on with the next notice; a server without them gets the plain conversation.
 */
class SmtpPipeliningTest {

    private GreenMail greenMail;

    @BeforeEach
    void startServer() throws Exception {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        greenMail.start();
    }

    @AfterEach
    void stopServer() {
        greenMail.stop();
    }

    private static OutgoingEmail notice(long id, String to) {
        return new OutgoingEmail(id, "c1", to, "TCS-" + id, new RenderedEmail("Avis de sécurité " + id,
                "<p>مرحبا " + id + "</p>\n<p>.dot</p>", "Bonjour " + id + ",\n.dot\nRéf. TCS-" + id + "\n"));
    }

    private List<SendResult> sendThrough(SmtpCapabilityProxy proxy, List<OutgoingEmail> notices) {
        try (SmtpEmailGateway gateway = new SmtpEmailGateway(MimeMessageFactoryTest.factory(), "127.0.0.1", proxy.port(), null, null, false, 1)) {
            return gateway.send(notices);
        }
    }

    private static String partText(MimeMessage m, int part) throws Exception {
        return (String) ((Multipart) m.getContent()).getBodyPart(part).getContent();
    }

    private static String partEncoding(MimeMessage m, int part) throws Exception {
        BodyPart p = ((Multipart) m.getContent()).getBodyPart(part);
        return p.getHeader("Content-Transfer-Encoding")[0];
    }

    @Test
    void eachNoticeGoesAsOnePipelinedGroupAndARefusedRecipientDoesNotDisturbTheNextNotice() throws Exception {
        try (SmtpCapabilityProxy proxy = new SmtpCapabilityProxy(greenMail.getSmtp().getPort(), true)) {
            proxy.refuse("gone@example.org");
            List<SendResult> results = sendThrough(proxy, List.of(notice(1, "ann@example.org"),
                    notice(2, "gone@example.org"), notice(3, "bob@example.org")));

            assertEquals(List.of(SendResult.Outcome.SENT, SendResult.Outcome.UNDELIVERABLE, SendResult.Outcome.SENT),
                    results.stream().map(SendResult::outcome).toList(), results.toString());
            assertTrue(results.get(1).response().startsWith("550"), results.get(1).response());
            assertTrue(results.get(1).suppress(), "a mailbox that does not exist is not mailed again");

            MimeMessage[] received = greenMail.getReceivedMessages();
            assertEquals(List.of("ann@example.org", "bob@example.org"),
                    Arrays.stream(received).map(m -> {
                        try {
                            return m.getAllRecipients()[0].toString();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }).toList(), "each accepted notice once, none for the refused address");
            assertEquals("<delivery-3@notices.example.com>", received[1].getMessageID());
            assertEquals("8bit", partEncoding(received[1], 0));
            assertEquals("Bonjour 3,\n.dot\nRéf. TCS-3", partText(received[1], 0).replace("\r\n", "\n").strip(),
                    "a line starting with a dot arrives as written");
            assertTrue(partText(received[1], 1).contains("مرحبا 3"));

            assertEquals(List.of(true, true, true), proxy.envelopesPipelined(), proxy.commands().toString());
            assertEquals(List.of(true, true), proxy.dataPipelined(), "DATA went with each accepted envelope: "
                    + proxy.commands());
            assertEquals(List.of(true, false), proxy.bodiesPipelined(),
                    "the next notice's envelope went with the previous body (the last one has none): " + proxy.commands());
            List<String> commands = proxy.commands();
            assertTrue(commands.stream().filter(c -> c.startsWith("MAIL FROM:")).allMatch(c -> c.endsWith(" BODY=8BITMIME")),
                    commands.toString());
            int refused = commands.indexOf("RCPT TO:<gone@example.org>");
            assertEquals(List.of("DATA", "RSET"), commands.subList(refused + 1, refused + 3),
                    "the pipelined DATA is refused with the recipient and the open transaction reset: " + commands);
        }
    }

    @Test
    void aConnectionLostAtTheEndOfDataRetriesThatNoticeAndTheRestAndNothingArrivesTwice() throws Exception {
        try (SmtpCapabilityProxy proxy = new SmtpCapabilityProxy(greenMail.getSmtp().getPort(), true);
             SmtpEmailGateway gateway = new SmtpEmailGateway(MimeMessageFactoryTest.factory(), "127.0.0.1", proxy.port(), null, null, false, 1)) {
            proxy.dropAtEndOfData("bea@example.org");
            List<SendResult> first = gateway.send(List.of(notice(1, "al@example.org"), notice(2, "bea@example.org"),
                    notice(3, "cal@example.org")));
            assertEquals(List.of(SendResult.Outcome.SENT, SendResult.Outcome.RETRY, SendResult.Outcome.RETRY),
                    first.stream().map(SendResult::outcome).toList(), first.toString());
            assertTrue(first.get(1).response().startsWith(SmtpEmailGateway.NO_ANSWER),
                    "the notice whose body went unanswered may have arrived: " + first.get(1).response());
            assertTrue(first.get(2).response().startsWith("SMTP connection failed"), first.get(2).response());
            assertEquals(1, greenMail.getReceivedMessages().length);

            // The engine retries what was not confirmed; the gateway reconnects by itself.
            List<SendResult> retry = gateway.send(List.of(notice(2, "bea@example.org"), notice(3, "cal@example.org")));
            assertEquals(List.of(SendResult.Outcome.SENT, SendResult.Outcome.SENT),
                    retry.stream().map(SendResult::outcome).toList(), retry.toString());
            assertEquals(List.of("<delivery-1@notices.example.com>", "<delivery-2@notices.example.com>",
                            "<delivery-3@notices.example.com>"),
                    Arrays.stream(greenMail.getReceivedMessages()).map(m -> {
                        try {
                            return m.getMessageID();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }).toList(), "each notice arrived once");
        }
    }

    @Test
    void aServerWithoutPipeliningGetsOneCommandAtATimeAndBase64() throws Exception {
        try (SmtpCapabilityProxy proxy = new SmtpCapabilityProxy(greenMail.getSmtp().getPort(), false)) {
            List<SendResult> results = sendThrough(proxy, List.of(notice(7, "cy@example.org")));
            assertEquals(SendResult.Outcome.SENT, results.get(0).outcome(), results.toString());
            assertEquals(List.of(false), proxy.envelopesPipelined(), proxy.commands().toString());
            assertEquals(List.of(false), proxy.dataPipelined(), proxy.commands().toString());
            MimeMessage received = greenMail.getReceivedMessages()[0];
            assertEquals("base64", partEncoding(received, 0));
            assertEquals("Bonjour 7,\n.dot\nRéf. TCS-7", partText(received, 0).replace("\r\n", "\n").strip());
        }
    }
}
