package dev.tocsin.campaign;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** What was known changes in the first days: the incident's title and times are corrected, checked as when opened. */
@QuarkusTest
class IncidentEditTest {

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    @Test
    void theIncidentIsCorrectedAndItsDeadlinesFollow() {
        String incident = Api.createIncident("first guess");
        String dueBefore = given().get("/api/incidents/" + incident).then().statusCode(200).extract().path("deadlines[0].dueAt");
        given().contentType(ContentType.JSON).body(Map.of("title", "Backup server copied", "description", "Known now.",
                        "occurredAt", "2026-11-01T22:30:00Z", "discoveredAt", "2026-11-21T09:00:00Z"))
                .put("/api/incidents/" + incident).then().statusCode(200)
                .body("title", equalTo("Backup server copied")).body("description", equalTo("Known now."))
                .body("deadlines[0].dueAt", not(equalTo(dueBefore)));
        // the same checks as when it was opened, each naming its field; nothing changes
        given().contentType(ContentType.JSON).body(Map.of("title", "x", "occurredAt", "2026-11-10T00:00:00Z",
                "discoveredAt", "2026-11-01T00:00:00Z")).put("/api/incidents/" + incident).then().statusCode(400)
                .body("message", containsString("discoveredAt"));
        given().contentType(ContentType.JSON).body(Map.of("title", " ", "occurredAt", "2026-11-10T00:00:00Z",
                "discoveredAt", "2026-11-11T00:00:00Z")).put("/api/incidents/" + incident).then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("title", "y", "occurredAt", "1900-01-01T00:00:00Z",
                "discoveredAt", "2026-11-11T00:00:00Z")).put("/api/incidents/" + incident).then().statusCode(400)
                .body("details.field", hasItem("occurredAt"));
        given().get("/api/incidents/" + incident).then().body("title", equalTo("Backup server copied"));
        given().contentType(ContentType.JSON).body(Map.of("title", "z", "occurredAt", "2026-11-10T00:00:00Z",
                "discoveredAt", "2026-11-11T00:00:00Z")).put("/api/incidents/no-such").then().statusCode(404);
        TestUsers.as(TestUsers.AUDITOR).queryParam("objectId", incident).queryParam("action", "PUT /api/incidents")
                .get("/api/audit").then().statusCode(200).body("outcome", hasItem(200)).body("outcome", hasItem(400));
    }
}
