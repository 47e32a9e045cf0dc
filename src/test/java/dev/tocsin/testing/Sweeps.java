package dev.tocsin.testing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * Waits for the background jobs to run, observably: "nothing more happened" is checked after whole sweeps (or
 * schedule checks) that began after the action, never after an arbitrary sleep that may end before the job ran.
 */
public final class Sweeps {

    public static final String DELIVERY = "tocsin.delivery.sweeps";
    public static final String SCHEDULE = "tocsin.schedule.checks";

    private Sweeps() {
    }

    /** Returns once {@code whole} runs of the job have begun and finished since this call. */
    public static void awaitWhole(MeterRegistry registry, String job, int whole) {
        double start = count(registry, job);
        // The run in progress now, if any, began before the call: one more than asked for
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> count(registry, job) >= start + whole + 1);
    }

    private static double count(MeterRegistry registry, String job) {
        Counter counter = registry.find(job).counter();
        return counter == null ? 0 : counter.count();
    }
}
