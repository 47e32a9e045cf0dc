package dev.tocsin.delivery;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This instance's heartbeat on the rows it claimed: every third of the lease, whatever the workers are doing
 * (a slow provider, a long chunk), the leases of every batch being sent are renewed. So the lease can be short
 * and a dead instance's rows go to the others within lease + sweep, while a live one's never expire under it.
 */
@ApplicationScoped
public class ClaimKeeper {

    private static final Logger LOG = Logger.getLogger(ClaimKeeper.class);

    @Inject
    DeliveryClaims claims;

    @Inject
    DeliveryConfig config;

    // Batches by identity: a list's own hashCode hashed every delivery of it, campaign and texts included, twice
    // per batch (a sixth of the workers' time in a flight recording), and two equal batches would be one
    private final Set<List<ClaimedDelivery>> held = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private ScheduledExecutorService beat;
    private volatile long lastBeat = System.nanoTime();
    private volatile long every = 1000;

    void onStart(@Observes StartupEvent start) {
        every = Math.max(200, config.delivery().lease().toMillis() / 3);
        beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "claim-keeper");
            t.setDaemon(true);
            return t;
        });
        beat.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** A batch a worker claimed and is sending: kept until {@link #release}. */
    void hold(List<ClaimedDelivery> claimed) {
        held.add(claimed);
    }

    void release(List<ClaimedDelivery> claimed) {
        held.remove(claimed);
    }

    /** How long ago the keeper last ran: a process whose threads no longer run is not alive, whatever it answers. */
    java.time.Duration sinceLastBeat() {
        return java.time.Duration.ofNanos(System.nanoTime() - lastBeat);
    }

    java.time.Duration beatEvery() {
        return java.time.Duration.ofMillis(every);
    }

    void renew() {
        lastBeat = System.nanoTime();
        List<List<ClaimedDelivery>> batches;
        synchronized (held) {
            batches = new ArrayList<>(held);
        }
        for (List<ClaimedDelivery> batch : batches) {
            try {
                claims.extendLease(batch);
            } catch (Exception e) {
                // the next beat tries again; if the database stays away, the lease runs out and others take over
                LOG.warnf("could not renew the lease of a batch of %d deliveries: %s", batch.size(), e.getMessage());
            }
        }
    }

    @PreDestroy
    void stop() {
        if (beat != null) {
            beat.shutdownNow();
        }
    }
}
