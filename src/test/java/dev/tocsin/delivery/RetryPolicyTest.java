package dev.tocsin.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retry schedule a provider outage produces: doubling, capped, jittered, never zero. */
class RetryPolicyTest {

    private static RetryPolicy fixed(double random) {
        return new RetryPolicy(Duration.ofSeconds(30), Duration.ofHours(1), () -> random);
    }

    @Test
    void waitsDoubleWithEachAttemptUntilTheCap() {
        RetryPolicy top = fixed(1.0); // the top of the jitter range: the wait itself
        assertEquals(30, top.backoff(1).toSeconds());
        assertEquals(60, top.backoff(2).toSeconds());
        assertEquals(120, top.backoff(3).toSeconds());
        assertEquals(3600, top.backoff(8).toSeconds(), "30 s x 2^7 = 64 min, capped at one hour");
        assertEquals(3600, top.backoff(1_000).toSeconds(), "a huge attempt count neither overflows nor exceeds the cap");
    }

    @Test
    void jitterSpreadsEachWaitOverItsUpperHalf() {
        assertEquals(Duration.ofSeconds(15), fixed(0.0).backoff(1));
        assertEquals(Duration.ofMillis(22_500), fixed(0.5).backoff(1));
        RetryPolicy real = new RetryPolicy(Duration.ofSeconds(30), Duration.ofHours(1),
                () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
        for (int i = 0; i < 1_000; i++) {
            long ms = real.backoff(2).toMillis();
            assertTrue(ms >= 30_000 && ms < 60_000, ms + " ms");
        }
    }

    @Test
    void neverZeroEvenWithATinyBase() {
        RetryPolicy tiny = new RetryPolicy(Duration.ZERO, Duration.ofHours(1), () -> 0.0);
        assertEquals(Duration.ofMillis(1), tiny.backoff(1));
        assertEquals(Duration.ofMillis(15_000), new RetryPolicy(Duration.ofSeconds(30), Duration.ofHours(1), () -> 0.0).backoff(0),
                "attempt 0 (nothing tried yet) waits as the first");
    }
}
