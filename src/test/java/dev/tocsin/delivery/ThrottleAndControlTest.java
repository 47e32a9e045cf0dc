package dev.tocsin.delivery;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Sweeps;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With SMTP throttled to 25 messages a second: the rate holds, and pause, resume and cancel act mid-campaign.
 * With Twilio capped at 6 messages a day: the seventh waits for tomorrow.
 */
@QuarkusTest
@TestProfile(ThrottleAndControlTest.Throttled.class)
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class ThrottleAndControlTest {

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    /** Workers, each with its own SMTP connection: after a pause answers, at most one notice per connection lands. */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "tocsin.workers.concurrency")
    int connections;

    static final int PER_SECOND = 25;
    static final int SMS_PER_DAY = 6;

    public static class Throttled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tocsin.throttle.smtp.per-second", Integer.toString(PER_SECOND),
                    "tocsin.throttle.twilio.per-day", Integer.toString(SMS_PER_DAY));
        }
    }

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private static String campaignOf(String run, int recipients) {
        String campaign = Api.createCampaign(Api.incidentWithEmailAccounts("c", run, recipients), List.of("password"));
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        return campaign;
    }

    private static int sent(String campaign) {
        return Api.get("/api/campaigns/" + campaign + "/stats").extract().path("byStatus.sent");
    }

    @Test
    void whatIsOverTheDailyCapWaitsForTheNextDay() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String digits = String.format("%04d", Math.abs(run.hashCode()) % 10_000);
        String incident = Api.createIncident("daily cap " + run);
        StringBuilder csv = new StringBuilder("account_id,phone,exposed\n");
        List<String> phones = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String phone = "+14157" + digits + String.format("%02d", i);
            phones.add(phone);
            csv.append("cap").append(i).append('-').append(run).append(',').append(phone).append(",password\n");
        }
        Api.uploadCsv(incident, csv.toString()).statusCode(200);
        String campaign = Api.campaign(incident).name("capped").channels("sms").create();
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> sent(campaign) == SMS_PER_DAY);
        Sweeps.awaitWhole(registry, Sweeps.DELIVERY, 2); // the sweeper looked again: nothing more may go out today
        Api.get("/api/campaigns/" + campaign + "/stats").body("status", equalTo("RUNNING"))
                .body("byStatus.sent", equalTo(SMS_PER_DAY)).body("byStatus.queued", equalTo(10 - SMS_PER_DAY));
        assertEquals(SMS_PER_DAY, TestServices.twilio().requestsTo(phones).size(), "Twilio saw exactly the day's cap");
        OffsetDateTime tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1).atStartOfDay()
                .atOffset(java.time.ZoneOffset.UTC);
        List<Delivery> waiting = QuarkusTransaction.requiringNew().call(() ->
                Delivery.<Delivery>list("campaignId = ?1 and status = ?2", campaign, DeliveryStatus.QUEUED));
        assertEquals(10 - SMS_PER_DAY, waiting.size());
        for (Delivery d : waiting) {
            assertTrue(d.nextAttemptAt.isEqual(tomorrow), "due at the next UTC midnight: " + d.nextAttemptAt);
            assertEquals(0, d.attempts, "waiting for the cap is not a failed attempt");
            assertTrue(d.lastError.contains("daily cap of 6 messages for twilio reached"), d.lastError);
        }
        Api.post("/api/campaigns/" + campaign + "/cancel").statusCode(200);
    }

    @Test
    void theSendRateStaysWithinTenPercentOfTheLimitOverTwentySeconds() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int recipients = PER_SECOND * 20;
        String campaign = campaignOf(run, recipients);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                "COMPLETED".equals(Api.get("/api/campaigns/" + campaign + "/stats").extract().path("status")));
        List<OffsetDateTime> times = QuarkusTransaction.requiringNew().call(() ->
                Delivery.<Delivery>list("campaignId", campaign).stream().map(d -> d.sentAt).sorted().toList());
        double seconds = Duration.between(times.get(0), times.get(times.size() - 1)).toMillis() / 1000.0;
        double rate = (times.size() - 1) / seconds;
        System.out.printf("throttle: %d emails in %.1f s = %.1f/s (limit %d/s)%n", times.size(), seconds, rate, PER_SECOND);
        assertTrue(Math.abs(rate - PER_SECOND) <= PER_SECOND * 0.10, "measured " + rate + "/s");
        assertEquals(recipients, TestServices.receivedPerRecipient(run).size());
    }

    @Test
    void pauseStopsSendingAndResumeFinishesWithoutDuplicates() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int recipients = 150;
        String campaign = campaignOf(run, recipients);
        await().atMost(Duration.ofSeconds(20)).until(() -> sent(campaign) >= 30);
        Api.post("/api/campaigns/" + campaign + "/pause").statusCode(200).body("status", equalTo("PAUSED"));
        int receivedAtAnswer = TestServices.receivedPerRecipient(run).size();
        // the notice on each connection's wire at the moment of the answer may still land; then nothing is in flight
        await().atMost(Duration.ofSeconds(20)).until(() ->
                Api.get("/api/campaigns/" + campaign + "/stats").extract().<Integer>path("byStatus.sending") == 0);
        int atPause = sent(campaign);
        Sweeps.awaitWhole(registry, Sweeps.DELIVERY, 2);
        assertEquals(atPause, sent(campaign), "nothing is sent while paused");
        assertTrue(atPause < recipients, "paused mid-campaign");
        int afterAnswer = TestServices.receivedPerRecipient(run).size() - receivedAtAnswer;
        System.out.printf("pause: %d notices landed after the pause answered (bound: %d connections)%n", afterAnswer, connections);
        assertTrue(afterAnswer <= connections, afterAnswer + " notices landed after the pause answered");
        assertEquals(atPause, TestServices.receivedPerRecipient(run).size(), "what landed is what is recorded as sent");
        Api.get("/api/campaigns/" + campaign + "/stats").body("byStatus.queued", equalTo(recipients - atPause));

        Api.post("/api/campaigns/" + campaign + "/resume").statusCode(200).body("status", equalTo("RUNNING"));
        await().atMost(Duration.ofSeconds(60)).until(() ->
                "COMPLETED".equals(Api.get("/api/campaigns/" + campaign + "/stats").extract().path("status")));
        Map<String, Long> got = TestServices.receivedPerRecipient(run);
        assertEquals(recipients, got.size(), "everyone got the notice");
        assertTrue(got.values().stream().allMatch(n -> n == 1), "nobody got it twice: " + got);
    }

    @Test
    void cancelStopsEverythingNotYetSent() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int recipients = 150;
        String campaign = campaignOf(run, recipients);
        await().atMost(Duration.ofSeconds(20)).until(() -> sent(campaign) >= 25);
        Api.post("/api/campaigns/" + campaign + "/cancel").statusCode(200).body("status", equalTo("CANCELLED"));
        int receivedAtAnswer = TestServices.receivedPerRecipient(run).size();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                Api.get("/api/campaigns/" + campaign + "/stats").extract().<Integer>path("byStatus.sending") == 0);
        Sweeps.awaitWhole(registry, Sweeps.DELIVERY, 1);
        int sent = sent(campaign);
        Api.get("/api/campaigns/" + campaign + "/stats")
                .body("byStatus.cancelled", equalTo(recipients - sent))
                .body("byStatus.queued", equalTo(0))
                .body("byStatus.sending", equalTo(0));
        Sweeps.awaitWhole(registry, Sweeps.DELIVERY, 2);
        Map<String, Long> got = TestServices.receivedPerRecipient(run);
        assertEquals(sent, got.size(), "what was received is exactly what is recorded as sent");
        System.out.printf("cancel: %d notices landed after the cancel answered (bound: %d connections)%n",
                got.size() - receivedAtAnswer, connections);
        assertTrue(got.size() - receivedAtAnswer <= connections, (got.size() - receivedAtAnswer)
                + " notices landed after the cancel answered");
        assertTrue(sent < recipients, "cancelled mid-campaign");
        assertTrue(got.values().stream().allMatch(n -> n == 1));
    }
}
