package dev.tocsin.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.time.Duration;

/**
 * Liveness means "restart me": only a stuck process, never a database or broker outage (a restart would not bring
 * them back; readiness takes the instance out of the load balancer instead). Stuck: the claim keeper, which beats
 * every third of the lease, has not run for ten beats (at least 30 s).
 */
@Liveness
@ApplicationScoped
public class DeliveryLiveness implements HealthCheck {

    @Inject
    ClaimKeeper keeper;

    @Override
    public HealthCheckResponse call() {
        Duration since = keeper.sinceLastBeat();
        Duration limit = keeper.beatEvery().multipliedBy(10).compareTo(Duration.ofSeconds(30)) > 0
                ? keeper.beatEvery().multipliedBy(10) : Duration.ofSeconds(30);
        return HealthCheckResponse.named("Tocsin claim keeper").status(since.compareTo(limit) < 0)
                .withData("last beat ms ago", since.toMillis()).build();
    }
}
