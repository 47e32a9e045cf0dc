package dev.tocsin.delivery;

import dev.tocsin.support.Api;
import dev.tocsin.support.Mail;
import dev.tocsin.support.TestServices;
import dev.tocsin.support.TestUsers;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With SMTP throttled to 25 messages a second: the rate holds, and pause, resume and cancel act mid-campaign. */
@QuarkusTest
@TestProfile(ThrottleAndControlTest.Throttled.class)
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class ThrottleAndControlTest {

    static final int PER_SECOND = 25;

    public static class Throttled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tocsin.throttle.smtp.per-second", Integer.toString(PER_SECOND));
        }
    }

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private static String campaignOf(String run, int recipients) {
        String incident = Api.createIncident("control " + run);
        StringBuilder csv = new StringBuilder("account_id,email,exposed\n");
        for (int i = 0; i < recipients; i++) {
            csv.append("c").append(i).append('-').append(run).append(",r").append(i).append('-').append(run)
                    .append("@example.com,password\n");
        }
        Api.uploadCsv(incident, csv.toString()).statusCode(200).body("accepted", equalTo(recipients));
        String campaign = Api.createCampaign(incident, List.of("password"));
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        return campaign;
    }

    private static Map<String, Long> receivedPerRecipient(String run) {
        return Arrays.stream(TestServices.greenMail().getReceivedMessages()).map(Mail::to)
                .filter(to -> to.endsWith("-" + run + "@example.com"))
                .collect(Collectors.groupingBy(to -> to, Collectors.counting()));
    }

    private static int sent(String campaign) {
        return Api.get("/api/campaigns/" + campaign + "/stats").extract().path("byStatus.sent");
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
        assertEquals(recipients, receivedPerRecipient(run).size());
    }

    @Test
    void pauseStopsSendingAndResumeFinishesWithoutDuplicates() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int recipients = 150;
        String campaign = campaignOf(run, recipients);
        await().atMost(Duration.ofSeconds(20)).until(() -> sent(campaign) >= 30);
        Api.post("/api/campaigns/" + campaign + "/pause").statusCode(200).body("status", equalTo("PAUSED"));
        Thread.sleep(1500); // the chunk in flight at the moment of the pause may still land
        int atPause = sent(campaign);
        Thread.sleep(3000);
        assertEquals(atPause, sent(campaign), "nothing is sent while paused");
        assertTrue(atPause < recipients, "paused mid-campaign");
        Api.get("/api/campaigns/" + campaign + "/stats").body("byStatus.queued", equalTo(recipients - atPause));

        Api.post("/api/campaigns/" + campaign + "/resume").statusCode(200).body("status", equalTo("RUNNING"));
        await().atMost(Duration.ofSeconds(60)).until(() ->
                "COMPLETED".equals(Api.get("/api/campaigns/" + campaign + "/stats").extract().path("status")));
        Map<String, Long> got = receivedPerRecipient(run);
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
        Thread.sleep(3000);
        int sent = sent(campaign);
        Api.get("/api/campaigns/" + campaign + "/stats")
                .body("byStatus.cancelled", equalTo(recipients - sent))
                .body("byStatus.queued", equalTo(0))
                .body("byStatus.sending", equalTo(0));
        Thread.sleep(2000);
        Map<String, Long> got = receivedPerRecipient(run);
        assertEquals(sent, got.size(), "what was received is exactly what is recorded as sent");
        assertTrue(sent < recipients, "cancelled mid-campaign");
        assertTrue(got.values().stream().allMatch(n -> n == 1));
    }
}
