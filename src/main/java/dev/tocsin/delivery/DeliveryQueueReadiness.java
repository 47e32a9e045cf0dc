package dev.tocsin.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * What an operator reads about the delivery queue beside the broker's own checks: dead-lettered batches this
 * instance has seen (a dead letter does not make it unready: its rows are sent again by the sweeper).
 */
@Readiness
@ApplicationScoped
public class DeliveryQueueReadiness implements HealthCheck {

    @Inject
    Instance<DeadBatches> dead;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("Tocsin delivery queue").up()
                .withData("dead-lettered batches since start", dead.isResolvable() ? dead.get().seen() : 0L).build();
    }
}
