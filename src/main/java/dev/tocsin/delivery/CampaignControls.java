package dev.tocsin.delivery;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Which campaigns may still send, as this instance last read them, asked before every single notice. Each
 * instance reads the running campaigns every {@code tocsin.delivery.control-every} and stamps its row in
 * delivery_instance with the database time of that read; a pause or cancel waits until every live instance
 * has read after it ({@link #awaitEveryInstanceRead}). From the answer on, no instance starts another notice
 * of that campaign: at most the one already on each connection's wire still leaves.
 */
@ApplicationScoped
public class CampaignControls {

    private static final Logger LOG = Logger.getLogger(CampaignControls.class);

    // ---- SQL: every statement of this class, named by what it does ----

    static final String DATABASE_NOW = "SELECT CURRENT_TIMESTAMP";

    static final String RUNNING_CAMPAIGNS = "SELECT id FROM campaign WHERE status = 'RUNNING'";

    static final String STAMP = "UPDATE delivery_instance SET read_at = ?, batches_held = ? WHERE instance_id = ?";

    static final String REGISTER = "INSERT INTO delivery_instance (instance_id, read_at, batches_held) VALUES (?, ?, ?)";

    static final String FORGET_LONG_GONE = "DELETE FROM delivery_instance WHERE read_at < ?";

    static final String FORGET_SELF = "DELETE FROM delivery_instance WHERE instance_id = ?";

    /** Batches live instances (stamped within the window) have been delivered and not finished. */
    static final String BATCHES_HELD = "SELECT COALESCE(SUM(batches_held), 0) FROM delivery_instance WHERE read_at >= ?";

    /** Live instances (stamped within the window) whose last read is still older than the change. */
    static final String NOT_YET_READ = "SELECT count(*) FROM delivery_instance WHERE read_at >= ? AND read_at < ?";

    /** The longest a pause or cancel waits for the other instances before it answers anyway (and says so in the log). */
    static final Duration MAX_WAIT = Duration.ofSeconds(5);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DeliveryConfig config;

    /** The campaigns that were running at a read, and when (this process's clock) that read was known to be newer. */
    private record Reading(Set<String> running, long readAfterNanos) {
    }

    private final String instanceId = UUID.randomUUID().toString();
    private volatile Reading last = new Reading(Set.of(), Long.MIN_VALUE);
    private ScheduledExecutorService reader;
    private final Object readLock = new Object();

    void onStart(@Observes StartupEvent start) {
        long every = Math.max(10, config.delivery().controlEvery().toMillis());
        reader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "campaign-controls");
            t.setDaemon(true);
            return t;
        });
        reader.scheduleWithFixedDelay(this::readQuietly, 0, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (reader != null) {
            reader.shutdownNow();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FORGET_SELF)) {
            ps.setString(1, instanceId);
            ps.executeUpdate();
        } catch (SQLException e) {
            // the row ages out of the live window by itself
        }
    }

    /**
     * Whether a notice of this campaign may go now, for rows claimed at {@code claimStartedNanos} (this
     * process's clock, taken before the claim statement ran). A read older than the claim says nothing the
     * claim did not (the claim itself took only running campaigns), so the notice goes.
     */
    public boolean mayStillSend(String campaignId, long claimStartedNanos) {
        Reading reading = last;
        if (reading.readAfterNanos() - claimStartedNanos < 0) {
            return true;
        }
        return reading.running().contains(campaignId);
    }

    /** Reads again unless a read newer than {@code nanos} is already known (a held row turned out to run). */
    void readNewerThan(long nanos) {
        if (last.readAfterNanos() - nanos < 0) {
            readQuietly();
        }
    }

    /**
     * After a campaign stopped (its change committed): waits until every live instance, this one first, has
     * read the campaigns after the change. Returns false if one did not within {@link #MAX_WAIT} (its workers
     * stop at their next read; the log names how many).
     */
    public boolean awaitEveryInstanceRead() {
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        try {
            OffsetDateTime changedBefore = databaseNow();
            read();
            Duration live = liveWindow();
            while (true) {
                long behind = notYetRead(changedBefore, live);
                if (behind == 0) {
                    return true;
                }
                if (System.nanoTime() - deadline > 0) {
                    LOG.warnf("%d instance(s) did not confirm the campaign's stop within %s; they stop at their next read",
                            behind, MAX_WAIT);
                    return false;
                }
                // the other instances read every control-every: look again shortly
                TimeUnit.MILLISECONDS.sleep(Math.max(5, config.delivery().controlEvery().toMillis() / 4));
            }
        } catch (SQLException e) {
            LOG.warnf("could not confirm the campaign's stop with the other instances: %s", e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Inject
    BatchAcknowledgements acknowledgements;

    /**
     * Batches the broker has delivered to live instances and they have not finished (stamped with each read;
     * a dead instance's are back in the queue). Counts only where the broker reports deliveries to us.
     */
    public long batchesHeldByLiveInstances() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(BATCHES_HELD)) {
            ps.setObject(1, databaseNow().minus(liveWindow()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** An instance that has not stamped its row for this long is gone (or stuck): nobody waits for it. */
    private Duration liveWindow() {
        return Duration.ofMillis(Math.max(1000, config.delivery().controlEvery().toMillis() * 20));
    }

    private long notYetRead(OffsetDateTime changedBefore, Duration live) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(NOT_YET_READ)) {
            ps.setObject(1, changedBefore.minus(live));
            ps.setObject(2, changedBefore);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private OffsetDateTime databaseNow() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DATABASE_NOW);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class);
        }
    }

    private void readQuietly() {
        try {
            read();
        } catch (SQLException | RuntimeException e) {
            // the last reading stays; claims newer than it send, as they would without this check
            LOG.debugf("could not read the running campaigns: %s", e.getMessage());
        }
    }

    /**
     * One read in one transaction: its start time (the stamp) comes first, so the campaigns read after it are
     * at least as new as the stamp says.
     */
    private void read() throws SQLException {
        synchronized (readLock) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    OffsetDateTime stamp;
                    try (PreparedStatement ps = c.prepareStatement(DATABASE_NOW); ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        stamp = rs.getObject(1, OffsetDateTime.class);
                    }
                    long readAfter = System.nanoTime();
                    Set<String> running = new HashSet<>();
                    try (PreparedStatement ps = c.prepareStatement(RUNNING_CAMPAIGNS); ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            running.add(rs.getString(1));
                        }
                    }
                    stampRow(c, stamp);
                    c.commit();
                    last = new Reading(Set.copyOf(running), readAfter);
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
        }
    }

    private boolean registered;

    private void stampRow(Connection c, OffsetDateTime stamp) throws SQLException {
        if (!registered) {
            try (PreparedStatement ps = c.prepareStatement(FORGET_LONG_GONE)) {
                ps.setObject(1, stamp.minusDays(1));
                ps.executeUpdate();
            }
        }
        int held = acknowledgements.batchesHeld();
        try (PreparedStatement ps = c.prepareStatement(STAMP)) {
            ps.setObject(1, stamp);
            ps.setInt(2, held);
            ps.setString(3, instanceId);
            if (ps.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(REGISTER)) {
            ps.setString(1, instanceId);
            ps.setObject(2, stamp);
            ps.setInt(3, held);
            ps.executeUpdate();
        }
        registered = true;
    }
}
