package dev.tocsin.campaign;

import dev.tocsin.support.Api;
import dev.tocsin.support.TestServices;
import dev.tocsin.support.TestUsers;
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

/** Preview: the notice an account would get, in its language, on every channel, with the SMS's real cost. */
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
        return given().contentType(ContentType.JSON)
                .body(Map.of("incidentId", incident, "name", "preview", "templateSet", "credential-exposure",
                        "channels", List.of("email", "sms", "push")))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
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
}
