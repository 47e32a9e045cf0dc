package dev.tocsin.support;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Mail;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import dev.tocsin.testing.TwilioStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Support on the phone with someone who never got the notice: it is sent again on a channel that can reach
 * them, linked to the first and audited with the reason; never while the first is still on its way, never to
 * an address a provider said is gone.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class ResendTest {

    @BeforeEach
    void signIn() {
        TestUsers.ensure();
    }

    private static Response resend(String deliveryId, Map<String, Object> body) {
        return TestUsers.as(TestUsers.SUPPORT).contentType(ContentType.JSON).body(body)
                .post("/api/deliveries/" + deliveryId + "/resend");
    }

    @Test
    void aFailedNoticeIsSentAgainOnAnotherChannelButNeverToASuppressedAddressOrTwiceAtOnce() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String email = "resend-" + run + "@example.com";
        String incident = Api.createIncident("Resend " + run);
        Api.uploadCsv(incident, "account_id,email,phone,exposed\nr-" + run + "," + email + ","
                + TwilioStandIn.UNSUBSCRIBED + ",password\n").statusCode(200);
        String campaign = Api.launchAndWait(incident, "resend " + run, List.of("sms"), "all");

        List<Map<String, Object>> found = TestUsers.as(TestUsers.SUPPORT).queryParam("accountId", "r-" + run)
                .get("/api/deliveries").then().statusCode(200).extract().path("");
        assertEquals(1, found.size());
        String sms = (String) found.get(0).get("id");
        assertEquals("undeliverable", found.get(0).get("status"));

        // the person unsubscribed from texts: Twilio said so, and the number is suppressed
        resend(sms, Map.of("reason", "caller says she never got it")).then().statusCode(409)
                .body("error", equalTo("address_suppressed")).body("message", containsString("sms"));
        // a reason is required, and the channel must be one we have
        resend(sms, Map.of("channel", "email")).then().statusCode(400).body("details[0].field", equalTo("reason"));
        resend(sms, Map.of("channel", "fax", "reason", "x")).then().statusCode(400);

        // by email instead: accepted, linked to the failed SMS, the campaign runs again until it is out
        Response accepted = resend(sms, Map.of("channel", "email", "reason", "caller says she never got it"));
        assertEquals(201, accepted.statusCode(), accepted.asString());
        String again = accepted.then().extract().path("id");
        assertEquals(sms, accepted.then().extract().path("resendOf"));
        assertEquals("email", accepted.then().extract().path("channel"));
        // a second resend while the first is still on its way is refused; once it is out, it would be accepted
        Response twice = resend(sms, Map.of("channel", "email", "reason", "asked twice"));
        String firstStatusAfter = TestUsers.as(TestUsers.SUPPORT).get("/api/deliveries/" + again).then().extract().path("status");
        if (twice.statusCode() == 201) {
            assertTrue(List.of("sent", "delivered").contains(firstStatusAfter),
                    "a second resend was accepted while the first was " + firstStatusAfter);
        } else {
            assertEquals(409, twice.statusCode(), twice.asString());
            assertEquals("in_flight", twice.then().extract().path("error"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> "sent".equals(
                TestUsers.as(TestUsers.SUPPORT).get("/api/deliveries/" + again).then().extract().path("status")));
        Api.awaitCompleted(campaign);
        long received = Arrays.stream(TestServices.greenMail().getReceivedMessages())
                .filter(m -> Mail.to(m).equals(email)).count();
        assertEquals(twice.statusCode() == 201 ? 2 : 1, received, "the notice reached the inbox");
        // the campaign's own notice never went out: a resend on support's word does not meet its deadline clocks
        List<Map<String, Object>> clocks = Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200)
                .extract().path("deadlines");
        assertTrue(clocks.stream().noneMatch(c -> Boolean.TRUE.equals(c.get("met"))), clocks.toString());

        // audited with who and why
        List<Map<String, Object>> trail = TestUsers.as(TestUsers.AUDITOR).queryParam("objectId", again)
                .get("/api/audit").then().statusCode(200).extract().path("");
        assertEquals(1, trail.size(), trail.toString());
        assertEquals(TestUsers.SUPPORT, trail.get(0).get("actor"));
        assertTrue(String.valueOf(trail.get(0).get("details")).contains("caller says she never got it"), trail.toString());

        // not to an in-flight notice, and not for an unknown one
        resend("999999999", Map.of("reason", "x")).then().statusCode(404);
        TestUsers.as(TestUsers.APPROVER).contentType(ContentType.JSON).body(Map.of("reason", "x"))
                .post("/api/deliveries/" + sms + "/resend").then().statusCode(403);
    }
}
