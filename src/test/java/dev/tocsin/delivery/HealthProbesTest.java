package dev.tocsin.delivery;

import dev.tocsin.testing.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * What an orchestrator acts on while the broker cannot be reached: the instance is not ready (it leaves the load
 * balancer) but alive (restarting it would not bring the broker back).
 */
@QuarkusTest
@TestProfile(HealthProbesTest.BrokerAway.class)
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class HealthProbesTest {

    public static class BrokerAway implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rabbitmq-port", "1", "tocsin.queue-prefix", "tocsin-health-test");
        }
    }

    @Test
    void withoutTheBrokerTheInstanceIsAliveButNotReady() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"))
                .body(containsString("Tocsin claim keeper")).body(not(containsString("deliveries-in")));
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"))
                .body(containsString("deliveries-in"));
        given().get("/q/health/started").then().statusCode(200);
    }
}
