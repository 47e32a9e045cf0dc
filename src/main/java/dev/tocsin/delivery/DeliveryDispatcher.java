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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

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

    private void publish(List<Long> ids) {
        try {
            if (!inFlight.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the delivery queue has not confirmed a batch for 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing");
        }
        emitter.send(DeliveryBatches.encode(ids)).whenComplete((ok, failure) -> {
            inFlight.release();
            if (failure != null) {
                LOG.warnf("a batch of %d deliveries was not accepted by the queue (%s); the sweeper will republish it",
                        ids.size(), failure.getMessage());
            }
        });
    }

    @PreDestroy
    void stop() {
        publisher.shutdownNow();
    }
}
