package dev.tocsin.campaign;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.EmbeddedProfile;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the trust-and-safety team proves afterwards, on the embedded default (H2, local outbox): the proof
 * report row by row against the notices in the outbox, the funnel up to acknowledgement, the places where too
 * many people could not be reached, and the deadline clocks.
 */
@QuarkusTest
@TestProfile(EmbeddedProfile.class)
class NotificationProofTest {

    private static final Pattern TOKEN = Pattern.compile("/a/([0-9a-z]+\\.[A-Za-z0-9_-]{22})");

    @BeforeEach
    void signIn() {
        TestUsers.ensure();
    }

    @Test
    void theReportStatsAndDeadlinesSayWhoWasToldWhatAndWhen() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // discovered four days ago: the regulator's 72 hours are over, the individuals' 30 days are not
        java.time.OffsetDateTime discovered = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusDays(4)
                .withNano(0);
        String incident = given().contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("title", "Proof " + run, "description", "A backup was copied.",
                        "occurredAt", discovered.minusDays(1).toString(), "discoveredAt", discovered.toString(),
                        "facts", Map.of("companyActions", List.of("We locked the backup server."),
                                "dpo", Map.of("name", "Dana Officer", "email", "dpo@example.com"))))
                .post("/api/incidents").then().statusCode(201).extract().path("id");
        StringBuilder csv = new StringBuilder("account_id,email,country,region,exposed\n");
        csv.append("=1+2-").append(run).append(",formula-").append(run).append("@example.com,US,CA,password\n");
        csv.append("p1-").append(run).append(",p1-").append(run).append("@example.com,US,CA,password\n");
        csv.append("p2-").append(run).append(",p2-").append(run).append("@example.com,DE,,password\n");
        for (int i = 0; i < 10; i++) { // no contact data at all: ten in Texas...
            csv.append("tx").append(i).append('-').append(run).append(",,US,TX,password\n");
        }
        for (int i = 0; i < 3; i++) { // ...and three in California
            csv.append("ca").append(i).append('-').append(run).append(",,US,CA,password\n");
        }
        Api.uploadCsv(incident, csv.toString()).statusCode(200).body("accepted", org.hamcrest.Matchers.equalTo(16));
        String campaign = Api.campaign(incident).name("proof " + run)
                .set("publicTitle", "Security notice about your Example account").create();
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        Api.awaitCompleted(campaign);

        Path outbox = EmbeddedProfile.DATA.resolve("outbox").resolve(campaign);
        List<Path> emls;
        try (var files = Files.list(outbox)) {
            emls = files.filter(f -> f.toString().endsWith(".eml")).sorted().toList();
        }
        assertEquals(3, emls.size());

        // a recipient opens one notice and acknowledges it
        String someNotice = Files.readString(emls.get(0));
        Matcher token = TOKEN.matcher(someNotice);
        assertTrue(token.find());
        given().auth().none().get("/a/" + token.group(1)).then().statusCode(200);
        given().auth().none().post("/a/" + token.group(1) + "/ack").then().statusCode(200);

        // /verify names the campaign by its public title, not its internal name
        Matcher reference = Pattern.compile("TCS-[A-Z2-9]{5}-[A-Z2-9]{5}").matcher(someNotice);
        assertTrue(reference.find());
        String verified = given().auth().none().queryParam("reference", reference.group()).get("/verify").asString();
        assertTrue(verified.contains("Security notice about your Example account"), verified);
        assertFalse(verified.contains("proof " + run), "the internal name stays internal");

        // the proof report, read by an independent CSV parser
        String report = TestUsers.as(TestUsers.AUDITOR).get("/api/campaigns/" + campaign + "/report.csv").then()
                .statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/csv"))
                .header("Content-Disposition", org.hamcrest.Matchers.containsString("attachment")).extract().asString();
        List<CSVRecord> rows;
        try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(report))) {
            assertTrue(parser.getHeaderNames().contains("notice_sha256_of_bytes_sent"), parser.getHeaderNames().toString());
            rows = parser.getRecords();
        }
        List<Map<String, Object>> deliveries = TestUsers.as(TestUsers.OPERATOR).queryParam("email", "p1-" + run + "@example.com")
                .get("/api/deliveries").then().statusCode(200).extract().path("");
        assertEquals(1, deliveries.size());
        assertEquals(3, rows.size(), "one row per delivery");
        Map<String, CSVRecord> byId = rows.stream().collect(Collectors.toMap(r -> r.get("delivery_id"), r -> r));
        for (Path eml : emls) {
            String id = eml.getFileName().toString().replace("delivery-", "").replace(".eml", "");
            CSVRecord row = byId.get(id);
            assertNotNull(row, "a row for delivery " + id);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(eml)));
            assertEquals(sha, row.get("notice_sha256_of_bytes_sent"), "the hash is of the exact bytes kept in the outbox");
            assertTrue(Files.readString(eml).contains(row.get("reference")), "the notice carries the reference");
            assertEquals("sent", row.get("final_status"));
            assertEquals("email", row.get("channel"));
            assertTrue(row.get("address_masked").contains("***"), row.get("address_masked"));
            assertFalse(report.contains("p1-" + run + "@example.com"), "addresses are masked");
            assertTrue(row.get("template_set_sha256").matches("[0-9a-f]{64}"));
            assertTrue(row.get("history").startsWith("queued ") && row.get("history").contains("sent "), row.get("history"));
        }
        assertTrue(rows.stream().anyMatch(r -> r.get("account_id").equals("'=1+2-" + run)),
                "a formula-looking account id is defused");
        assertEquals(1, rows.stream().filter(r -> !r.get("acknowledged_at").isEmpty()).count());
        assertEquals(1, rows.stream().filter(r -> r.get("history").contains("acknowledged ")).count());

        // stats: the funnel, the breakdown, the places not reached, the deadline clocks
        JsonPath stats = TestUsers.as(TestUsers.OPERATOR).get("/api/campaigns/" + campaign + "/stats").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(3, stats.getInt("funnel.sent"));
        assertEquals(0, stats.getInt("funnel.delivered"));
        assertEquals(1, stats.getInt("funnel.opened"));
        assertEquals(1, stats.getInt("funnel.acknowledged"));
        List<Map<String, Object>> cells = stats.getList("breakdown");
        assertEquals(2, cells.stream().filter(c -> "US".equals(c.get("country")) && "sent".equals(c.get("status")))
                .mapToInt(c -> ((Number) c.get("count")).intValue()).sum());
        Map<String, Map<String, Object>> unreached = stats.<Map<String, Object>>getList("unreached").stream()
                .collect(Collectors.toMap(u -> (String) u.get("place"), u -> u));
        assertEquals(10, ((Number) unreached.get("US-TX").get("count")).intValue());
        assertEquals(true, unreached.get("US-TX").get("substituteNoticeRequired"));
        assertEquals(3, ((Number) unreached.get("US-CA").get("count")).intValue());
        assertEquals(false, unreached.get("US-CA").get("substituteNoticeRequired"));
        Map<String, Map<String, Object>> deadlines = stats.<Map<String, Object>>getList("deadlines").stream()
                .collect(Collectors.toMap(d -> (String) d.get("name"), d -> d));
        // the regulator's 72 hours ran out before the notices went out
        assertEquals("missed", deadlines.get("regulator").get("status"));
        assertEquals(false, deadlines.get("regulator").get("met"));
        assertEquals(discovered.plusHours(72).toInstant(),
                java.time.OffsetDateTime.parse((String) deadlines.get("regulator").get("dueAt")).toInstant());
        assertEquals("met", deadlines.get("individuals").get("status"));
        assertEquals(true, deadlines.get("individuals").get("met"));
        assertNotNull(deadlines.get("individuals").get("metAt"));
        JsonPath incidentView = TestUsers.as(TestUsers.OPERATOR).get("/api/incidents/" + incident).then()
                .statusCode(200).extract().jsonPath();
        assertEquals(List.of("regulator", "individuals"), incidentView.getList("deadlines.name"));
        assertEquals(List.of("missed", "met"), incidentView.getList("deadlines.status"));

        TestUsers.as(TestUsers.SUPPORT).get("/api/campaigns/" + campaign + "/report.csv").then().statusCode(403);
        TestUsers.as(TestUsers.AUDITOR).get("/api/campaigns/no-such-campaign/report.csv").then().statusCode(404);
    }
}
