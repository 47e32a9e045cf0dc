package dev.tocsin.delivery;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A batch no worker can take (a poison message) is delivered again as many times as the quorum queue allows, then
 * dead-lettered instead of going round forever: counted in readiness data and the metrics, while real campaigns
 * keep flowing through the same queue.
 */
@QuarkusTest
class PoisonBatchTest {

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private static long deadSoFar() {
        List<Map<String, Object>> checks = given().get("/q/health/ready").then().extract().path("checks");
        return checks.stream().filter(c -> "Tocsin delivery queue".equals(c.get("name")))
                .map(c -> ((Number) ((Map<?, ?>) c.get("data")).get("dead-lettered batches since start")).longValue())
                .findFirst().orElseThrow();
    }

    @Test
    void aPoisonBatchIsDeadLetteredAndTheQueueKeepsFlowing() throws Exception {
        long before = deadSoFar();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(5672);
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.basicPublish("tocsin-test.batches", "batch", MessageProperties.PERSISTENT_TEXT_PLAIN,
                    "not,a,batch".getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> deadSoFar() == before + 1);
        given().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString("tocsin_batches_dead_total"));
        // the queue still works: a campaign after it completes
        String incident = Api.incidentWithEmailAccounts("poison", java.util.UUID.randomUUID().toString().substring(0, 8), 3);
        String campaign = Api.launchAndWait(incident, "after the poison", List.of("email"), "all");
        Api.get("/api/campaigns/" + campaign + "/stats").body("byStatus.sent", org.hamcrest.Matchers.equalTo(3));
        assertEquals(before + 1, deadSoFar(), "one dead letter, no more");
    }
}
