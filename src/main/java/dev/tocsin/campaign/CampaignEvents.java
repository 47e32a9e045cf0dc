package dev.tocsin.campaign;

import dev.tocsin.common.ApiException;
import dev.tocsin.delivery.DeliveryStats;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A campaign's progress as a stream: a snapshot every second, read from the database (so a client connected
 * to any instance sees every instance's sends), and a last one when the campaign is completed or cancelled,
 * after which the stream ends. Streams per instance are capped, and each lasts at most an hour (an
 * EventSource reconnects by itself), so open streams cannot grow the polling without bound.
 */
@ApplicationScoped
public class CampaignEvents {

    private static final Logger LOG = Logger.getLogger(CampaignEvents.class);
    static final int MAX_STREAMS = 100;
    static final Duration MAX_STREAM = Duration.ofHours(1);

    @Inject
    Vertx vertx;

    @Inject
    CampaignService campaigns;

    @Inject
    DeliveryStats stats;

    private final AtomicInteger open = new AtomicInteger();

    /** One snapshot: counts by status and channel, notices settled per second since the last one. */
    public record Progress(String campaignId, String status, boolean finished, long total, Map<String, Long> byStatus,
                           Map<String, Map<String, Long>> byChannel, double sentPerSecond, OffsetDateTime at) {
    }

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper mapper;

    /** Checks the campaign exists (404 before the stream starts), then streams its progress, one JSON line each. */
    public Multi<String> follow(String id) {
        return snapshots(id).map(p -> {
            try {
                return mapper.writeValueAsString(p);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    Multi<Progress> snapshots(String id) {
        QuarkusTransaction.requiringNew().call(() -> campaigns.find(id));
        if (open.incrementAndGet() > MAX_STREAMS) {
            open.decrementAndGet();
            throw new ApiException(429, "too_many_streams", "This instance already serves " + MAX_STREAMS
                    + " progress streams: close one, or read GET /api/campaigns/" + id + "/stats.");
        }
        long started = System.nanoTime();
        return Multi.createFrom().<Progress>emitter(emitter -> {
            Followed followed = new Followed();
            java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean();
            long timer = vertx.setPeriodic(1, 1000, tick -> {
                if (!busy.compareAndSet(false, true)) {
                    return; // the last snapshot is still being read (a very large campaign): skip this second
                }
                vertx.executeBlocking(() -> snapshot(id, followed), false)
                    .onComplete(done -> busy.set(false))
                    .onSuccess(p -> {
                        emitter.emit(p);
                        if (p.finished() || System.nanoTime() - started > MAX_STREAM.toNanos()) {
                            emitter.complete();
                        }
                    })
                    .onFailure(e -> {
                        LOG.warnf("progress of campaign %s could not be read: %s", id, e.getMessage());
                        emitter.fail(e);
                    });
            });
            emitter.onTermination(() -> {
                vertx.cancelTimer(timer);
                open.decrementAndGet();
            });
        });
    }

    /** What one stream remembers between snapshots: the last count it saw and the rate it measured from it. */
    private static final class Followed {
        DeliveryStats.Counts counts;
        long done = -1;
        long at = System.nanoTime();
        double perSecond;
    }

    private Progress snapshot(String id, Followed followed) throws SQLException {
        Campaign c = QuarkusTransaction.requiringNew().call(() -> campaigns.find(id));
        boolean finished = c.status == CampaignStatus.COMPLETED || c.status == CampaignStatus.CANCELLED;
        // Shared with everyone following this campaign on this instance and made again at most once a second, less
        // often for a campaign so large that counting it takes long; the last snapshot counts exactly.
        DeliveryStats.Counts counts = finished ? stats.count(id, c.channelList()) : stats.countShared(id, c.channelList());
        long done = counts.total() - counts.byStatus().getOrDefault("queued", 0L) - counts.byStatus().getOrDefault("sending", 0L);
        if (counts != followed.counts) { // a new count: the rate is measured over the time since the last one
            long now = System.nanoTime();
            followed.perSecond = followed.done < 0 ? 0
                    : Math.max(0, done - followed.done) / Math.max(1e-3, (now - followed.at) / 1e9);
            followed.counts = counts;
            followed.done = done;
            followed.at = now;
        }
        return new Progress(id, c.status.name(), finished, counts.total(), counts.byStatus(), counts.byChannel(),
                Math.round(followed.perSecond * 10) / 10.0, OffsetDateTime.now());
    }
}
