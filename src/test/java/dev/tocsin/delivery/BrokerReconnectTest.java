package dev.tocsin.delivery;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker drops every connection mid-campaign (rabbitmqctl close_all_connections, as a node restart or a
 * network cut does): the client reconnects within seconds, consuming resumes, and every recipient gets the
 * notice exactly once. The longest pause in the flow of notices is printed ("reconnect: ...").
 */
@QuarkusTest
@TestProfile(BrokerReconnectTest.SlowAndSmallBatches.class)
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class BrokerReconnectTest {

    private static final int RECIPIENTS = 400;

    public static class SlowAndSmallBatches implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // many small batches at 80 notices a second: most of them are still in the queue when the connections drop
            return Map.of("tocsin.delivery.batch-size", "20", "tocsin.throttle.smtp.per-second", "80",
                    "tocsin.queue-prefix", "tocsin-reconnect-test");
        }
    }

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    @Test
    void droppedBrokerConnectionsCostSecondsAndNoNotice() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.incidentWithEmailAccounts("reconnect", run, RECIPIENTS);
        String campaign = Api.campaign(incident).name("reconnect " + run).create();
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> received(run) >= RECIPIENTS / 5);

        Process close = new ProcessBuilder("rabbitmqctl", "close_all_connections", "Tocsin BrokerReconnectTest")
                .redirectErrorStream(true).start();
        assertTrue(close.waitFor(30, TimeUnit.SECONDS) && close.exitValue() == 0,
                "rabbitmqctl close_all_connections: " + new String(close.getInputStream().readAllBytes()));
        long closedAt = System.nanoTime();
        int atClose = received(run);

        // the longest time without a new notice after the connections dropped, until the last one
        long longestPause = 0;
        long lastGrowth = System.nanoTime();
        int last = atClose;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (last < RECIPIENTS && System.nanoTime() < deadline) {
            Thread.sleep(50);
            int now = received(run);
            long t = System.nanoTime();
            if (now > last) {
                longestPause = Math.max(longestPause, t - lastGrowth);
                lastGrowth = t;
                last = now;
            }
        }
        Api.awaitCompleted(campaign);
        Map<String, Long> perRecipient = TestServices.allReceivedMail().stream()
                .filter(m -> dev.tocsin.testing.Mail.to(m).endsWith("-" + run + "@example.com"))
                .collect(Collectors.groupingBy(BrokerReconnectTest::messageId, Collectors.counting()));
        System.out.printf("reconnect: connections closed at %d of %d sent; longest pause in the flow after it %.1f s;"
                + " all sent %.1f s after the close%n", atClose, RECIPIENTS, longestPause / 1e9, (lastGrowth - closedAt) / 1e9);
        assertEquals(RECIPIENTS, perRecipient.size(), "every notice arrived");
        assertTrue(perRecipient.values().stream().allMatch(n -> n == 1), "none twice");
        assertTrue(longestPause < TimeUnit.SECONDS.toNanos(5), "the flow stopped for " + longestPause / 1e9 + " s");
        Api.get("/api/campaigns/" + campaign + "/stats").body("byStatus.sent", org.hamcrest.Matchers.equalTo(RECIPIENTS));
    }

    private static int received(String run) {
        return (int) TestServices.allReceivedMail().stream()
                .filter(m -> dev.tocsin.testing.Mail.to(m).endsWith("-" + run + "@example.com")).count();
    }

    private static String messageId(MimeMessage m) {
        try {
            return m.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
