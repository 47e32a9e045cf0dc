package dev.tocsin.campaign;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress stream as a dashboard reads it: server-sent events over plain HTTP while a campaign runs. */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class CampaignEventsTest {

    private static final int PEOPLE = 3_000;

    @TestHTTPResource("/")
    URL root;

    @BeforeEach
    void signIn() {
        TestUsers.ensure();
    }

    @Test
    void theStreamReportsProgressEverySecondAndEndsWithTheFinalCounts() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.incidentWithEmailAccounts("sse", run, PEOPLE);
        String campaign = Api.campaign(incident).name("events " + run).create();
        Api.approve(campaign).statusCode(200);

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String auth = "Basic " + Base64.getEncoder().encodeToString(
                (TestUsers.OPERATOR + ":" + TestUsers.PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(root + "api/campaigns/" + campaign + "/events"))
                .header("Accept", "text/event-stream").header("Authorization", auth).timeout(Duration.ofSeconds(90))
                .GET().build();
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);

        List<JsonPath> events = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("data:")) {
                    events.add(JsonPath.from(line.substring(5).strip()));
                    arrivals.add(System.nanoTime());
                }
            }
        }
        assertTrue(events.size() >= 2, events.size() + " events");
        JsonPath last = events.get(events.size() - 1);
        assertTrue(last.getBoolean("finished"));
        assertEquals("COMPLETED", last.getString("status"));
        assertEquals(PEOPLE, last.getInt("total"));
        assertEquals(PEOPLE, last.getInt("byStatus.sent"));
        assertEquals(PEOPLE, last.getInt("byChannel.email.sent"));
        for (JsonPath e : events.subList(0, events.size() - 1)) {
            assertFalse(e.getBoolean("finished"));
        }
        for (int i = 1; i < arrivals.size(); i++) {
            long gapMs = (arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000;
            assertTrue(gapMs < 2_500, "an event at least every second or so, not after " + gapMs + " ms");
        }
        // the counts only grow
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).getInt("byStatus.sent") >= events.get(i - 1).getInt("byStatus.sent"));
        }
    }

    /** Count statements run so far (tocsin_stats_counts_total on /q/metrics). */
    private static double countsSoFar() {
        String metrics = io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("tocsin_stats_counts_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /**
     * Counting a campaign reads all its rows (a second at 10M): twenty people following one campaign get their
     * snapshots every second from one shared count, not twenty.
     */
    @Test
    void manyFollowersOfOneCampaignShareOneCountASecond() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.incidentWithEmailAccounts("sse-many", run, 5);
        String campaign = Api.campaign(incident).name("followed " + run).create();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String auth = "Basic " + Base64.getEncoder().encodeToString(
                (TestUsers.OPERATOR + ":" + TestUsers.PASSWORD).getBytes(StandardCharsets.UTF_8));
        int followers = 20;
        int eachReads = 4;
        double before = countsSoFar();
        List<java.util.concurrent.CompletableFuture<Integer>> reads = new ArrayList<>();
        for (int i = 0; i < followers; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(root + "api/campaigns/" + campaign + "/events"))
                    .header("Accept", "text/event-stream").header("Authorization", auth)
                    .timeout(Duration.ofSeconds(30)).GET().build();
            reads.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).thenApply(r -> {
                int seen = 0;
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while (seen < eachReads && (line = lines.readLine()) != null) {
                        if (line.startsWith("data:")) {
                            seen++;
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return seen;
            }));
        }
        int snapshots = 0;
        for (var read : reads) {
            snapshots += read.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        double counts = countsSoFar() - before;
        System.out.printf("followers: %d snapshots to %d followers from %.0f counts%n", snapshots, followers, counts);
        assertEquals(followers * eachReads, snapshots);
        assertTrue(counts <= 15, counts + " counts for " + snapshots + " snapshots: each follower counted on its own");
    }
}
