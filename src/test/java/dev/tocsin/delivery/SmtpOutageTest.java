package dev.tocsin.delivery;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SMTP server is down when the campaign starts: deliveries wait, retry with backoff, and all arrive once. */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class SmtpOutageTest {

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    @Test
    void anSmtpOutageDelaysNoticesButLosesAndDuplicatesNone() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int recipients = 40;
        String incident = Api.createIncident("outage " + run);
        StringBuilder csv = new StringBuilder("account_id,email,exposed\n");
        for (int i = 0; i < recipients; i++) {
            csv.append("o").append(i).append('-').append(run).append(",o").append(i).append('-').append(run)
                    .append("@example.com,password\n");
        }
        Api.uploadCsv(incident, csv.toString()).statusCode(200);
        String campaign = Api.createCampaign(incident, List.of("password"));
        Api.approve(campaign).statusCode(200);

        TestServices.stopSmtp();
        try {
            Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> QuarkusTransaction.requiringNew().call(() ->
                    Delivery.count("campaignId = ?1 and attempts >= 1 and status = ?2", campaign, DeliveryStatus.QUEUED))
                    == recipients);
            String lastError = QuarkusTransaction.requiringNew().call(() ->
                    Delivery.<Delivery>find("campaignId", campaign).firstResult().lastError);
            assertTrue(lastError.contains("SMTP connect"), lastError);
            Api.get("/api/campaigns/" + campaign + "/stats").body("byStatus.sent", equalTo(0))
                    .body("status", equalTo("RUNNING"));
            Thread.sleep(2000);
        } finally {
            TestServices.startSmtp();
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                "COMPLETED".equals(Api.get("/api/campaigns/" + campaign + "/stats").extract().path("status")));
        Api.get("/api/campaigns/" + campaign + "/stats").body("byStatus.sent", equalTo(recipients))
                .body("byStatus.failed", equalTo(0));
        Map<String, Long> perMessageId = Arrays.stream(TestServices.greenMail().getReceivedMessages())
                .filter(m -> to(m).endsWith("-" + run + "@example.com"))
                .collect(Collectors.groupingBy(SmtpOutageTest::messageId, Collectors.counting()));
        assertEquals(recipients, perMessageId.size(), "every notice arrived");
        assertTrue(perMessageId.values().stream().allMatch(n -> n == 1), "none twice: " + perMessageId);
        long retried = QuarkusTransaction.requiringNew().call(() ->
                Delivery.count("campaignId = ?1 and attempts >= 2", campaign));
        assertEquals(recipients, retried, "each was tried again after the outage");
        // Support sees why it was late: the failed attempt and its reason, then the send.
        TestUsers.as(TestUsers.SUPPORT).queryParam("email", "o0-" + run + "@example.com").get("/api/deliveries")
                .then().statusCode(200)
                .body("[0].history.status", org.hamcrest.Matchers.hasItems("queued", "sending", "sent"))
                .body("[0].history.detail", org.hamcrest.Matchers.hasItem(org.hamcrest.Matchers.containsString("SMTP connect")));
    }

    private static String to(MimeMessage m) {
        return dev.tocsin.testing.Mail.to(m);
    }

    private static String messageId(MimeMessage m) {
        try {
            return m.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
