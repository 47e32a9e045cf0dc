package dev.tocsin.delivery;

import dev.tocsin.common.Channel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Takes a batch of delivery ids from the queue: claims what is still queued, sends it, records each
 * outcome as it comes. The message is acknowledged only after the outcomes are stored; if this instance dies first,
 * the lease runs out and the sweeper queues the rows again.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);

    @Inject
    DeliveryClaims claims;

    @Inject
    DeliveryOutcomes outcomes;

    /** Tells the campaign's owner that results came in (it completes the campaign when nothing is left). */
    @Inject
    Event<CampaignDeliveriesSettled> settled;

    /** The channels this build can send on, in the order of {@link Channel} (found by injection). */
    private final Map<Channel, ChannelSender> senders = new EnumMap<>(Channel.class);

    @Inject
    DeliveryWorker(@Any Instance<ChannelSender> available) {
        available.forEach(sender -> senders.put(sender.channel(), sender));
    }

    DeliveryWorker() {
        // for the container's proxy
    }

    @Inject
    ProviderThrottle throttle;

    @Inject
    MeterRegistry metrics;

    /**
     * Where a batch's time goes (tocsin.delivery.phase, by phase): claiming, rendering and sending, recording
     * outcomes, the pause/cancel check between chunks, the completion check. Tells an operator whether the
     * database or the providers hold the campaign back.
     */
    private Timer phase(String name) {
        return metrics.timer("tocsin.delivery.phase", "phase", name);
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private <T> T timed(String name, SqlWork<T> work) throws SQLException {
        long start = System.nanoTime();
        try {
            return work.run();
        } finally {
            phase(name).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** How many notices at most one send call carries (one SMTP connection, one take of the provider's permits). */
    private static final int CONTROL_CHUNK = 200;

    @Inject
    OutcomeRecorder recorder;

    @Inject
    CampaignControls controls;

    /**
     * Sends in chunks: renews the lease on what is left once a third of it has passed (a long batch behind a
     * throttled provider; what the sweeper already took back is not sent here), and takes the provider's
     * permits so the configured rate holds (what is over the provider's daily cap waits for the next day).
     * Before each notice the campaign is asked about (paused or cancelled: the notice is held and goes back to
     * the queue, or is cancelled); each answer is stored as it comes ({@link OutcomeRecorder}). Returns the last
     * chunk's answers, still being stored ({@code storing}: the ones before, awaited once the first chunk is out).
     */
    private OutcomeRecorder.Ticket sendInChunks(ChannelSender sender, List<ClaimedDelivery> deliveries, long claimedAt,
                                                OutcomeRecorder.Ticket storing) throws SQLException {
        String provider = sender.provider();
        int chunk = Math.min(throttle.chunk(provider), CONTROL_CHUNK);
        long renewEvery = claims.lease().toNanos() / 3;
        long renewedAt = claimedAt;
        List<ClaimedDelivery> left = deliveries;
        // The previous chunk's answers, still being stored while this chunk is sent: a worker waited for them
        // before sending on, which was a third of its time at full speed (bench/README.md). At most one chunk
        // waits: answers still reach the recorder as they come, so at normal speed a crash leaves the same few
        // sent but unrecorded; when the database falls behind, up to two chunks per worker instead of one.
        while (!left.isEmpty()) {
            if (drain.draining()) {
                // shutting down: what is not sent yet goes back to the queue, for the other instances
                awaitStored(storing);
                List<ClaimedDelivery> rest = left;
                drain.handedBack(timed("hand back", () -> claims.handBack(rest)));
                return null;
            }
            if (System.nanoTime() - renewedAt > renewEvery) {
                List<ClaimedDelivery> all = left;
                left = timed("renew", () -> claims.renewLease(all));
                renewedAt = System.nanoTime();
            }
            List<ClaimedDelivery> part = left.subList(0, Math.min(chunk, left.size()));
            left = left.subList(part.size(), left.size());
            int today = throttle.takeToday(provider, part.size());
            if (today < part.size()) {
                claims.deferUntil(part.subList(today, part.size()), throttle.nextDay(), "daily cap of "
                        + throttle.perDay(provider) + " messages for " + provider + " reached");
                part = part.subList(0, today);
                if (part.isEmpty()) {
                    continue;
                }
            }
            long permitsUntil = throttle.acquire(provider, part.size());
            Chunk sent = sendAndHandIn(sender, part, claimedAt, permitsUntil);
            awaitStored(storing);
            storing = sent.storing();
            List<ClaimedDelivery> runAfterAll = runAfterAll(sent);
            if (!runAfterAll.isEmpty()) {
                List<ClaimedDelivery> again = new ArrayList<>(runAfterAll);
                again.addAll(left);
                left = again;
            }
        }
        return storing;
    }

    private void awaitStored(OutcomeRecorder.Ticket storing) throws SQLException {
        if (storing != null) {
            timed("record", () -> {
                storing.awaitStored();
                return null;
            });
        }
    }

    /**
     * A chunk sent: its answers handed to the recorder ({@code storing}), the notices held because the second
     * their permits were for had passed ({@code sendLater}), and those held because their campaign was paused
     * or cancelled ({@code held}).
     */
    private record Chunk(OutcomeRecorder.Ticket storing, List<ClaimedDelivery> sendLater, List<ClaimedDelivery> held) {
    }

    /**
     * The notices of a chunk to send after all: held because the second their permits were for had passed (a
     * slow connection, a starved machine: sent then they would crowd the next second beyond the provider's
     * rate), and held ones whose campaign turned out to run (resumed meanwhile).
     */
    private List<ClaimedDelivery> runAfterAll(Chunk sent) throws SQLException {
        if (sent.held().isEmpty()) {
            return sent.sendLater();
        }
        // Paused: back to the queue as they were; cancelled: cancelled. A campaign resumed meanwhile runs on.
        List<ClaimedDelivery> running = timed("check", () -> claims.keepRunning(sent.held()));
        if (!running.isEmpty()) {
            controls.readNewerThan(System.nanoTime());
        }
        List<ClaimedDelivery> sendLater = new ArrayList<>(sent.sendLater());
        sendLater.addAll(running);
        return sendLater;
    }

    /** One chunk: sends, handing each answer to the recorder as it comes (stored while the next chunk goes out). */
    private Chunk sendAndHandIn(ChannelSender sender, List<ClaimedDelivery> part, long claimedAt, long permitsUntil)
            throws SQLException {
        Map<Long, ClaimedDelivery> byId = new HashMap<>(part.size() * 2);
        part.forEach(d -> byId.put(d.id(), d));
        OutcomeRecorder.Ticket ticket = recorder.ticket();
        Set<Long> answered = new HashSet<>();
        Set<Long> permitsLapsed = new HashSet<>();
        SendWatch watch = new SendWatch() {
            @Override
            public boolean mayStillSend(long deliveryId) {
                if (System.currentTimeMillis() >= permitsUntil) {
                    permitsLapsed.add(deliveryId);
                    return false;
                }
                ClaimedDelivery d = byId.get(deliveryId);
                return d == null || controls.mayStillSend(d.campaignId(), claimedAt);
            }

            @Override
            public void answered(SendResult result) {
                answered.add(result.deliveryId());
                recorder.handIn(ticket, byId.get(result.deliveryId()), result);
            }
        };
        List<SendResult> results = timed("send", () -> sender.send(part, watch));
        List<ClaimedDelivery> held = new ArrayList<>();
        List<ClaimedDelivery> sendLater = new ArrayList<>();
        for (SendResult r : results) {
            if (r.held() && permitsLapsed.contains(r.deliveryId())) {
                sendLater.add(byId.get(r.deliveryId()));
            } else if (r.held()) {
                held.add(byId.get(r.deliveryId()));
            } else if (!answered.contains(r.deliveryId())) {
                recorder.handIn(ticket, byId.get(r.deliveryId()), r);
            }
        }
        return new Chunk(ticket, sendLater, held);
    }

    @Inject
    DeliveryDrain drain;

    @Inject
    ClaimKeeper keeper;

    @Inject
    BatchAcknowledgements acknowledgements;

    /**
     * A batch from the queue. Acknowledged when its outcomes are stored (so the broker's prefetch paces how many
     * batches an instance holds, and one that dies mid-batch leaves it to the others), handed back when it
     * failed; both only on the broker channel that delivered it ({@link BatchAcknowledgements}).
     */
    @Incoming("deliveries-in")
    @Blocking(value = "delivery-workers", ordered = false)
    public CompletionStage<Void> onBatch(Message<String> batch) {
        try {
            take(batch.getPayload());
        } catch (SQLException | RuntimeException e) {
            String why = e.toString();
            LOG.warnf("a batch failed and goes back to the queue: %s", why.length() > 200 ? why.substring(0, 200) + "..." : why);
            return acknowledgements.failed(batch, e);
        }
        return acknowledgements.done(batch);
    }

    private void take(String payload) throws SQLException {
        drain.enter();
        try {
            List<Long> ids = DeliveryBatches.decode(payload);
            if (drain.draining()) {
                claims.leaveForOthers(ids);
                return;
            }
            sendBatch(ids);
        } finally {
            drain.leave();
        }
    }

    /** How many ids of a batch are claimed before its first notice goes out (the rest while those are sent). */
    static final int CLAIMED_FIRST = CONTROL_CHUNK;

    @Inject
    DeliveryConfig config;

    /** Claims the rest of a batch while its first part is sent ({@link SplitClaim}); one thread per worker. */
    private volatile ExecutorService claimAhead;

    private ExecutorService claimAhead() {
        ExecutorService e = claimAhead;
        if (e == null) {
            synchronized (this) {
                if (claimAhead == null) {
                    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
                    claimAhead = Executors.newFixedThreadPool(Math.max(1, config.workers().concurrency()), r -> {
                        Thread t = new Thread(r, "claim-ahead-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                }
                e = claimAhead;
            }
        }
        return e;
    }

    void onStop(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent stop) {
        ExecutorService e = claimAhead;
        if (e != null) {
            e.shutdown();
        }
    }

    private void sendBatch(List<Long> ids) throws SQLException {
        // before the claim statement: a campaign reading newer than this may hold what the claim took (the rest,
        // claimed a little later, may be held by a reading it did not need: asked again, never sent wrongly)
        long claimedAt = System.nanoTime();
        SplitClaim claim = timed("claim", () -> SplitClaim.start(ids, CLAIMED_FIRST, claims::claim, keeper, claimAhead()));
        if (claim.nothingClaimed()) {
            LOG.debugf("batch of %d ids: nothing left to send (settled, paused or claimed elsewhere)", ids.size());
            return;
        }
        List<ClaimedDelivery> first = claim.first();
        List<ClaimedDelivery> later;
        keeper.hold(first);
        try {
            OutcomeRecorder.Ticket storing;
            try {
                storing = send(first, claimedAt, null);
            } catch (SQLException | RuntimeException e) {
                claim.abandon(claims::handBack);
                throw e;
            }
            later = timed("claim", claim::rest);
            try {
                // the first part's last answers are stored while the rest's first chunk goes out
                awaitStored(send(later, claimedAt, storing));
            } finally {
                keeper.release(later);
            }
        } finally {
            keeper.release(first);
        }
        announceSettled(first, later);
    }

    /** Sends a part of a batch; returns its last answers still being stored (with {@code storing} awaited). */
    private OutcomeRecorder.Ticket send(List<ClaimedDelivery> claimed, long claimedAt, OutcomeRecorder.Ticket storing)
            throws SQLException {
        if (claimed.isEmpty()) {
            return storing;
        }
        Map<Channel, List<ClaimedDelivery>> byChannel = new EnumMap<>(Channel.class);
        List<SendResult> results = new ArrayList<>(claimed.size());
        for (ClaimedDelivery d : claimed) {
            Channel channel = d.channel();
            if (d.suppressedBecause() != null) {
                // A provider told us since launch that this address is gone: do not try it.
                results.add(SendResult.undeliverable(d.id(), "address suppressed: " + d.suppressedBecause(), false));
            } else if (channel == null || !senders.containsKey(channel)) {
                results.add(SendResult.fail(d.id(), "its channel is not available in this version"));
            } else {
                byChannel.computeIfAbsent(channel, k -> new ArrayList<>(claimed.size())).add(d);
            }
        }
        if (!results.isEmpty()) {
            outcomes.record(claimed, results);
        }
        for (Map.Entry<Channel, List<ClaimedDelivery>> group : byChannel.entrySet()) {
            ChannelSender sender = senders.get(group.getKey());
            storing = sendInChunks(sender, group.getValue(), claimedAt, storing);
        }
        return storing;
    }

    /** Finishing the last batch finishes the campaign now rather than at the next sweep. */
    private void announceSettled(List<ClaimedDelivery> first, List<ClaimedDelivery> later) throws SQLException {
        Set<String> campaigns = new java.util.LinkedHashSet<>();
        first.forEach(d -> campaigns.add(d.campaignId()));
        later.forEach(d -> campaigns.add(d.campaignId()));
        for (String campaignId : campaigns) {
            timed("complete", () -> {
                settled.fire(new CampaignDeliveriesSettled(campaignId));
                return null;
            });
        }
    }
}
