package dev.tocsin.delivery;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hands queued deliveries to the workers: reads due ids from the database (the truth) and publishes them in
 * batches on the deliveries-out channel (RabbitMQ in production, in-process on the embedded default).
 */
@ApplicationScoped
public class DeliveryDispatcher {

    @Inject
    DeliveryConfig config;

    private static final Logger LOG = Logger.getLogger(DeliveryDispatcher.class);

    /** Batches published but not yet confirmed; bounds memory and lets the broker push back. */
    private static final int IN_FLIGHT = 64;

    @Inject
    @Channel("deliveries-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 256)
    Emitter<String> emitter;

    @Inject
    DeliveryHandOver store;

    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final ExecutorService publisher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "delivery-publisher");
        t.setDaemon(true);
        return t;
    });

    /** Publishes all due queued deliveries of a campaign, in the background. */
    public void publishCampaignAsync(String campaignId) {
        publisher.submit(() -> {
            try {
                store.refreshStatistics();
                int n = store.publishCampaign(campaignId, config.delivery().batchSize(), this::publish);
                LOG.infof("campaign %s: %d deliveries handed to the workers", campaignId, n);
            } catch (SQLException | RuntimeException e) {
                // Rows stay queued; the sweeper hands them over later.
                LOG.warnf("campaign %s: publishing stopped (%s); the sweeper will retry", campaignId, e.getMessage());
            }
        });
    }

    /** Publishes all due queued deliveries of a campaign never handed over, on the caller's thread. */
    public int publishCampaign(String campaignId) throws SQLException {
        return store.publishCampaign(campaignId, config.delivery().batchSize(), this::publish);
    }

    /**
     * Hands the given new deliveries (a slice just created by a launch) to the workers in batches, on the
     * caller's thread; blocks while the broker has too many batches unconfirmed. {@code spread}: in batches
     * small enough that every worker of this instance gets one.
     */
    public void publishIds(List<Long> ids, boolean spread) {
        // A launch's first slice goes in one batch per worker, so that every worker starts at once.
        int batchSize = config.delivery().batchSize();
        int workers = Math.max(1, config.workers().concurrency());
        int size = spread ? Math.max(50, Math.min(batchSize, (ids.size() + workers - 1) / workers)) : batchSize;
        for (int i = 0; i < ids.size(); i += size) {
            publish(new java.util.ArrayList<>(ids.subList(i, Math.min(i + size, ids.size()))));
        }
    }

    /** Publishes due deliveries of running campaigns that no publisher is handling (see DeliveryHandOver.sweepDue). */
    public int publishDue(OffsetDateTime handedOverBefore, int limit) throws SQLException {
        return store.sweepDue(handedOverBefore, config.delivery().batchSize(), limit, this::publish);
    }

    /**
     * How long the broker may take to confirm a batch. A publish caught in a broker node's death is neither
     * confirmed nor refused (the client drops the connection with the answer still owed): after this long it
     * counts as refused, so its rows go out again at the next sweep rather than after republish-after.
     */
    private static final long CONFIRM_WAIT_SECONDS = 15;

    /** At most this many refused batches are kept for the next sweep; more wait for republish-after. */
    private static final int UNCONFIRMED_KEPT = 1000;

    /** Batches the broker refused or never confirmed, handed over again by the next sweep. */
    private final ConcurrentLinkedQueue<List<Long>> unconfirmed = new ConcurrentLinkedQueue<>();

    private void publish(List<Long> ids) {
        try {
            if (!inFlight.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the delivery queue has not confirmed a batch for 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing");
        }
        CompletableFuture<Void> confirmed;
        try {
            confirmed = emitter.send(DeliveryBatches.encode(ids)).toCompletableFuture();
        } catch (RuntimeException refused) {
            inFlight.release();
            throw refused;
        }
        if (!config.messaging().inProcess()) {
            // in-process, a batch counts as taken only when a worker is done with it: no time limit there
            confirmed = confirmed.orTimeout(CONFIRM_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        confirmed.whenComplete((ok, failure) -> {
            inFlight.release();
            if (failure != null) {
                // the bound is loose under races (a few over): it only keeps a broker outage from filling the heap
                boolean kept = unconfirmed.size() < UNCONFIRMED_KEPT && unconfirmed.add(ids);
                LOG.warnf("a batch of %d deliveries was not accepted by the queue (%s); %s", ids.size(),
                        failure instanceof TimeoutException ? "no confirmation within " + CONFIRM_WAIT_SECONDS + " s"
                                : failure.getMessage(),
                        kept ? "the next sweep hands it over again" : "the sweeper hands it over again after republish-after");
            }
        });
    }

    /** Whether every batch published is confirmed (in-process: taken and finished by a worker). */
    public boolean nothingInFlight() {
        return inFlight.availablePermits() == IN_FLIGHT;
    }

    /**
     * Publishes again the batches the broker refused or never confirmed (called by the sweeper). Copies of a
     * batch that did arrive after all cost a claim that finds nothing to do.
     */
    public int publishUnconfirmed() {
        int n = 0;
        List<Long> ids;
        while ((ids = unconfirmed.poll()) != null) {
            publish(ids);
            n += ids.size();
        }
        return n;
    }

    @PreDestroy
    void stop() {
        publisher.shutdownNow();
    }
}
