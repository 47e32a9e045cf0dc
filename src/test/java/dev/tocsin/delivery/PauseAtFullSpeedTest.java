package dev.tocsin.delivery;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Sweeps;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An unthrottled campaign paused in full flow: once the pause has answered, at most the notice already on each
 * SMTP connection's wire lands (before, the workers finished their chunk of up to 200 each); what landed is
 * exactly what is recorded as sent; resumed, everyone gets the notice once.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class PauseAtFullSpeedTest {

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @ConfigProperty(name = "tocsin.workers.concurrency")
    int connections;

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private static int sent(String campaign) {
        return Api.get("/api/campaigns/" + campaign + "/stats").extract().path("byStatus.sent");
    }

    @Test
    void afterThePauseAnswersOnlyTheNoticesOnTheWireLand() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int recipients = 3000;
        String campaign = Api.createCampaign(Api.incidentWithEmailAccounts("f", run, recipients), List.of("password"));
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> sent(campaign) >= 100);

        Api.post("/api/campaigns/" + campaign + "/pause").statusCode(200).body("status", equalTo("PAUSED"));
        int landedAtAnswer = TestServices.receivedPerRecipient(run).size();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                Api.get("/api/campaigns/" + campaign + "/stats").extract().<Integer>path("byStatus.sending") == 0);
        Sweeps.awaitWhole(registry, Sweeps.DELIVERY, 1);
        int atPause = sent(campaign);
        int landed = TestServices.receivedPerRecipient(run).size();
        System.out.printf("pause at full speed: %d of %d sent; %d landed after the pause answered (bound: %d connections)%n",
                atPause, recipients, landed - landedAtAnswer, connections);
        assertTrue(atPause < recipients, "paused mid-campaign");
        assertTrue(landed - landedAtAnswer <= connections, (landed - landedAtAnswer) + " notices landed after the pause answered");
        assertEquals(atPause, landed, "what landed is exactly what is recorded as sent");
        Api.get("/api/campaigns/" + campaign + "/stats").body("byStatus.queued", equalTo(recipients - atPause));

        Api.post("/api/campaigns/" + campaign + "/resume").statusCode(200);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                "COMPLETED".equals(Api.get("/api/campaigns/" + campaign + "/stats").extract().path("status")));
        Map<String, Long> got = TestServices.receivedPerRecipient(run);
        assertEquals(recipients, got.size(), "everyone got the notice");
        assertTrue(got.values().stream().allMatch(n -> n == 1), "nobody got it twice");
    }
}
