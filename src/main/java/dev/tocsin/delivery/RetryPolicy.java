package dev.tocsin.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When a failed attempt is tried again: exponential backoff with jitter, base * 2^(attempt-1), capped at the
 * maximum, times a random factor in [0.5, 1) so that a provider's outage does not bring every retry back at
 * the same instant.
 */
@ApplicationScoped
public class RetryPolicy {

    private final Duration base;
    private final Duration max;
    private final DoubleSupplier random;

    @Inject
    public RetryPolicy(DeliveryConfig config) {
        this(config.delivery().retryBase(), config.delivery().retryMax(),
                () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    RetryPolicy(Duration base, Duration max, DoubleSupplier random) {
        this.base = base;
        this.max = max;
        this.random = random;
    }

    /** The wait after attempt number {@code attempt} (1 for the first) failed; at least a millisecond. */
    public Duration backoff(int attempt) {
        long grown = base.toMillis() << Math.min(Math.max(attempt, 1) - 1, 20);
        long capped = Math.min(grown, max.toMillis());
        long jittered = (long) (capped * (0.5 + random.getAsDouble() * 0.5));
        return Duration.ofMillis(Math.max(jittered, 1));
    }
}
