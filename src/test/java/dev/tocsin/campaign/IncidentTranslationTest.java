package dev.tocsin.campaign;

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

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The incident in the reader's own words: an Arabic notice says what happened in Arabic, and a campaign whose
 * readers would get the incident's English text inside their notice is approved only when someone says so.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class IncidentTranslationTest {

    @BeforeEach
    void signIn() {
        TestUsers.ensure();
    }

    @Test
    void approvalWaitsForATranslationOrAnExplicitFallbackAndNoticesUseTheTranslation() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = given().contentType(ContentType.JSON)
                .body(Map.of("title", "Backup copied " + run, "description", "Attackers copied a backup.",
                        "occurredAt", "2026-11-01T22:30:00Z", "discoveredAt", "2026-11-20T09:00:00Z",
                        "translations", Map.of("ja", Map.of("title", "バックアップの複製 " + run,
                                "description", "攻撃者がバックアップを複製しました。",
                                "companyActions", List.of("すべてのセッションを無効化しました。"))),
                        "facts", Map.of("companyActions", List.of("We reset every session."))))
                .post("/api/incidents").then().statusCode(201)
                .body("translations.ja.title", equalTo("バックアップの複製 " + run)).extract().path("id");
        String ar = "tr-ar-" + run + "@example.com";
        String ja = "tr-ja-" + run + "@example.com";
        String es = "tr-es-" + run + "@example.com";
        Api.uploadCsv(incident, "account_id,email,locale,exposed\n"
                + "ar-" + run + "," + ar + ",ar-EG,password\n"
                + "ja-" + run + "," + ja + ",ja,password\n"
                + "es-" + run + "," + es + ",es-MX,password\n").statusCode(200);
        String campaign = Api.campaign(incident).name("translated " + run).create();

        // Arabic and Spanish readers have no translation: the approval says so, with the fallback they would get
        Api.approve(campaign).statusCode(409).body("error", equalTo("required_content_missing"))
                .body("details.locale", hasItem("ar")).body("details.locale", hasItem("es"))
                .body("details.find { it.locale == 'ar' }.problem", containsString("'en' inside a 'ar' notice"));
        // a translation added later counts; a bad tag is refused
        TestUsers.as(TestUsers.OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("title", "نسخ نسخة احتياطية " + run, "description", "نسخ مهاجمون نسخة احتياطية.",
                        "companyActions", List.of("أنهينا جميع الجلسات.")))
                .put("/api/incidents/" + incident + "/translations/ar").then().statusCode(200)
                .body("translations.ar.title", equalTo("نسخ نسخة احتياطية " + run));
        TestUsers.as(TestUsers.OPERATOR).contentType(ContentType.JSON).body(Map.of("title", "x"))
                .put("/api/incidents/" + incident + "/translations/not a tag").then().statusCode(400);
        Api.approve(campaign).statusCode(409).body("details.locale", hasItem("es"))
                .body("details.locale", org.hamcrest.Matchers.not(hasItem("ar")));
        // Spanish may go with the English text: the approver says so, and it is recorded
        TestUsers.as(TestUsers.APPROVER).contentType(ContentType.JSON)
                .body(Map.of("comment", "Spanish text follows in the update", "allowFallback", List.of("es")))
                .post("/api/campaigns/" + campaign + "/approve").then().statusCode(200)
                .body("allowedFallback", equalTo(List.of("es")));
        TestUsers.as(TestUsers.AUDITOR).queryParam("objectId", campaign).get("/api/audit").then().statusCode(200)
                .body("after", hasItem(containsString("\"allowedFallback\":[\"es\"]")));
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        Api.awaitCompleted(campaign);

        String arabic = Mail.part(received(ar), "text/plain");
        assertTrue(arabic.contains("نسخ نسخة احتياطية " + run), arabic);
        assertFalse(arabic.contains("Backup copied"), "no English paragraph in the Arabic notice");
        String japanese = Mail.part(received(ja), "text/plain");
        assertTrue(japanese.contains("バックアップの複製 " + run), japanese);
        String spanish = Mail.part(received(es), "text/plain");
        assertTrue(spanish.contains("Backup copied " + run), "the fallback the approver accepted: " + spanish);
    }

    private static MimeMessage received(String address) {
        return Arrays.stream(TestServices.greenMail().getReceivedMessages()).filter(m -> Mail.to(m).equals(address))
                .findFirst().orElseThrow();
    }
}
