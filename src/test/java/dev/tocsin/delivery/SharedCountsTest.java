package dev.tocsin.delivery;

import dev.tocsin.common.Channel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Watchers of a running campaign (the console's progress block every 2 s per viewer, the progress stream every
 * second) share its counts. Counting a campaign of millions takes seconds, so a count is made again only once
 * the last is older than twenty times what it took: a large campaign is counted every so often instead of
 * every second, a small one stays fresh to the second. (The count below stands in for the database only to
 * take a known time; the sharing is the real one.)
 */
class SharedCountsTest {

    /** Counts take {@code tookMs}; each one is remembered. */
    static final class TimedCounts extends DeliveryStats {
        final AtomicInteger made = new AtomicInteger();
        final long tookMs;

        TimedCounts(long tookMs) {
            this.tookMs = tookMs;
        }

        @Override
        public Counts count(String campaignId, List<Channel> channels) {
            made.incrementAndGet();
            try {
                Thread.sleep(tookMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Counts(made.get(), Map.of(), Map.of());
        }
    }

    /** Four viewers asking every 100 ms for {@code forMs}; returns how many counts were made. */
    private static int watch(TimedCounts stats, long forMs) throws Exception {
        long until = System.nanoTime() + forMs * 1_000_000;
        Thread[] viewers = new Thread[4];
        for (int v = 0; v < viewers.length; v++) {
            viewers[v] = new Thread(() -> {
                while (System.nanoTime() < until) {
                    try {
                        stats.countShared("c1", List.of(Channel.EMAIL));
                        Thread.sleep(100);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            viewers[v].start();
        }
        for (Thread t : viewers) {
            t.join();
        }
        return stats.made.get();
    }

    @Test
    void aCampaignThatTakesLongToCountIsCountedSeldom() throws Exception {
        // 250 ms a count: made again after 5 s, so 6 s of watching takes 2 counts (at most 3), not 6 or 24
        int made = watch(new TimedCounts(250), 6_000);
        assertTrue(made >= 2 && made <= 3, made + " counts in 6 s of a campaign that takes 250 ms to count");
    }

    @Test
    void aCampaignQuickToCountStaysFreshToTheSecond() throws Exception {
        // 1 ms a count: made again after 0.9 s, so 4 s of watching by four viewers takes about 4-5 counts, not 160
        int made = watch(new TimedCounts(1), 4_000);
        assertTrue(made >= 4 && made <= 6, made + " counts in 4 s of a campaign that takes 1 ms to count");
    }
}
