package dev.tocsin.campaign;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Mail;
import dev.tocsin.testing.Sweeps;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scheduled launch: an approved campaign with a start time waits and starts by itself; one whose time passed
 * while Tocsin was not running does not start late on its own but waits for an operator to confirm.
 * (Test profile: the schedule is checked every second with a 3-second grace.)
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class ScheduledLaunchTest {

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Inject
    Scheduler scheduler;

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private static String scheduled(String incident, OffsetDateTime at) {
        Map<String, Object> body = new HashMap<>(Map.of("incidentId", incident, "name", "scheduled notice",
                "templateSet", "credential-exposure", "channels", List.of("email")));
        body.put("scheduledAt", at.toString());
        return given().contentType(ContentType.JSON).body(body).post("/api/campaigns").then().statusCode(201)
                .body("scheduledAt", notNullValue()).extract().path("id");
    }

    private static String incidentWith(String run, int people) {
        String incident = Api.createIncident("scheduled " + run);
        StringBuilder csv = new StringBuilder("account_id,email,exposed\n");
        for (int i = 0; i < people; i++) {
            csv.append("sch").append(i).append('-').append(run).append(",sch").append(i).append('-').append(run)
                    .append("@example.com,password\n");
        }
        Api.uploadCsv(incident, csv.toString()).statusCode(200);
        return incident;
    }

    private static long received(String run) {
        return Arrays.stream(TestServices.greenMail().getReceivedMessages()).filter(m -> Mail.to(m).contains(run)).count();
    }

    @Test
    void aStartTimeInThePastIsRefused() {
        String incident = Api.createIncident("past " + UUID.randomUUID());
        Map<String, Object> body = new HashMap<>(Map.of("incidentId", incident, "name", "late",
                "templateSet", "credential-exposure", "channels", List.of("email")));
        body.put("scheduledAt", OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5).toString());
        given().contentType(ContentType.JSON).body(body).post("/api/campaigns").then().statusCode(400)
                .body("details.field", hasItem("scheduledAt"));
    }

    @Test
    void aScheduledCampaignWaitsThenStartsByItself() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = incidentWith(run, 3);
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(4);
        String campaign = scheduled(incident, at);
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200).body("status", equalTo("SCHEDULED"));
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(409).body("error", equalTo("already_scheduled"));
        assertEquals(0, received(run), "nothing goes out before the start time");

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() ->
                "COMPLETED".equals(Api.get("/api/campaigns/" + campaign + "/stats").extract().path("status")));
        String launchedAt = Api.get("/api/campaigns/" + campaign).statusCode(200)
                .body("scheduleMissedAt", nullValue()).extract().path("launchedAt");
        assertFalse(OffsetDateTime.parse(launchedAt).isBefore(at), "started at " + launchedAt + ", not before " + at);
        assertEquals(3, received(run));
    }

    @Test
    void aStartMissedWhileTocsinWasDownWaitsForAnOperator() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = incidentWith(run, 2);
        String campaign = scheduled(incident, OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(2));
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200).body("status", equalTo("SCHEDULED"));

        scheduler.pause(); // as if no instance were running when the start time came
        try {
            // until the start is more than the grace period (PT3S in tests) in the past
            OffsetDateTime late = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(2 + 3 + 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> OffsetDateTime.now(ZoneOffset.UTC).isAfter(late));
        } finally {
            scheduler.resume();
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                Api.get("/api/campaigns/" + campaign).extract().path("scheduleMissedAt") != null);
        Sweeps.awaitWhole(registry, Sweeps.SCHEDULE, 2); // the scheduler looked again and did not fire it
        Api.get("/api/campaigns/" + campaign).statusCode(200).body("status", equalTo("SCHEDULED"))
                .body("launchedAt", nullValue());
        assertEquals(0, received(run), "a missed start is not fired late on its own");
        TestUsers.as(TestUsers.AUDITOR).queryParam("objectId", campaign).get("/api/audit").then().statusCode(200)
                .body("action", hasItem("missed scheduled start"));

        // The operator decides it should still go out: launching is the confirmation.
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200).body("status", equalTo("RUNNING"));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() ->
                "COMPLETED".equals(Api.get("/api/campaigns/" + campaign + "/stats").extract().path("status")));
        assertEquals(2, received(run));
    }
}
