package dev.tocsin.campaign;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class CampaignApiTest {

    @org.junit.jupiter.api.BeforeEach
    void signIn() {
        dev.tocsin.testing.TestUsers.ensure();
    }

    @Test
    void aCampaignThatCannotWorkIsRefusedWithEveryWrongFieldNamed() {
        String incident = Api.createIncident("refusals " + UUID.randomUUID());
        given().contentType(ContentType.JSON)
                .body(Map.of("incidentId", incident, "name", "x", "templateSet", "no-such-set",
                        "channels", List.of("email", "fax", "email"),
                        "segment", Map.of("exposedAny", List.of("shoe_size"), "countries", List.of("Narnia"),
                                "locales", List.of("!!"))))
                .post("/api/campaigns").then().statusCode(400)
                .body("error", equalTo("invalid_campaign"))
                .body("details.field", hasItems("templateSet", "channels", "segment.exposedAny",
                        "segment.countries", "segment.locales"))
                .body("message", containsString("no template set named 'no-such-set'"))
                .body("message", containsString("unknown channel 'fax'"))
                .body("message", containsString("channel 'email' is listed twice"));
    }

    @Test
    void missingFieldsAndBadJsonAreNamed() {
        given().contentType(ContentType.JSON).body(Map.of("templateSet", "credential-exposure"))
                .post("/api/campaigns").then().statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("details.field", hasItems("incidentId", "name", "channels"));
        given().contentType(ContentType.JSON).body("{\"incidentId\": ")
                .post("/api/campaigns").then().statusCode(400)
                .body("error", equalTo("invalid_json"))
                .body("message", not(containsString("at ")));
        given().contentType(ContentType.JSON).body("{\"title\":\"t\",\"occurredAt\":\"yesterday\",\"discoveredAt\":\"2026-01-01T00:00:00Z\"}")
                .post("/api/incidents").then().statusCode(400)
                .body("details[0].field", equalTo("occurredAt"));
    }

    @Test
    void theApiIsDescribedAndHealthChecksTheDatabaseAndBroker() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/incidents/{incidentId}/accounts"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/campaigns/{id}/launch"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/campaigns/{id}/stats"));
        given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Database connections health check",
                        "SmallRye Reactive Messaging - readiness check"));
    }

    @Test
    void unknownIdsAre404() {
        Api.get("/api/campaigns/nope").statusCode(404).body("error", equalTo("campaign_not_found"));
        Api.get("/api/incidents/nope").statusCode(404).body("error", equalTo("incident_not_found"));
        Api.post("/api/campaigns/nope/launch").statusCode(404);
    }

    @Test
    void stateRulesAreEnforcedWithClearConflicts() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("states " + run);
        Api.uploadCsv(incident, "account_id,email,exposed\nst-" + run + ",st-" + run + "@example.com,ssn\n")
                .statusCode(200).body("accepted", equalTo(1));

        // Nobody in the segment: launch is refused and the campaign stays approved.
        String empty = Api.createCampaign(incident, List.of("password"));
        Api.approve(empty).statusCode(200);
        Api.approve(empty).statusCode(409).body("error", equalTo("wrong_state"));
        Api.post("/api/campaigns/" + empty + "/launch").statusCode(409)
                .body("error", equalTo("empty_audience")).body("message", containsString("nobody to notify"));
        Api.get("/api/campaigns/" + empty).statusCode(200).body("status", equalTo("APPROVED"));

        // Cancelled before launch: it can never be launched.
        Api.post("/api/campaigns/" + empty + "/cancel").statusCode(200).body("status", equalTo("CANCELLED"));
        Api.post("/api/campaigns/" + empty + "/launch").statusCode(409).body("message", containsString("CANCELLED"));
        Api.post("/api/campaigns/" + empty + "/cancel").statusCode(409);
        Api.post("/api/campaigns/" + empty + "/pause").statusCode(409).body("message", containsString("needs RUNNING"));
    }

    @Test
    void aNoticeMissingRequiredContentCannotBeApproved() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("required content " + run);
        Api.uploadCsv(incident, "account_id,email,phone,locale,exposed\n"
                + "rc1-" + run + ",rc1-" + run + "@example.com,+14155550101,en,password\n"
                + "rc2-" + run + ",rc2-" + run + "@example.com,+14155550102,nl,password\n").statusCode(200);
        String tooLong = given().contentType(ContentType.JSON)
                .body(Map.of("incidentId", incident, "name", "one-segment SMS", "templateSet", "credential-exposure",
                        "channels", List.of("sms"), "smsSegmentBudget", 1, "segment", Map.of("locales", List.of("en"))))
                .post("/api/campaigns").then().statusCode(201).body("smsSegmentBudget", equalTo(1)).extract().path("id");
        Api.approve(tooLong).statusCode(409).body("error", equalTo("required_content_missing"))
                .body("details.part", hasItems("sms.txt")).body("details.element", hasItems("segments"))
                .body("message", containsString("over the campaign's budget of 1"));
        Api.get("/api/campaigns/" + tooLong).body("status", equalTo("DRAFT"));

        // Dutch readers would get English: the set has no Dutch notice
        String dutch = given().contentType(ContentType.JSON)
                .body(Map.of("incidentId", incident, "name", "everyone", "templateSet", "credential-exposure",
                        "channels", List.of("email")))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
        Api.approve(dutch).statusCode(409).body("details.locale", hasItems("nl"))
                .body("details.element", hasItems("locale"))
                .body("message", containsString("1 recipient(s) would get 'en'"));

        String english = given().contentType(ContentType.JSON)
                .body(Map.of("incidentId", incident, "name", "English only", "templateSet", "credential-exposure",
                        "channels", List.of("email", "sms"), "segment", Map.of("locales", List.of("en"))))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
        Api.approve(english).log().ifValidationFails().statusCode(200).body("status", equalTo("APPROVED"));
    }
}
