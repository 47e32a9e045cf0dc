package dev.tocsin.channel.email;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Mail;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A relay's word on the email it took: a hard bounce ends the delivery as bounced (and first-available tries
 * the next channel), a complaint as complained, a delivery report as delivered, a delayed report is history only (once per event id);
 * an unsigned or wrongly signed report changes nothing; the suppressed addresses are listed and can be lifted.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class EmailEventsWebhookTest {

    static final String SECRET = "test-email-webhook-secret";

    @BeforeEach
    void signIn() {
        TestUsers.ensure();
    }

    static String sign(String body, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String messageIdOf(String address) throws Exception {
        MimeMessage m = Arrays.stream(TestServices.greenMail().getReceivedMessages()).filter(x -> Mail.to(x).equals(address))
                .findFirst().orElseThrow();
        return m.getMessageID();
    }

    @Test
    void moreThanAThousandEventsInOneRequestAreRefusedBeforeAnyIsApplied() throws Exception {
        String event = "{\"type\":\"complaint\",\"address\":\"cap-test@example.org\",\"reason\":\"loop\"}";
        String body = "{\"events\":[" + String.join(",", java.util.Collections.nCopies(1_001, event)) + "]}";
        given().auth().none().contentType(ContentType.JSON).header("X-Tocsin-Signature", sign(body, SECRET)).body(body)
                .post("/webhooks/email-events").then().statusCode(400)
                .body("message", containsString("At most 1000 events"));
        Api.get("/api/suppressions?channel=email&limit=1000").statusCode(200)
                .body("suppressions.address", not(hasItem("cap-test@example.org")));
    }

    @Test
    void bouncesComplaintsAndDeliveriesSettleEachDeliveryOnceAndOnlyWhenSigned() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String bounced = "hard-" + run + "@example.com";
        String complained = "spam-" + run + "@example.com";
        String delivered = "ok-" + run + "@example.com";
        String fallbackPhone = "+1415555" + String.format("%04d", Math.abs(run.hashCode()) % 10_000);
        String incident = Api.createIncident("bounces " + run);
        Api.uploadCsv(incident, "account_id,email,phone,exposed\n"
                + "b-" + run + "," + bounced + "," + fallbackPhone + ",password\n"
                + "c-" + run + "," + complained + ",,password\n"
                + "d-" + run + "," + delivered + ",,password\n").statusCode(200);
        String campaign = Api.campaign(incident).name("bounces " + run).channels("email", "sms")
                .set("channelPolicy", "first-available").create();
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        Api.awaitCompleted(campaign);
        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200).body("byStatus.sent", equalTo(3));

        // each notice left with its own bounce address (VERP), which names its delivery and cannot be forged
        String returnPath = Arrays.stream(TestServices.greenMail().getReceivedMessages())
                .filter(x -> Mail.to(x).equals(delivered)).findFirst().orElseThrow().getHeader("Return-Path")[0];
        org.junit.jupiter.api.Assertions.assertTrue(returnPath.matches("<bounces\\+[0-9a-z]+\\.[0-9a-f]{16}@bounces\\.tocsin\\.test>"),
                returnPath);
        String forged = returnPath.replaceAll("\\.[0-9a-f]{16}@", ".0123456789abcdef@");

        String body = "{\"events\":["
                + "{\"type\":\"bounce\",\"bounceType\":\"hard\",\"messageId\":\"" + messageIdOf(bounced) + "\",\"reason\":\"550 5.1.1 no such user\"},"
                + "{\"type\":\"complaint\",\"messageId\":\"" + messageIdOf(complained).replaceAll("[<>]", "") + "\",\"reason\":\"abuse report\"},"
                + "{\"type\":\"delivery\",\"address\":\"" + returnPath.toUpperCase().replace("<", "").replace(">", "") + "\"},"
                + "{\"type\":\"bounce\",\"bounceType\":\"hard\",\"address\":\"" + forged.replaceAll("[<>]", "") + "\"},"
                + "{\"type\":\"delayed\",\"id\":\"evt-" + run + "\",\"messageId\":\"" + messageIdOf(delivered) + "\",\"reason\":\"451 greylisted\"},"
                + "{\"type\":\"bounce\",\"bounceType\":\"hard\",\"messageId\":\"" + messageIdOf(delivered) + "\",\"reason\":\"late\"},"
                + "{\"type\":\"bounce\",\"bounceType\":\"hard\",\"messageId\":\"<delivery-999999999999@tocsin.local>\"},"
                + "{\"type\":\"complaint\",\"address\":\"Someone-" + run + "@EXAMPLE.org\",\"reason\":\"feedback loop\"},"
                + "{\"type\":\"opened\",\"messageId\":\"x\"},"
                + "{\"type\":\"delayed\",\"id\":\"evt-" + run + "\",\"messageId\":\"" + messageIdOf(delivered) + "\",\"reason\":\"451 greylisted\"}]}";

        // unsigned, wrongly signed, signed with another secret: nothing changes
        given().auth().none().contentType(ContentType.JSON).body(body).post("/webhooks/email-events").then().statusCode(403)
                .body("error", equalTo("bad_signature"));
        given().auth().none().contentType(ContentType.JSON).header("X-Tocsin-Signature", "sha256=00ff").body(body)
                .post("/webhooks/email-events").then().statusCode(403);
        given().auth().none().contentType(ContentType.JSON).header("X-Tocsin-Signature", sign(body, "other secret")).body(body)
                .post("/webhooks/email-events").then().statusCode(403);
        given().auth().none().contentType(ContentType.JSON).header("X-Tocsin-Signature", sign(body + " ", SECRET)).body(body)
                .post("/webhooks/email-events").then().statusCode(403);
        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200).body("byStatus.sent", equalTo(3));

        given().auth().none().contentType(ContentType.JSON).header("X-Tocsin-Signature", sign(body, SECRET)).body(body)
                .post("/webhooks/email-events").then().statusCode(200)
                .body("events.result", equalTo(List.of("settled", "settled", "settled", "unknown", "noted", "ignored",
                        "unknown", "suppressed", "invalid: type must be bounce, complaint, delivery or delayed",
                        "ignored"))); // the relay's event sent twice (same id) is applied once
        // the same report again: every delivery has settled, nothing moves twice
        given().auth().none().contentType(ContentType.JSON).header("X-Tocsin-Signature", sign(body, SECRET)).body(body)
                .post("/webhooks/email-events").then().statusCode(200)
                .body("events[0].result", equalTo("ignored")).body("events[1].result", equalTo("ignored"));

        // first-available: the bounced person is reached by SMS instead
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() ->
                TestServices.twilio().acceptedPerNumber(List.of(fallbackPhone)).getOrDefault(fallbackPhone, 0L) == 1L);
        Api.awaitCompleted(campaign);
        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200)
                .body("byStatus.bounced", equalTo(1)).body("byStatus.complained", equalTo(1))
                .body("byStatus.delivered", equalTo(1));
        String report = Api.get("/api/campaigns/" + campaign + "/report.csv").statusCode(200).extract().asString();
        assertEquals(1, report.lines().filter(l -> l.contains(",bounced,")).count(), report);
        assertEquals(1, report.lines().filter(l -> l.contains(",complained,")).count(), report);

        // the suppressed addresses: whole for operators, masked for support, lifted with a reason
        Api.get("/api/suppressions?channel=email&limit=1000").statusCode(200)
                .body("suppressions.address", hasItem(bounced)).body("suppressions.address", hasItem(complained))
                .body("suppressions.address", hasItem("Someone-" + run + "@example.org"));
        TestUsers.as(TestUsers.SUPPORT).get("/api/suppressions?channel=email&limit=1000").then().statusCode(200)
                .body("suppressions.address", not(hasItem(bounced)));
        String later = Api.campaign(incident).name("later " + run).create();
        Api.get("/api/campaigns/" + later + "/audience").statusCode(200).body("byChannel.email", equalTo(1));
        given().delete("/api/suppressions/" + bounced).then().statusCode(400);
        given().queryParam("reason", "mailbox fixed, confirmed by phone")
                .delete("/api/suppressions/" + bounced).then().statusCode(200).body("reason", containsString("550 5.1.1"));
        given().queryParam("reason", "again").delete("/api/suppressions/" + bounced).then().statusCode(404);
        Api.get("/api/campaigns/" + later + "/audience").statusCode(200).body("byChannel.email", equalTo(2));
        TestUsers.as(TestUsers.AUDITOR).queryParam("objectId", "email:" + bounced).get("/api/audit").then().statusCode(200)
                .body("details", hasItem(containsString("mailbox fixed")));
    }
}
