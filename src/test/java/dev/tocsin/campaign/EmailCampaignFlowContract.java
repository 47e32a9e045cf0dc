package dev.tocsin.campaign;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Mail;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's walk-through, end to end: incident, upload in several languages, segment, audience,
 * approval, launch, every notice received once in the right language. Runs on each wiring (PostgreSQL +
 * RabbitMQ + SMTP, and the embedded default) through the subclasses.
 */
abstract class EmailCampaignFlowContract {

    @org.junit.jupiter.api.BeforeEach
    void signIn() {
        dev.tocsin.testing.TestUsers.ensure();
    }

    /** The notices that reached the given addresses for the campaign, as the recipient would get them. */
    protected abstract List<MimeMessage> received(String campaignId, List<String> addresses) throws Exception;

    /** The application's log file in this wiring (see %test and EmbeddedProfile). */
    protected abstract java.nio.file.Path logFile();

    /** How the provider's answer to a successful send starts (SMTP reply code, or the outbox's note). */
    protected abstract String expectedProviderResponsePrefix();

    @Test
    void notifiesEachAffectedPersonOnceInTheirLanguage() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String alice = "alice-" + run + "@example.com";
        String bob = "bob-" + run + "@example.org";
        String carla = "carla-" + run + "@example.com.br";
        String filipa = "filipa-" + run + "@example.pt";
        String gerd = "gerd-" + run + "@example.de";
        String dave = "dave-" + run + "@example.com";
        String incident = Api.createIncident("Customer database copied " + run);

        String csv = "account_id,email,phone,locale,timezone,country,name,exposed\n"
                + "a-" + run + "," + alice + ",+14155550101,en-US,America/New_York,US,Alice Doe,email;password_hash\n"
                + "b-" + run + "," + bob + ",,es,Europe/Madrid,ES,Bob Ruiz,password\n"
                + "c-" + run + "," + carla + ",,pt-BR,America/Sao_Paulo,BR,Carla Souza,password_hash;phone\n"
                + "f-" + run + "," + filipa + ",,pt-PT,Europe/Lisbon,PT,Filipa,password_hash\n"
                + "g-" + run + "," + gerd + ",,,Europe/Berlin,DE,Gerd,password\n"
                + "d-" + run + "," + dave + ",,en,UTC,US,Dave,ip_address\n"
                + "e-" + run + ",,+14155550102,en,UTC,US,Erin,password\n";
        Api.uploadCsv(incident, csv).statusCode(200).body("accepted", equalTo(7)).body("rejected", equalTo(0));

        String campaign = Api.createCampaign(incident, List.of("password", "password_hash"));
        Api.get("/api/campaigns/" + campaign + "/audience").statusCode(200)
                .body("total", equalTo(6))
                .body("byChannel.email", equalTo(5))
                .body("unreachable", equalTo(1))
                .body("byLocale.es", equalTo(1))
                .body("byLocale.'pt-BR'", equalTo(1))
                .body("sample[0].email", containsString("***@"));

        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(409)
                .body("error", equalTo("not_approved")).body("message", containsString("approve"));
        Api.approve(campaign).statusCode(200).body("status", equalTo("APPROVED"));
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200).body("status", equalTo("RUNNING"));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                "COMPLETED".equals(Api.get("/api/campaigns/" + campaign + "/stats").extract().path("status")));
        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200)
                .body("total", equalTo(5))
                .body("byStatus.sent", equalTo(5))
                .body("byStatus.queued", equalTo(0))
                .body("byStatus.failed", equalTo(0))
                .body("byChannel.email.sent", equalTo(5))
                .body("unreachable", equalTo(1));

        List<MimeMessage> mails = received(campaign, List.of(alice, bob, carla, filipa, gerd, dave));
        Map<String, List<MimeMessage>> byRecipient = mails.stream().collect(Collectors.groupingBy(Mail::to));
        assertEquals(5, mails.size(), "one notice per reachable recipient in the segment: " + byRecipient.keySet());
        assertFalse(byRecipient.containsKey(dave), "dave's exposure is outside the segment");
        byRecipient.forEach((to, list) -> assertEquals(1, list.size(), to + " got the notice once"));

        MimeMessage toAlice = byRecipient.get(alice).get(0);
        assertEquals("Important security notice from Example Corp about your account", toAlice.getSubject());
        assertTrue(Mail.part(toAlice, "text/plain").contains("password (stored in hashed form)"));
        assertTrue(Mail.part(toAlice, "text/plain").contains("email address"));
        // inserted values are isolated (FSI ... PDI), so their direction does not spill into the sentence
        assertTrue(Mail.part(toAlice, "text/html").contains("<li>\u2068password (stored in hashed form)\u2069</li>"));
        assertTrue(Mail.part(toAlice, "text/plain").contains("Dear \u2068Alice Doe\u2069,"));
        assertTrue(Mail.part(toAlice, "text/plain").matches(
                "(?s).*verification reference is \u2068TCS-[A-Z2-9]{5}-[A-Z2-9]{5}\u2069.*"));

        MimeMessage toBob = byRecipient.get(bob).get(0);
        assertEquals("Aviso de seguridad importante de Example Corp sobre su cuenta", toBob.getSubject());
        assertTrue(Mail.part(toBob, "text/plain").contains("- \u2068contraseña\u2069"), Mail.part(toBob, "text/plain"));

        MimeMessage toCarla = byRecipient.get(carla).get(0);
        assertEquals("Aviso de segurança importante da Example Corp sobre sua conta", toCarla.getSubject());
        assertTrue(Mail.part(toCarla, "text/plain").contains("senha (armazenada em forma de hash)"));
        assertTrue(Mail.part(toCarla, "text/plain").contains("número de telefone"));

        // pt-PT has no template of its own: Portuguese (pt-BR) beats English. No locale at all: the set's default.
        // (A language the set lacks entirely, e.g. Dutch, blocks approval: see CampaignApiTest.)
        assertEquals(toCarla.getSubject(), byRecipient.get(filipa).get(0).getSubject());
        assertEquals(toAlice.getSubject(), byRecipient.get(gerd).get(0).getSubject());

        for (MimeMessage m : mails) {
            assertMessageIdIsDerivedFromTheDelivery(m);
        }
        List<dev.tocsin.delivery.Delivery> rows = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .call(() -> dev.tocsin.delivery.Delivery.<dev.tocsin.delivery.Delivery>list("campaignId", campaign));
        assertEquals(5, rows.size());
        for (dev.tocsin.delivery.Delivery d : rows) {
            assertEquals(1, d.attempts, "sent on the first attempt");
            assertEquals("<delivery-" + d.id + "@tocsin.local>", d.providerMessageId);
            assertTrue(d.providerResponse.startsWith(expectedProviderResponsePrefix()), d.providerResponse);
            assertNotNull(d.sentAt);
        }

        // Logs never show whom we notified: no raw address or phone number of this run appears in them.
        String log = java.nio.file.Files.readString(logFile());
        assertTrue(log.contains("campaign " + campaign), "the log does record the campaign's progress");
        for (String secret : List.of(alice, bob, carla, filipa, gerd, dave, "+14155550101", "+14155550102")) {
            assertFalse(log.contains(secret), "the log shows " + secret);
        }
    }

    private static void assertMessageIdIsDerivedFromTheDelivery(MimeMessage m) throws MessagingException {
        String deliveryId = m.getHeader("X-Tocsin-Delivery", null);
        assertNotNull(deliveryId);
        assertEquals("<delivery-" + deliveryId + "@tocsin.local>", m.getMessageID());
    }
}
