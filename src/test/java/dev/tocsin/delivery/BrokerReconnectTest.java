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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker drops every connection mid-campaign (rabbitmqctl close_all_connections, as a node restart or a
 * network cut does): the client reconnects within seconds, consuming resumes, and every recipient gets the
 * notice exactly once. The longest pause in the flow of notices is printed ("reconnect: ...").
 * The workers are seconds into their batches when it happens and finish them after the client has reconnected:
 * those batches are not acknowledged on the new channel (RabbitMQ would close it for tags it never gave out, and
 * the consumer would restart again and again), so the batches' consumer starts again exactly once.
 */
@QuarkusTest
@TestProfile(BrokerReconnectTest.SlowAndSmallBatches.class)
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class BrokerReconnectTest {

    private static final int RECIPIENTS = 1200;

    public static class SlowAndSmallBatches implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // batches of 100 at 80 notices a second: each worker is seconds into its batch when the connections drop,
            // and acknowledges it after the client has reconnected (on a new channel), while most batches wait
            return Map.of("tocsin.delivery.batch-size", "100", "tocsin.throttle.smtp.per-second", "80",
                    "tocsin.queue-prefix", "tocsin-reconnect-test");
        }
    }

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    /** Counts the RabbitMQ client's "Reconsume queue: <batches queue> success": each is a restarted consumer. */
    static final class ConsumerRestarts extends Handler {
        final AtomicInteger count = new AtomicInteger();

        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (message != null && message.contains("Reconsume queue: tocsin-reconnect-test.batches success")) {
                count.incrementAndGet();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void droppedBrokerConnectionsCostSecondsAndNoNotice() throws Exception {
        ConsumerRestarts restarts = new ConsumerRestarts();
        Logger client = Logger.getLogger("io.vertx.rabbitmq.impl.RabbitMQClientImpl");
        client.addHandler(restarts);
        try {
            closeConnectionsMidCampaign(restarts);
        } finally {
            client.removeHandler(restarts);
        }
    }

    /** Deliveries the sweeper handed to the workers again (retries, lost or refused batches), from /q/metrics. */
    static double handedAgain() {
        String metrics = io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("tocsin_delivery_handed_again_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private void closeConnectionsMidCampaign(ConsumerRestarts restarts) throws Exception {
        double againBefore = handedAgain();
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
                + " all sent %.1f s after the close; the batches' consumer restarted %d time(s)%n", atClose, RECIPIENTS,
                longestPause / 1e9, (lastGrowth - closedAt) / 1e9, restarts.count.get());
        assertEquals(RECIPIENTS, perRecipient.size(), "every notice arrived");
        assertTrue(perRecipient.values().stream().allMatch(n -> n == 1), "none twice");
        assertTrue(longestPause < TimeUnit.SECONDS.toNanos(2), "the flow stopped for " + longestPause / 1e9 + " s");
        assertEquals(1, restarts.count.get(), "the batches' consumer started again once, after the close, and stayed");
        // The campaign outlasts republish-after (5 s here) while its batches wait in the queue: none is handed over
        // again (before, every row still waiting was put in the queue once more every 5 s).
        assertEquals(againBefore, handedAgain(), "batches waiting in the queue were handed over again");
        Api.get("/api/campaigns/" + campaign + "/stats").body("byStatus.sent", org.hamcrest.Matchers.equalTo(RECIPIENTS));
    }

    /**
     * Batches that vanish from the broker (an operator purges the queue, a node loses its disk): once nothing
     * waits in the queue and republish-after has passed, the sweeper hands the rows over again, and everyone is
     * told once.
     */
    @Test
    void batchesLostFromTheQueueAreHandedOverAgain() throws Exception {
        double againBefore = handedAgain();
        String run = UUID.randomUUID().toString().substring(0, 8);
        int recipients = 1200; // twelve batches: four with the workers, the rest waiting in the queue
        String incident = Api.incidentWithEmailAccounts("purged", run, recipients);
        String campaign = Api.campaign(incident).name("purged " + run).create();
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> received(run) >= 20);
        Process purge = new ProcessBuilder("rabbitmqctl", "purge_queue", "tocsin-reconnect-test.batches")
                .redirectErrorStream(true).start();
        assertTrue(purge.waitFor(30, TimeUnit.SECONDS) && purge.exitValue() == 0,
                "rabbitmqctl purge_queue: " + new String(purge.getInputStream().readAllBytes()));
        int atPurge = received(run);

        Api.awaitCompleted(campaign);
        Map<String, Long> perMessageId = TestServices.allReceivedMail().stream()
                .filter(m -> dev.tocsin.testing.Mail.to(m).endsWith("-" + run + "@example.com"))
                .collect(Collectors.groupingBy(BrokerReconnectTest::messageId, Collectors.counting()));
        double again = handedAgain() - againBefore;
        System.out.printf("purged: the queue purged at %d of %d sent; %.0f deliveries handed over again%n", atPurge,
                recipients, again);
        assertTrue(atPurge < recipients, "the purge came mid-campaign (" + atPurge + " sent before it)");
        assertEquals(recipients, perMessageId.size(), "every notice arrived");
        assertTrue(perMessageId.values().stream().allMatch(n -> n == 1), "none twice");
        assertTrue(again > 0, "the purged batches' rows were handed over again");
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
