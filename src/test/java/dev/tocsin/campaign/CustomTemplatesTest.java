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

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Campaign-specific templates: uploaded parts are checked (syntax with line and column, the sandbox), shown
 * by preview, sent by the engine, and withdraw an approval; after launch they cannot change.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class CustomTemplatesTest {

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private static io.restassured.response.ValidatableResponse put(String campaign, String locale, String part, String source) {
        return given().contentType("text/plain; charset=UTF-8").body(source)
                .put("/api/campaigns/" + campaign + "/templates/" + locale + "/" + part).then();
    }

    @Test
    void anUploadedPartIsCheckedPreviewedSentAndWithdrawsApproval() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("custom templates " + run);
        Api.uploadCsv(incident, "account_id,email,locale,exposed\n"
                + "ct1-" + run + ",ct1-" + run + "@example.com,es,password\n"
                + "ct2-" + run + ",ct2-" + run + "@example.com,en,password\n").statusCode(200);
        String campaign = Api.campaign(incident).name("custom").create();

        // A syntax error comes back with the file, line and column; nothing is kept.
        put(campaign, "es", "email.txt", "Hola {name},\n{#if name}sin cerrar\n").statusCode(400)
                .body("error", equalTo("template_error"))
                .body("details[0].file", equalTo("es/email.txt"))
                .body("details[0].line", equalTo(2))
                .body("message", containsString("es/email.txt line 2"));
        // Reaching beyond the notice data is refused.
        put(campaign, "es", "email-subject.txt", "{inject:noticeCodes}").statusCode(400)
                .body("message", containsString("No namespace resolver found for [inject]"));
        put(campaign, "es", "email-subject.txt", "{name.getClass()}").statusCode(400)
                .body("message", containsString("not found"));
        put(campaign, "es", "notes.txt", "x").statusCode(400).body("details[0].field", equalTo("part"));

        Api.approve(campaign).statusCode(200).body("status", equalTo("APPROVED"));
        put(campaign, "es", "email-subject.txt", "Aviso especial de {company} para {name}").statusCode(200)
                .body("templatesVersion", equalTo(1)).body("approvalWithdrawn", equalTo(true)).body("status", equalTo("DRAFT"));
        Api.get("/api/campaigns/" + campaign).body("status", equalTo("DRAFT"))
                .body("approvalComment", containsString("es/email-subject.txt"));
        // The uploader is now the last editor: Olivia created it, Oscar uploads, so Oscar cannot approve
        TestUsers.as("oscar").contentType("text/plain").body("Aviso especial de {company}")
                .put("/api/campaigns/" + campaign + "/templates/es/email-subject.txt").then().statusCode(200);
        TestUsers.as("oscar").contentType(ContentType.JSON).body("{}")
                .post("/api/campaigns/" + campaign + "/approve").then().statusCode(403);

        given().contentType(ContentType.JSON).body(Map.of("locale", "es"))
                .post("/api/campaigns/" + campaign + "/preview").then().statusCode(200)
                .body("email.subject", equalTo("Aviso especial de Example Corp"));
        given().contentType(ContentType.JSON).body(Map.of("locale", "en"))
                .post("/api/campaigns/" + campaign + "/preview").then().statusCode(200)
                .body("email.subject", equalTo("Important security notice from Example Corp about your account"));

        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() ->
                "COMPLETED".equals(Api.get("/api/campaigns/" + campaign + "/stats").extract().path("status")));
        MimeMessage spanish = Arrays.stream(TestServices.greenMail().getReceivedMessages())
                .filter(m -> Mail.to(m).equals("ct1-" + run + "@example.com")).findFirst().orElseThrow();
        assertEquals("Aviso especial de Example Corp", subject(spanish), "the engine sends the uploaded part");

        put(campaign, "es", "email-subject.txt", "demasiado tarde").statusCode(409).body("error", equalTo("wrong_state"));
    }

    @Test
    void aLocaleAddedWithoutItsJurisdictionBlocksIsNamedAtApproval() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("custom locale " + run);
        Api.uploadCsv(incident, "account_id,email,locale,country,region,exposed\n"
                + "it1-" + run + ",it1-" + run + "@example.com,it,US,CA,password\n"
                + "it2-" + run + ",it2-" + run + "@example.com,it,IT,,password\n").statusCode(200);
        String campaign = Api.campaign(incident).name("italian").create();
        // an Italian locale uploaded for this campaign (its text here is the English one: what matters is the blocks)
        for (String part : List.of("email-subject.txt", "email.html", "email.txt")) {
            put(campaign, "it", part, java.nio.file.Files.readString(
                    java.nio.file.Path.of("templates", "credential-exposure", "en", part))).statusCode(200);
        }
        Api.approve(campaign).statusCode(409).body("error", equalTo("required_content_missing"))
                .body("details.findAll { it.element == 'jurisdiction' }.locale", equalTo(List.of("it")))
                .body("details.find { it.element == 'jurisdiction' }.part", equalTo("jurisdiction/US-CA.html"))
                .body("details.find { it.element == 'jurisdiction' }.problem", containsString("1 recipient(s) in US-CA"));
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
