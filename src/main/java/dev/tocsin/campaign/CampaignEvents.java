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
            long[] lastSent = {-1};
            long[] lastAt = {System.nanoTime()};
            java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean();
            long timer = vertx.setPeriodic(1, 1000, tick -> {
                if (!busy.compareAndSet(false, true)) {
                    return; // the last snapshot is still being read (a very large campaign): skip this second
                }
                vertx.executeBlocking(() -> snapshot(id, lastSent, lastAt), false)
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

    private Progress snapshot(String id, long[] lastSent, long[] lastAt) throws SQLException {
        Campaign c = QuarkusTransaction.requiringNew().call(() -> campaigns.find(id));
        // shared with everyone following this campaign on this instance (one count a second, not one each)
        DeliveryStats.Counts counts = stats.countRecent(id, c.channelList(), Duration.ofMillis(900));
        long done = counts.total() - counts.byStatus().getOrDefault("queued", 0L) - counts.byStatus().getOrDefault("sending", 0L);
        long now = System.nanoTime();
        double perSecond = lastSent[0] < 0 ? 0 : Math.max(0, done - lastSent[0]) / Math.max(1e-3, (now - lastAt[0]) / 1e9);
        lastSent[0] = done;
        lastAt[0] = now;
        boolean finished = c.status == CampaignStatus.COMPLETED || c.status == CampaignStatus.CANCELLED;
        return new Progress(id, c.status.name(), finished, counts.total(), counts.byStatus(), counts.byChannel(),
                Math.round(perSecond * 10) / 10.0, OffsetDateTime.now());
    }
}
