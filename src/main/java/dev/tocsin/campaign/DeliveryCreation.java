package dev.tocsin.campaign;

import dev.tocsin.delivery.DeliveryDispatcher;
import dev.tocsin.delivery.DeliveryHandOver;
import dev.tocsin.delivery.DeliverySlices;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Creates a launched campaign's deliveries slice by slice, in account id order, and hands each slice to the
 * workers as soon as it is committed. The launch itself creates the first, small slice (so an empty audience
 * is still refused at once and the first notices leave within a second); a background job creates the rest.
 * Each slice moves the campaign's creation cursor in the same transaction as its rows, under a lock on the
 * campaign row, so a cancel in between stops creation cleanly and a job that died with its instance is taken
 * up again from the cursor (by {@link CampaignScheduler}) without creating anything twice.
 */
@ApplicationScoped
public class DeliveryCreation {

    @Inject
    CampaignConfig config;

    private static final Logger LOG = Logger.getLogger(DeliveryCreation.class);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DeliverySlices deliveries;

    @Inject
    DeliveryHandOver handOver;

    @Inject
    CampaignLifecycle lifecycle;

    @Inject
    DeliveryDispatcher dispatcher;

    /** Accounts per slice; the first slice, created by the launch request itself, is a tenth of it. */

    /** Campaigns whose creation job runs in this instance. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    /** One thread per campaign being created: a second launch does not wait for a first one's million rows. */
    private final ExecutorService jobs = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "delivery-creator");
        t.setDaemon(true);
        return t;
    });

    /** One slice's new delivery ids, the last account id it covered, and whether it was the campaign's last. */
    record Slice(List<Long> ids, String through, boolean last) {
        static final Slice STOPPED = new Slice(List.of(), null, true);
    }

    int firstSliceSize() {
        return Math.max(1, config.launch().sliceSize() / 10);
    }

    /**
     * Creates the slice after the campaign's cursor on the given connection (inside the caller's transaction)
     * and moves the cursor; the caller has checked, under a lock, that the campaign may have deliveries.
     */
    Slice createSlice(Connection conn, Campaign c, String after, int size) throws SQLException {
        String through = deliveries.sliceEnd(conn, c.incidentId, after, size);
        List<Long> ids = deliveries.createDeliveries(conn, c.id, c.incidentId, c.channelList(), c.channelPolicy,
                c.segment(), after, through);
        try (PreparedStatement ps = conn.prepareStatement("UPDATE campaign SET creation_cursor = ?,"
                + " deliveries_created_at = ?, publish_started_at = ? WHERE id = ?")) {
            OffsetDateTime now = OffsetDateTime.now();
            ps.setString(1, through);
            ps.setObject(2, through == null ? now : null);
            ps.setObject(3, now); // the job's heartbeat: a stale one means it died
            ps.setString(4, c.id);
            ps.executeUpdate();
        }
        return new Slice(ids, through, through == null);
    }

    /**
     * The launch's part, inside its transaction: slices from the first account on until one has a delivery
     * (or the accounts run out, which the launch refuses as an empty audience).
     */
    Slice createFirstSlice(Connection conn, Campaign c) throws SQLException {
        List<Long> ids = new ArrayList<>();
        Slice slice = new Slice(ids, null, false);
        do {
            slice = createSlice(conn, c, slice.through(), firstSliceSize());
            ids.addAll(slice.ids());
        } while (ids.isEmpty() && !slice.last());
        return new Slice(ids, slice.through(), slice.last());
    }

    /** The next slice in a transaction of its own, or STOPPED when the campaign was cancelled or is done. */
    private Slice nextSlice(String id) {
        return QuarkusTransaction.requiringNew().timeout((int) config.launch().timeout().toSeconds()).call(() -> {
            Campaign c = Campaign.findById(id);
            try (Connection conn = dataSource.getConnection()) {
                String cursor;
                try (PreparedStatement ps = conn.prepareStatement("SELECT status, creation_cursor, deliveries_created_at"
                        + " FROM campaign WHERE id = ? FOR UPDATE")) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next() || rs.getObject(3) != null
                                || !Set.of("RUNNING", "PAUSED").contains(rs.getString(1))) {
                            return Slice.STOPPED;
                        }
                        cursor = rs.getString(2);
                    }
                }
                return createSlice(conn, c, cursor, config.launch().sliceSize());
            }
        });
    }

    /**
     * Hands the launch's first slice to the workers and, unless it was the last, creates and hands over the
     * rest in the background. Statistics are refreshed after the first slice and at each tenfold growth, or PostgreSQL would plan the claim
     * of a batch as a scan of every queued row.
     */
    void continueAfterLaunch(String id, Slice first) {
        submit(id, first, false);
    }

    /** {@code resumed}: the job of an instance that died; what it created but never handed over goes first. */
    private void submit(String id, Slice first, boolean resumed) {
        if (!running.add(id)) {
            return;
        }
        jobs.submit(() -> {
            try {
                if (resumed) {
                    handOver.refreshStatistics();
                    dispatcher.publishCampaign(id);
                }
                long created = first.ids().size();
                long analysedAt = Math.max(created, 1);
                // the first slice goes to the workers at once (its few rows are claimed by key whatever the
                // statistics say); the planner's statistics are refreshed while they send it
                dispatcher.publishIds(first.ids(), true);
                if (!resumed) {
                    handOver.refreshStatistics();
                }
                boolean last = first.last();
                while (!last) {
                    Slice slice = nextSlice(id);
                    if (slice == Slice.STOPPED) {
                        LOG.infof("campaign %s: creating deliveries stopped (cancelled)", id);
                        return;
                    }
                    created += slice.ids().size();
                    if (created >= 10 * analysedAt) {
                        handOver.refreshStatistics();
                        analysedAt = created;
                    }
                    dispatcher.publishIds(slice.ids(), false);
                    last = slice.last();
                }
                handOver.markPublished(id);
                LOG.infof("campaign %s: all deliveries created and handed to the workers", id);
                // The workers may have finished everything before the last slice was marked.
                lifecycle.completeIfFinished(id);
            } catch (RuntimeException | SQLException e) {
                // The cursor and the heartbeat stay where they are: the scheduler takes the job up again.
                LOG.warnf("campaign %s: creating deliveries stopped (%s); it will be taken up again", id, e.getMessage());
            } finally {
                running.remove(id);
            }
        });
    }

    /**
     * Takes up creation jobs whose heartbeat is older than {@code staleBefore} (their instance died or lost
     * the database). The conditional update lets one instance win when several look at once.
     */
    public int resumeStalled(OffsetDateTime staleBefore) throws SQLException {
        List<String> stalled = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM campaign WHERE status IN ('RUNNING', 'PAUSED')"
                     + " AND launched_at IS NOT NULL AND deliveries_created_at IS NULL"
                     + " AND COALESCE(publish_started_at, launched_at) < ?")) {
            ps.setObject(1, staleBefore);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stalled.add(rs.getString(1));
                }
            }
        }
        int taken = 0;
        for (String id : stalled) {
            if (running.contains(id)) {
                continue;
            }
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE campaign SET publish_started_at = ?, published_at = NULL"
                         + " WHERE id = ? AND deliveries_created_at IS NULL AND COALESCE(publish_started_at, launched_at) < ?")) {
                ps.setObject(1, OffsetDateTime.now());
                ps.setString(2, id);
                ps.setObject(3, staleBefore);
                if (ps.executeUpdate() == 1) {
                    LOG.warnf("campaign %s: creating its deliveries had stopped; taking it up again", id);
                    submit(id, new Slice(List.of(), null, false), true);
                    taken++;
                }
            }
        }
        return taken;
    }

    @PreDestroy
    void stop() {
        jobs.shutdownNow();
    }
}
