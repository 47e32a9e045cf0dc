package dev.tocsin.security;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class SecurityRulesTest {

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private static String run() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, Object> campaignBody(String incident, List<String> exposedAny) {
        return Map.of("incidentId", incident, "name", "Notice", "templateSet", "credential-exposure",
                "channels", List.of("email"), "segment", Map.of("exposedAny", exposedAny));
    }

    @Test
    void theCreatorCannotApproveEvenWithTheApproverRole() {
        String incident = Api.createIncident("four eyes " + run());
        String campaign = TestUsers.as(TestUsers.SECOND_OPERATOR).contentType(ContentType.JSON)
                .body(campaignBody(incident, List.of("password"))).post("/api/campaigns")
                .then().statusCode(201).body("createdBy", equalTo(TestUsers.SECOND_OPERATOR)).extract().path("id");
        TestUsers.as(TestUsers.SECOND_OPERATOR).contentType(ContentType.JSON).body("{}")
                .post("/api/campaigns/" + campaign + "/approve").then().statusCode(403)
                .body("error", equalTo("four_eyes")).body("message", containsString("You created"));
        Api.approve(campaign).statusCode(200).body("approvedBy", equalTo(TestUsers.APPROVER));
    }

    @Test
    void anEditAfterApprovalWithdrawsItAndTheEditorCannotApprove() {
        String run = run();
        String incident = Api.createIncident("edit " + run);
        Api.uploadCsv(incident, "account_id,email,exposed\ned-" + run + ",ed-" + run + "@example.com,password\n").statusCode(200);
        String campaign = Api.createCampaign(incident, List.of("password"));
        Api.approve(campaign).statusCode(200).body("status", equalTo("APPROVED"));

        // Oscar widens the audience after Abel approved it.
        TestUsers.as(TestUsers.SECOND_OPERATOR).contentType(ContentType.JSON)
                .body(campaignBody(incident, List.of("password", "email"))).put("/api/campaigns/" + campaign)
                .then().statusCode(200)
                .body("status", equalTo("DRAFT"))
                .body("approvedBy", nullValue())
                .body("lastEditedBy", equalTo(TestUsers.SECOND_OPERATOR))
                .body("approvalComment", containsString("approval withdrawn"));
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(409).body("error", equalTo("not_approved"));
        TestUsers.as(TestUsers.SECOND_OPERATOR).contentType(ContentType.JSON).body("{}")
                .post("/api/campaigns/" + campaign + "/approve").then().statusCode(403).body("message", containsString("last edited"));
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
    }

    @Test
    void supportSeesMaskedContactsAndTheAuditorSeesThemWhole() {
        String run = run();
        String email = "masked-" + run + "@example.com";
        String incident = Api.createIncident("masking " + run);
        Api.uploadCsv(incident, "account_id,email,phone,exposed\nm-" + run + "," + email + ",+14155550199,password\n").statusCode(200);
        String campaign = Api.createCampaign(incident, List.of("password"));
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "COMPLETED".equals(Api.get("/api/campaigns/" + campaign + "/stats").extract().path("status")));

        TestUsers.as(TestUsers.SUPPORT).queryParam("email", email).get("/api/deliveries").then().statusCode(200)
                .body("$", hasSize(1))
                .body("[0].address", equalTo("m***@example.com"))
                .body("[0].status", equalTo("sent"))
                .body("[0].history.status", hasItem("sent"));
        TestUsers.as(TestUsers.SUPPORT).queryParam("accountId", "m-" + run).get("/api/deliveries").then().statusCode(200)
                .body("[0].address", not(containsString(email)));
        TestUsers.as(TestUsers.AUDITOR).queryParam("email", email).get("/api/deliveries").then().statusCode(200)
                .body("[0].address", equalTo(email));
        TestUsers.as(TestUsers.SUPPORT).get("/api/deliveries").then().statusCode(400).body("error", equalTo("invalid_query"));
    }

    @Test
    void aRevokedApiTokenIsRefused() {
        String token = TestUsers.as(TestUsers.AUDITOR).contentType(ContentType.JSON).body(Map.of("name", "reporting script"))
                .post("/api/tokens").then().statusCode(201).body("token", startsWith("tcs_")).extract().path("token");
        String id = TestUsers.as(TestUsers.AUDITOR).get("/api/tokens").then().statusCode(200)
                .body("token", everyItem(nullValue())).extract().path("[0].id");
        given().auth().none().header("Authorization", "Bearer " + token).get("/api/audit?limit=1").then().statusCode(200);
        given().auth().none().header("Authorization", "Bearer " + token).contentType(ContentType.JSON).body("{}")
                .post("/api/incidents").then().statusCode(403);

        // Someone else cannot revoke it; its owner can.
        TestUsers.as(TestUsers.SUPPORT).delete("/api/tokens/" + id).then().statusCode(404);
        TestUsers.as(TestUsers.AUDITOR).delete("/api/tokens/" + id).then().statusCode(204);
        given().auth().none().header("Authorization", "Bearer " + token).get("/api/audit?limit=1").then().statusCode(401);
        given().auth().none().header("Authorization", "Bearer tcs_made-up").get("/api/audit?limit=1").then().statusCode(401);
    }

    @Test
    void repeatedFailedLoginsMakeTheAddressWaitAndAreAudited() {
        String victim = "victim-" + run();
        TestUsers.admin().contentType(ContentType.JSON)
                .body(Map.of("username", victim, "password", TestUsers.PASSWORD, "roles", List.of("auditor")))
                .post("/api/users").then().statusCode(201);
        given().auth().preemptive().basic(victim, TestUsers.PASSWORD).get("/api/audit?limit=1").then().statusCode(200);
        for (int i = 0; i < 5; i++) {
            given().auth().preemptive().basic(victim, "guess-" + i).get("/api/audit?limit=1").then().statusCode(401);
        }
        // From this address, the right password no longer helps for a while (other addresses: HardeningApiTest).
        given().auth().preemptive().basic(victim, TestUsers.PASSWORD + "x").get("/api/audit?limit=1").then().statusCode(401);
        given().auth().preemptive().basic(victim, TestUsers.PASSWORD.substring(0, 5) + TestUsers.PASSWORD.substring(5))
                .header("X-Fresh", "1").get("/api/incidents/x").then().statusCode(401);
        TestUsers.as(TestUsers.AUDITOR).queryParam("objectId", victim).queryParam("action", "login.").get("/api/audit")
                .then().statusCode(200)
                .body("action", hasItem("login.failed"))
                .body("action", hasItem("login.refused-locked"))
                .body("details", hasItem(containsString("must wait until")));
    }

    @Test
    void everyChangeIsAuditedWithWhoWhatAndBeforeAfter() {
        String incident = Api.createIncident("audit " + run());
        String campaign = Api.createCampaign(incident, List.of("password"));
        Api.approve(campaign).statusCode(200);
        TestUsers.as(TestUsers.SUPPORT).contentType(ContentType.JSON).body("{}")
                .post("/api/campaigns/" + campaign + "/launch").then().statusCode(403);

        TestUsers.as(TestUsers.AUDITOR).queryParam("objectId", campaign).get("/api/audit").then().statusCode(200)
                .body("$", hasSize(3))
                .body("[0].actor", equalTo(TestUsers.SUPPORT)).body("[0].outcome", equalTo(403))
                .body("[0].action", equalTo("POST /api/campaigns/" + campaign + "/launch"))
                .body("[1].actor", equalTo(TestUsers.APPROVER)).body("[1].outcome", equalTo(200))
                .body("[1].before", containsString("\"status\":\"DRAFT\""))
                .body("[1].after", containsString("\"status\":\"APPROVED\""))
                .body("[2].actor", equalTo(TestUsers.OPERATOR)).body("[2].outcome", equalTo(201))
                .body("[2].remoteAddress", equalTo("127.0.0.1"));
        // The trail cannot be changed through the API, not even by an admin.
        TestUsers.admin().delete("/api/audit").then().statusCode(405);
        TestUsers.as(TestUsers.OPERATOR).get("/api/audit").then().statusCode(403);
    }

    @Test
    void aBadAuditFilterSaysWhichOneAndHowToWriteIt() {
        TestUsers.as(TestUsers.AUDITOR).queryParam("from", "yesterday").get("/api/audit").then().statusCode(400)
                .body("error", equalTo("invalid_query"))
                .body("details[0].field", equalTo("from"))
                .body("message", containsString("ISO-8601"));
        TestUsers.as(TestUsers.AUDITOR).queryParam("limit", "lots").get("/api/audit").then().statusCode(400)
                .body("details[0].field", equalTo("limit"));
    }

    @Test
    void aMisspeltFieldIsRefusedNotIgnored() {
        String incident = Api.createIncident("typo " + run());
        given().contentType(ContentType.JSON)
                .body(Map.of("incidentId", incident, "name", "n", "templateSet", "credential-exposure",
                        "channels", List.of("email"), "segmnt", Map.of("exposedAny", List.of("ssn"))))
                .post("/api/campaigns").then().statusCode(400)
                .body("error", equalTo("invalid_json"))
                .body("message", containsString("Unknown field 'segmnt'"));
    }

    @Test
    void weakPasswordsAndUnknownRolesAreRefused() {
        TestUsers.admin().contentType(ContentType.JSON)
                .body(Map.of("username", "Bad Name", "password", "short", "roles", List.of("superuser")))
                .post("/api/users").then().statusCode(400)
                .body("details.field", hasItem("username"))
                .body("details.field", hasItem("password"))
                .body("details.reason", hasItem(containsString("unknown role 'superuser'")));
    }
}
