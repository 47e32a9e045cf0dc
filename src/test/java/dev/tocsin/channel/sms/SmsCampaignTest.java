package dev.tocsin.channel.sms;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Mail;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import dev.tocsin.testing.TwilioStandIn;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SMS through the real Twilio SDK against a local stand-in of Twilio's API: invalid and unsubscribed numbers
 * settle as undeliverable, rate limits and server errors are retried, each number gets its SMS once, and
 * Twilio's signed status callbacks move messages to delivered.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class SmsCampaignTest {

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private static String launch(String incident, List<String> channels, String policy) {
        return Api.launchAndWait(incident, "SMS notice", channels, policy);
    }

    @Test
    void eachNumberGetsItsSmsOnceAndProviderRefusalsSettle() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ok1 = "+1415555" + run.substring(0, 4).replaceAll("[^0-9]", "7");
        String ok2 = "+346123" + run.substring(0, 4).replaceAll("[^0-9]", "7") + "2";
        String incident = Api.createIncident("sms " + run);
        Api.uploadCsv(incident, "account_id,phone,locale,exposed\n"
                + "s1-" + run + "," + ok1 + ",en,password\n"
                + "s2-" + run + "," + ok2 + ",es,password_hash\n"
                + "s3-" + run + "," + TwilioStandIn.INVALID + ",en,password\n"
                + "s4-" + run + "," + TwilioStandIn.UNSUBSCRIBED + ",en,password\n"
                + "s5-" + run + "," + TwilioStandIn.FLAKY + ",en,password\n").statusCode(200).body("accepted", equalTo(5));

        String campaign = launch(incident, List.of("sms"), "all");
        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200)
                .body("total", equalTo(5))
                .body("byChannel.sms.sent", equalTo(3))
                .body("byChannel.sms.undeliverable", equalTo(2))
                .body("byStatus.failed", equalTo(0));

        List<String> numbers = List.of(ok1, ok2, TwilioStandIn.INVALID, TwilioStandIn.UNSUBSCRIBED, TwilioStandIn.FLAKY);
        Map<String, Long> accepted = TestServices.twilio().acceptedPerNumber(numbers);
        assertEquals(Map.of(ok1, 1L, ok2, 1L, TwilioStandIn.FLAKY, 1L), accepted, "each reachable number once");
        List<TwilioStandIn.Sent> toFlaky = TestServices.twilio().requestsTo(List.of(TwilioStandIn.FLAKY));
        assertEquals(List.of(429, 500, 201), toFlaky.stream().map(TwilioStandIn.Sent::status).toList(),
                "429 and 500 were retried until Twilio accepted");
        TwilioStandIn.Sent spanish = TestServices.twilio().requestsTo(List.of(ok2)).get(0);
        assertTrue(spanish.form().get("Body").startsWith("Aviso de seguridad de Example Corp"), spanish.form().get("Body"));
        assertTrue(spanish.form().get("Body").matches(".*Ref TCS-[A-Z2-9]{5}-[A-Z2-9]{5}\\. .*"), spanish.form().get("Body"));
        assertEquals(TestServices.TWILIO_CALLBACK, spanish.form().get("StatusCallback"));
        assertTrue(spanish.form().get("MessagingServiceSid").startsWith("MG"));

        String reason = TestUsers.as(TestUsers.AUDITOR).queryParam("phone", TwilioStandIn.INVALID).get("/api/deliveries")
                .then().statusCode(200).extract().path("[0].lastError");
        assertTrue(reason.contains("21211"), reason);
        long suppressed = QuarkusTransaction.requiringNew().call(() -> (Long) dev.tocsin.delivery.Delivery.getEntityManager()
                .createNativeQuery("SELECT COUNT(*) FROM suppression WHERE channel = 'sms' AND address = ?1")
                .setParameter(1, TwilioStandIn.UNSUBSCRIBED).getSingleResult());
        assertEquals(1, suppressed, "a STOP from the recipient is never texted again");

        // Twilio reports delivery; the callback must be signed.
        String sid = TestUsers.as(TestUsers.AUDITOR).queryParam("phone", ok1).get("/api/deliveries")
                .then().extract().path("[0].providerMessageId");
        Map<String, String> form = Map.of("MessageSid", sid, "MessageStatus", "delivered", "To", ok1);
        callback(form, "forged").statusCode(403);
        callback(form, sign(form)).statusCode(204);
        callback(form, sign(form)).statusCode(204);
        Api.get("/api/campaigns/" + campaign + "/stats").body("byChannel.sms.delivered", equalTo(1))
                .body("byChannel.sms.sent", equalTo(2));
    }

    @Test
    void firstAvailableFallsBackToEmailWhenTheNumberIsUnreachable() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String fallback = "fallback-" + run + "@example.com";
        String emailOnly = "emailonly-" + run + "@example.com";
        String smsFirst = "smsfirst-" + run + "@example.com";
        String okPhone = "+4479460" + run.substring(0, 4).replaceAll("[^0-9]", "5") + "3";
        String incident = Api.createIncident("fallback " + run);
        Api.uploadCsv(incident, "account_id,email,phone,exposed\n"
                + "f1-" + run + "," + fallback + "," + TwilioStandIn.INVALID + ",password\n"
                + "f2-" + run + "," + emailOnly + ",,password\n"
                + "f3-" + run + "," + smsFirst + "," + okPhone + ",password\n").statusCode(200);

        String campaign = launch(incident, List.of("sms", "email"), "first-available");
        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200)
                .body("byChannel.sms.sent", equalTo(1))
                .body("byChannel.sms.undeliverable", equalTo(1))
                .body("byChannel.email.sent", equalTo(2));
        List<String> got = Arrays.stream(TestServices.greenMail().getReceivedMessages()).map(Mail::to)
                .filter(to -> to.contains(run)).sorted().toList();
        assertEquals(List.of(emailOnly, fallback), got, "email goes to whoever SMS cannot reach, and only to them");
        assertEquals(Map.of(okPhone, 1L), TestServices.twilio().acceptedPerNumber(List.of(okPhone)));
    }

    @Test
    void aStatusCallbackThatOvertakesTheSendIsAppliedOnceTheSendIsRecorded() {
        // Twilio can call back before our worker has stored the SID it answered with.
        Map<String, String> form = Map.of("MessageSid", TwilioStandIn.EARLY_SID, "MessageStatus", "delivered",
                "To", TwilioStandIn.EARLY);
        callback(form, sign(form)).statusCode(204);

        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("early callback " + run);
        Api.uploadCsv(incident, "account_id,phone,exposed\ne1-" + run + "," + TwilioStandIn.EARLY + ",password\n")
                .statusCode(200);
        String campaign = launch(incident, List.of("sms"), "all");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).until(() ->
                Integer.valueOf(1).equals(Api.get("/api/campaigns/" + campaign + "/stats").extract().path("byChannel.sms.delivered")));
        TestUsers.as(TestUsers.AUDITOR).queryParam("phone", TwilioStandIn.EARLY).get("/api/deliveries").then()
                .statusCode(200).body("[0].status", equalTo("delivered"))
                .body("[0].providerMessageId", equalTo(TwilioStandIn.EARLY_SID));
    }

    private static io.restassured.response.ValidatableResponse callback(Map<String, String> form, String signature) {
        return given().auth().none().contentType(ContentType.URLENC).header("X-Twilio-Signature", signature)
                .formParams(form).post("/webhooks/twilio/status").then();
    }

    /** Twilio's scheme: HMAC-SHA1 over the URL followed by each field name and value, sorted by name. */
    private static String sign(Map<String, String> form) {
        try {
            StringBuilder data = new StringBuilder(TestServices.TWILIO_CALLBACK);
            new TreeMap<>(form).forEach((k, v) -> data.append(k).append(v));
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(TestServices.TWILIO_TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
