package dev.tocsin.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * The safety net behind "nothing lost": deliveries whose worker vanished go back to the queue, retries that
 * fell due and batches the broker lost are published again, and finished campaigns are marked completed.
 * Every step is a conditional update, so several replicas may run it at once.
 */
@ApplicationScoped
public class DeliveryMaintenance {

    @Inject
    DeliveryConfig config;

    private static final Logger LOG = Logger.getLogger(DeliveryMaintenance.class);

    @Inject
    DeliveryClaims claims;

    @Inject
    DeliveryCompletion completion;

    @Inject
    ProviderCallbacks callbacks;

    @Inject
    Event<CampaignDeliveriesSettled> settled;

    @Inject
    DeliveryDispatcher dispatcher;

    @Inject
    ProviderThrottle throttle;

    @Inject
    Instance<BrokerQueueDepth> brokerQueue;

    /** Sweeps finished (an operator sees the sweeper is alive; a test waits for whole sweeps, not for time). */
    private final Counter sweeps;

    /** Deliveries handed to the workers again because their batch was lost or refused (or a retry fell due). */
    private final Counter handedAgain;

    @Inject
    DeliveryMaintenance(MeterRegistry registry) {
        sweeps = Counter.builder("tocsin.delivery.sweeps").description("delivery sweeps finished").register(registry);
        handedAgain = Counter.builder("tocsin.delivery.handed.again")
                .description("deliveries handed to the workers again by the sweeper (retries, lost or refused batches)")
                .register(registry);
    }

    @Inject
    CampaignControls controls;

    /**
     * Before this, queued rows count as lost (and are published again): handed over longer than republish-after
     * ago, no batch waits in the queue, and no live instance holds one it has not finished. Otherwise the rows
     * may simply not have had their turn (a throttled campaign of millions waits for hours), so only retries
     * that fell due go out.
     */
    private OffsetDateTime lostIfHandedOverBefore() throws java.sql.SQLException {
        boolean drained = brokerQueue.isResolvable()
                ? brokerQueue.get().ready().orElse(-1) == 0 && controls.batchesHeldByLiveInstances() == 0
                : dispatcher.nothingInFlight();
        return drained ? OffsetDateTime.now().minus(config.delivery().republishAfter()) : NOT_LOST_YET;
    }

    /** Handed over before this: never (no row is that old). */
    private static final OffsetDateTime NOT_LOST_YET = OffsetDateTime.parse("1970-01-01T00:00:00Z");

    @Scheduled(every = "${tocsin.delivery.sweep-every}", delay = 5, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            int released = claims.releaseExpiredLeases();
            if (released > 0) {
                LOG.warnf("%d deliveries had an expired lease and were queued again", released);
            }
            completion.cancelQueuedOfCancelledCampaigns();
            int refused = dispatcher.publishUnconfirmed();
            if (refused > 0) {
                handedAgain.increment(refused);
                LOG.infof("%d deliveries whose batches the queue had not accepted handed to the workers again", refused);
            }
            int republished = dispatcher.publishDue(lostIfHandedOverBefore(), 100_000);
            if (republished > 0) {
                handedAgain.increment(republished);
                LOG.infof("%d due deliveries handed to the workers", republished);
            }
            throttle.forgetOldWindows();
            callbacks.forgetOldReceipts(Duration.ofDays(30));
            int early = callbacks.applyEarlyCallbacks(Duration.ofDays(1));
            if (early > 0) {
                LOG.infof("%d provider callbacks that had overtaken their send were applied", early);
            }
            settled.fire(CampaignDeliveriesSettled.anyRunning()); // the campaign's owner completes what is finished
        } catch (Exception e) {
            LOG.warnf("delivery sweep failed, will try again: %s", e.getMessage());
        } finally {
            sweeps.increment();
        }
    }
}
