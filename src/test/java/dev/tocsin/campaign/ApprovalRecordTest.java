package dev.tocsin.campaign;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.nullValue;

/**
 * An approver decides on what will be sent: they may send a draft back with a reason (required, kept on the
 * campaign until it is approved), and after an edit they see what changed since the last approval, field by field
 * and a custom template line by line.
 */
@QuarkusTest
class ApprovalRecordTest {

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private static io.restassured.response.ValidatableResponse reject(String campaign, String user, Object body) {
        return TestUsers.as(user).contentType(ContentType.JSON).body(body).post("/api/campaigns/" + campaign + "/reject").then();
    }

    private static io.restassured.response.ValidatableResponse changes(String campaign) {
        return TestUsers.as(TestUsers.APPROVER).get("/api/campaigns/" + campaign + "/changes-since-approval").then();
    }

    @Test
    void aRejectionSaysWhyAndTheNextApproverSeesWhatChangedSinceTheApproval() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("approval record " + run);
        Api.uploadCsv(incident, "account_id,email,exposed\nr1-" + run + ",r1-" + run + "@example.com,password\n").statusCode(200);
        Api.CampaignDraft draft = Api.campaign(incident).name("Reset notice " + run);
        String campaign = draft.create();

        // a reason is required; the creator cannot reject (four eyes, as for approving)
        reject(campaign, TestUsers.APPROVER, Map.of()).statusCode(400).body("message", containsString("Say why"));
        reject(campaign, TestUsers.APPROVER, Map.of("comment", "x".repeat(2001))).statusCode(400);
        reject(campaign, TestUsers.OPERATOR, Map.of("comment", "mine")).statusCode(403);
        changes(campaign).statusCode(200).body("everApproved", equalTo(false)).body("changes", empty());
        reject(campaign, TestUsers.APPROVER, Map.of("comment", "Name the helpline.")).statusCode(200)
                .body("status", equalTo("DRAFT")).body("rejectedBy", equalTo(TestUsers.APPROVER))
                .body("rejectionComment", equalTo("Name the helpline."));
        TestUsers.as(TestUsers.AUDITOR).get("/api/audit?action=reject&objectId=" + campaign).then().statusCode(200)
                .body("action", hasItem("POST /api/campaigns/" + campaign + "/reject"));

        // approval clears the rejection and covers what the campaign is now
        Api.approve(campaign).statusCode(200).body("rejectedBy", nullValue()).body("rejectionComment", nullValue());
        changes(campaign).statusCode(200).body("everApproved", equalTo(true)).body("changes", empty());

        // an edit after approval withdraws it; the next approver sees the field and the template text that changed
        given().contentType(ContentType.JSON).body(draft.name("Reset notice, helpline " + run).body())
                .put("/api/campaigns/" + campaign).then().statusCode(200).body("status", equalTo("DRAFT"));
        given().contentType("text/plain; charset=UTF-8").body("Dear reader,\nCall 0800 123 456.\n")
                .put("/api/campaigns/" + campaign + "/templates/en/push.txt").then().statusCode(200);
        changes(campaign).statusCode(200).body("everApproved", equalTo(true))
                .body("changes.what", contains("name", "template en/push.txt"))
                .body("changes[0].approved", equalTo("Reset notice " + run))
                .body("changes[0].now", equalTo("Reset notice, helpline " + run))
                .body("changes[1].approved", equalTo("(the library's)"))
                .body("changes[1].lines", hasItem("+ Call 0800 123 456."));

        // approved again, then one more line changes: only that line is new
        Api.approve(campaign).statusCode(200);
        given().contentType("text/plain; charset=UTF-8").body("Dear reader,\nCall 0800 999 000.\n")
                .put("/api/campaigns/" + campaign + "/templates/en/push.txt").then().statusCode(200);
        changes(campaign).statusCode(200).body("changes.what", contains("template en/push.txt"))
                .body("changes[0].lines", contains("  Dear reader,", "- Call 0800 123 456.", "+ Call 0800 999 000.", "  "));

        // support and strangers see nothing of it
        TestUsers.as(TestUsers.SUPPORT).get("/api/campaigns/" + campaign + "/changes-since-approval").then().statusCode(403);
        given().auth().none().get("/api/campaigns/" + campaign + "/changes-since-approval").then().statusCode(401);
        TestUsers.as(TestUsers.APPROVER).get("/api/campaigns/no-such/changes-since-approval").then().statusCode(404);
        reject("no-such", TestUsers.APPROVER, Map.of("comment", "why")).statusCode(404);
    }

    @Test
    void aLineDiffIsBoundedInTimeAndMemory() {
        String huge = "line\n".repeat(5000);
        List<String> diff = LineDiff.of(huge, huge + "more\n");
        org.hamcrest.MatcherAssert.assertThat(diff.get(0), containsString("too long to compare"));
        org.hamcrest.MatcherAssert.assertThat(LineDiff.of(null, "a\nb"), contains("+ a", "+ b"));
    }
}
