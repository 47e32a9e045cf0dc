package dev.tocsin.campaign;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import dev.tocsin.template.SmsSegments;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Preview: the notice an account would get, in its language, on every channel, with the SMS's real cost.
 * Test send: that notice, marked as a test, to the given addresses and numbers only, audited.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class PreviewTest {

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private static String campaign(String run) {
        String incident = Api.createIncident("preview " + run);
        Api.uploadCsv(incident, "account_id,email,phone,locale,timezone,name,exposed\n"
                + "pv1-" + run + ",pv1-" + run + "@example.com,+33612345678,fr,Europe/Paris,Zoé <b>Durand</b>,password;email\n")
                .statusCode(200);
        return Api.campaign(incident).name("preview").channels("email", "sms", "push").create();
    }

    @Test
    void anAccountsNoticeIsRenderedInItsLanguageOnEveryChannel() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String campaign = campaign(run);
        // the approver reads what they are about to approve
        JsonPath p = TestUsers.as(TestUsers.APPROVER).contentType(ContentType.JSON)
                .body(Map.of("accountId", "pv1-" + run))
                .post("/api/campaigns/" + campaign + "/preview").then().statusCode(200).extract().jsonPath();
        assertEquals("fr", p.getString("locale"));
        assertTrue(p.getString("email.subject").startsWith("Avis de sécurité"), p.getString("email.subject"));
        assertTrue(p.getString("email.html").contains("Zoé &lt;b&gt;Durand&lt;/b&gt;"), "the name is escaped in HTML");
        assertFalse(p.getString("email.html").contains("<b>Durand"));
        assertTrue(p.getString("email.text").contains("TCS-PREVW-00000"), "a placeholder reference, never a real one");
        String sms = p.getString("sms.text");
        SmsSegments.Count count = SmsSegments.count(sms);
        assertEquals(count.encoding(), p.getString("sms.encoding"));
        assertEquals(count.segments(), p.getInt("sms.segments"));
        assertTrue(p.getInt("sms.segments") >= 1);
        assertTrue(p.getString("push.title").contains("avis de sécurité"), p.getString("push.title"));
    }

    @Test
    void aSyntheticSampleFollowsTheLocaleFallback() {
        String campaign = campaign(UUID.randomUUID().toString().substring(0, 8));
        Api.post("/api/campaigns/" + campaign + "/preview").statusCode(200).body("locale", equalTo("en"))
                .body("email.subject", equalTo("Important security notice from Example Corp about your account"));
        given().contentType(ContentType.JSON).body(Map.of("locale", "pt-PT"))
                .post("/api/campaigns/" + campaign + "/preview").then().statusCode(200)
                .body("requestedLocale", equalTo("pt-PT")).body("locale", equalTo("pt-BR"));
        given().contentType(ContentType.JSON).body(Map.of("locale", "x!"))
                .post("/api/campaigns/" + campaign + "/preview").then().statusCode(400)
                .body("details.field", hasItem("locale"));
        given().contentType(ContentType.JSON).body(Map.of("accountId", "nobody"))
                .post("/api/campaigns/" + campaign + "/preview").then().statusCode(404)
                .body("error", equalTo("account_not_found"));
    }

    @Test
    void aTestSendGoesToTheGivenAddressesOnlyMarkedAsATest() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String campaign = campaign(run);
        String a = "tester-a-" + run + "@example.com";
        String b = "tester-b-" + run + "@example.com";
        String phone = "+1415555" + String.format("%04d", Math.abs(run.hashCode()) % 10_000);

        given().contentType(ContentType.JSON).body(Map.of("emails", List.of("not-an-address"), "phones", List.of("0612")))
                .post("/api/campaigns/" + campaign + "/test-send").then().statusCode(400)
                .body("details.field", hasItem("emails[0]")).body("details.field", hasItem("phones[0]"));
        given().contentType(ContentType.JSON).body(Map.of())
                .post("/api/campaigns/" + campaign + "/test-send").then().statusCode(400);

        given().contentType(ContentType.JSON)
                .body(Map.of("emails", List.of(a, b), "phones", List.of(phone), "accountId", "pv1-" + run))
                .post("/api/campaigns/" + campaign + "/test-send").then().statusCode(202)
                .body("locale", equalTo("fr")).body("sent.outcome", org.hamcrest.Matchers.everyItem(equalTo("sent")));

        List<jakarta.mail.internet.MimeMessage> got = java.util.Arrays.stream(TestServices.greenMail().getReceivedMessages())
                .filter(m -> dev.tocsin.testing.Mail.to(m).contains(run)).toList();
        assertEquals(List.of(a, b), got.stream().map(dev.tocsin.testing.Mail::to).sorted().toList(),
                "only the test addresses, not the account's own");
        for (jakarta.mail.internet.MimeMessage m : got) {
            assertTrue(m.getSubject().startsWith("[TEST] Avis de sécurité"), m.getSubject());
            assertEquals("true", m.getHeader("X-Tocsin-Test")[0]);
            assertTrue(m.getMessageID().startsWith("<test-"), m.getMessageID());
        }
        List<dev.tocsin.testing.TwilioStandIn.Sent> texts = TestServices.twilio().requestsTo(List.of(phone, "+33612345678"));
        assertEquals(1, texts.size(), "only the test number");
        assertTrue(texts.get(0).form().get("Body").startsWith("[TEST] "), texts.get(0).form().get("Body"));

        Api.get("/api/campaigns/" + campaign).statusCode(200).body("status", equalTo("DRAFT"));
        TestUsers.as(TestUsers.AUDITOR).queryParam("email", a).get("/api/deliveries").then().statusCode(200)
                .body("size()", equalTo(0));
        TestUsers.as(TestUsers.AUDITOR).queryParam("objectId", campaign).get("/api/audit").then().statusCode(200)
                .body("action", hasItem(org.hamcrest.Matchers.containsString("test-send")));
    }
}
