package dev.tocsin.delivery;

import dev.tocsin.testing.LocalRabbitCluster;
import dev.tocsin.testing.Replicas;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.tocsin.testing.Replicas.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three replicas of the production build on a three-node RabbitMQ cluster (local nodes of this test's own, a
 * quorum queue replicated on all three) and PostgreSQL, sending a rate-limited campaign to an SMTP server that
 * keeps every Message-ID. Mid-campaign one replica is killed (SIGKILL) and then one RabbitMQ node is killed.
 * Then: every delivery settled as sent, every recipient got the notice, only the notices on the killed replica's
 * wires and those answered in its last few milliseconds, not yet committed, went twice (same Message-ID; bound:
 * two per connection), the rate limit held across the replicas, and
 * the stats equal what the SMTP server got. Printed as "cluster: ...". A longer run:
 * {@code CLUSTER_RECIPIENTS=20000 CLUSTER_PER_SECOND=400 ./mvnw verify -Dit.test=ClusterFaultIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false} (deploy/README.md).
 */
class ClusterFaultIT {

    private static final int RECIPIENTS = Integer.parseInt(System.getenv().getOrDefault("CLUSTER_RECIPIENTS", "3000"));
    private static final int PER_SECOND = Integer.parseInt(System.getenv().getOrDefault("CLUSTER_PER_SECOND", "150"));
    private static final int WORKERS = 4;

    private Replicas replicas;
    private LocalRabbitCluster rabbit;

    @AfterEach
    void stop() {
        if (replicas != null) {
            replicas.close();
        }
        if (rabbit != null) {
            rabbit.close();
        }
    }

    private int sentSoFar() {
        return replicas.smtp().getReceivedMessages().length;
    }

    @Test
    void aReplicaAndABrokerNodeDieMidCampaignAndEveryoneIsToldOnce() throws Exception {
        Assumptions.assumeTrue(LocalRabbitCluster.installed(), "RabbitMQ is not installed on this machine");
        long began = System.nanoTime();
        rabbit = LocalRabbitCluster.start(3);
        replicas = new Replicas("tocsin_cluster");
        List<Integer> ports = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            int port = Replicas.freePort();
            ports.add(port);
            replicas.start(port, Map.of(
                    "TOCSIN_RABBITMQ_ADDRESSES", rabbit.addresses(),
                    "TOCSIN_QUEUE_PREFIX", "tocsin-cluster",
                    "TOCSIN_SMTP_PER_SECOND", Integer.toString(PER_SECOND),
                    "TOCSIN_WORKERS", Integer.toString(WORKERS),
                    "TOCSIN_DELIVERY_BATCH_SIZE", "100",
                    "TOCSIN_DELIVERY_REPUBLISH_AFTER", "PT2M"), new File("target/tocsin-cluster-" + name + ".log").toPath());
        }
        ports.forEach(Replicas::awaitReady);
        double setUp = (System.nanoTime() - began) / 1e9;
        String campaign = Replicas.launchEmailCampaign(ports.get(0), RECIPIENTS);

        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(120)).until(() -> sentSoFar() >= RECIPIENTS / 4);
        replicas.processes().get(0).destroyForcibly().waitFor();
        int atKill = sentSoFar();
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(120)).until(() -> sentSoFar() >= RECIPIENTS / 2);
        rabbit.kill(rabbit.nodes().get(0));
        int atNodeLoss = sentSoFar();

        Replicas.awaitCompleted(ports.get(1), campaign, Duration.ofSeconds(300));
        MimeMessage[] got = replicas.smtp().getReceivedMessages();
        Map<String, Long> perMessageId = Arrays.stream(got)
                .collect(Collectors.groupingBy(Replicas::messageId, Collectors.counting()));
        long recipients = Arrays.stream(got).map(Replicas::recipient).distinct().count();
        long twice = perMessageId.values().stream().filter(n -> n > 1).count();
        int sent = as(ports.get(2), "olivia").get("/api/campaigns/" + campaign + "/stats").then()
                .extract().path("byStatus.sent");
        double[] rate = rates();
        System.out.printf("cluster: 3 replicas on a 3-node RabbitMQ cluster (set up in %.0f s); %d recipients at %d/s;"
                        + " SIGKILL of a replica at %d sent, of a RabbitMQ node at %d; %d sent, %d Message-IDs at the SMTP"
                        + " server, %d sent twice (bound %d); rate %.1f/s on average, at most %.0f in one second%n",
                setUp, RECIPIENTS, PER_SECOND, atKill, atNodeLoss, sent, perMessageId.size(), twice, 2 * WORKERS,
                rate[0], rate[1]);
        assertEquals(RECIPIENTS, sent, "every delivery settled as sent");
        assertEquals(RECIPIENTS, perMessageId.size(), "the stats equal what the SMTP server got");
        assertEquals(RECIPIENTS, recipients, "every recipient got the notice");
        assertTrue(twice <= 2 * WORKERS, twice + " notices went twice: more than the killed replica had on its wires and"
                + " in its last commit");
        assertTrue(rate[0] <= PER_SECOND * 1.1, "the rate limit held across replicas: " + rate[0] + "/s");
        // Permits are for one clock second: a notice not started within it takes new ones (before, a starved
        // machine sent a second's permits late, 240 answers in one second against 150). Answers still land a
        // little after their start, so a clock second may count some of the one before.
        assertTrue(rate[1] <= PER_SECOND * 1.5, "at most " + rate[1] + " answers in one clock second against " + PER_SECOND);
        as(ports.get(1), "olivia").get("/api/campaigns/" + campaign + "/stats").then()
                .body("byStatus.queued", equalTo(0)).body("byStatus.sending", equalTo(0));
    }

    /** From the recorded send times: the average rate, and the most notices recorded in one clock second. */
    private double[] rates() throws Exception {
        try (Connection c = replicas.db(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*), EXTRACT(EPOCH FROM max(sent_at) - min(sent_at)),"
                        + " (SELECT max(n) FROM (SELECT count(*) AS n FROM delivery WHERE sent_at IS NOT NULL"
                        + " GROUP BY date_trunc('second', sent_at)) s) FROM delivery WHERE sent_at IS NOT NULL")) {
            rs.next();
            return new double[]{(rs.getLong(1) - 1) / rs.getDouble(2), rs.getDouble(3)};
        }
    }
}
