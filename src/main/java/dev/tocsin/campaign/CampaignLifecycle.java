package dev.tocsin.campaign;

import dev.tocsin.delivery.CampaignDeliveriesSettled;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The campaign's state machine, and the one place its status changes: DRAFT ⇄ APPROVED → (SCHEDULED →) RUNNING
 * ⇄ PAUSED → COMPLETED (→ RUNNING again while a resend goes out), and CANCELLED from anything not finished. Every change fires a
 * {@link CampaignStatusChanged} event (the hook for the audit trail and the coming progress stream). The
 * conditional UPDATEs (WHERE status = ?) are what make one caller win when an operator, the scheduler and
 * another replica act at once.
 */
@ApplicationScoped
public class CampaignLifecycle {

    private static final Logger LOG = Logger.getLogger(CampaignLifecycle.class);

    /** Which status may follow which. */
    static final Map<CampaignStatus, Set<CampaignStatus>> ALLOWED = new EnumMap<>(Map.of(
            CampaignStatus.DRAFT, EnumSet.of(CampaignStatus.DRAFT, CampaignStatus.APPROVED, CampaignStatus.CANCELLED),
            CampaignStatus.APPROVED, EnumSet.of(CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.RUNNING,
                    CampaignStatus.CANCELLED),
            CampaignStatus.SCHEDULED, EnumSet.of(CampaignStatus.RUNNING, CampaignStatus.CANCELLED),
            CampaignStatus.RUNNING, EnumSet.of(CampaignStatus.PAUSED, CampaignStatus.COMPLETED, CampaignStatus.CANCELLED),
            CampaignStatus.PAUSED, EnumSet.of(CampaignStatus.RUNNING, CampaignStatus.CANCELLED),
            // a resend (support's) runs a completed campaign again until it is settled
            CampaignStatus.COMPLETED, EnumSet.of(CampaignStatus.RUNNING),
            CampaignStatus.CANCELLED, EnumSet.noneOf(CampaignStatus.class)));

    /** A campaign's status changed (after the statement, inside its transaction). */
    public record CampaignStatusChanged(String campaignId, CampaignStatus from, CampaignStatus to) {
    }

    // ---- SQL: every statement of this class, named by what it does ----

    static final String MOVE = "UPDATE campaign SET status = ?, updated_at = ? WHERE id = ? AND status = ?";

    static final String START = "UPDATE campaign SET status = 'RUNNING', launched_at = ?,"
            + " updated_at = ?, published_at = NULL WHERE id = ? AND status = ?";

    static final String RECORD_AUDIENCE = "UPDATE campaign SET audience_total = ?, unreachable = ? WHERE id = ?";

    static final String COMPLETE_IF_FINISHED = "UPDATE campaign SET status = 'COMPLETED', completed_at = ?,"
            + " updated_at = ? WHERE id = ? AND status = 'RUNNING' AND deliveries_created_at IS NOT NULL"
            + " AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.campaign_id = ? AND d.status IN ('QUEUED', 'SENDING'))";

    /**
     * When the last notice went out, for the deadline clocks (resends do not count): taken once, after the
     * completion, in a statement of its own. Inside the completion check (run after every settled batch) its
     * estimated cost made PostgreSQL JIT-compile that check: 850 ms each time at 10M deliveries.
     */
    static final String TAKE_LAST_NOTICE = "UPDATE campaign SET last_notice_sent_at ="
            + " (SELECT MAX(s.sent_at) FROM delivery s WHERE s.campaign_id = ? AND s.resend_of IS NULL)"
            + " WHERE id = ? AND status = 'COMPLETED'";

    static final String RUNNING_CAMPAIGNS = "SELECT id FROM campaign WHERE status = 'RUNNING'";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Event<CampaignStatusChanged> changes;

    public static boolean allowed(CampaignStatus from, CampaignStatus to) {
        return ALLOWED.get(from).contains(to);
    }

    /** Moves a loaded campaign (inside the caller's transaction); the caller has told the user why not, if not. */
    public void move(Campaign c, CampaignStatus to) {
        CampaignStatus from = c.status;
        if (from != null && !allowed(from, to)) {
            throw new IllegalStateException("campaign " + c.id + " cannot go from " + from + " to " + to);
        }
        c.status = to;
        c.updatedAt = OffsetDateTime.now();
        if (from != to) {
            changes.fire(new CampaignStatusChanged(c.id, from, to));
        }
    }

    /** Moves the campaign from {@code from} to {@code to} if it is still there; returns whether it moved. */
    public boolean moveIf(Connection conn, String id, CampaignStatus from, CampaignStatus to) throws SQLException {
        requireAllowed(from, to);
        try (PreparedStatement ps = conn.prepareStatement(MOVE)) {
            ps.setString(1, to.name());
            ps.setObject(2, OffsetDateTime.now());
            ps.setString(3, id);
            ps.setString(4, from.name());
            return moved(ps.executeUpdate() == 1, id, from, to);
        }
    }

    /** Starts the campaign (APPROVED or SCHEDULED to RUNNING); whether this caller won. */
    public boolean start(Connection conn, String id, CampaignStatus from) throws SQLException {
        requireAllowed(from, CampaignStatus.RUNNING);
        try (PreparedStatement ps = conn.prepareStatement(START)) {
            OffsetDateTime now = OffsetDateTime.now();
            ps.setObject(1, now);
            ps.setObject(2, now);
            ps.setString(3, id);
            ps.setString(4, from.name());
            return moved(ps.executeUpdate() == 1, id, from, CampaignStatus.RUNNING);
        }
    }

    /** The size of the started campaign's audience, and how many of it no channel reaches. */
    public void recordAudience(Connection conn, String id, long audienceTotal, long unreachable) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(RECORD_AUDIENCE)) {
            ps.setLong(1, audienceTotal);
            ps.setLong(2, unreachable);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    /**
     * Completes a running campaign whose deliveries all exist (the last slice was created) and none is left
     * queued or sending. Returns whether it completed now.
     */
    public boolean completeIfFinished(String id) throws SQLException {
        try (Connection conn = dataSource.getConnection()) {
            return complete(conn, id);
        }
    }

    /** Running campaigns with nothing left queued or sending become completed. Returns their ids. */
    public List<String> completeFinishedCampaigns() throws SQLException {
        List<String> done = new ArrayList<>();
        try (Connection conn = dataSource.getConnection()) {
            List<String> running = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement(RUNNING_CAMPAIGNS);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    running.add(rs.getString(1));
                }
            }
            for (String id : running) {
                if (complete(conn, id)) {
                    done.add(id);
                }
            }
        }
        return done;
    }

    /** The delivery core says results came in: the campaign (or every running one) may be complete now. */
    void onSettled(@Observes CampaignDeliveriesSettled settled) {
        try {
            if (settled.campaignId() != null) {
                completeIfFinished(settled.campaignId());
            } else {
                completeFinishedCampaigns();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the completion check failed: " + e.getMessage(), e);
        }
    }

    /** A completed campaign got a delivery to send (a fallback after late word): it runs again until it settles. */
    void onQueuedAgain(@Observes dev.tocsin.delivery.CampaignDeliveriesQueuedAgain queued) {
        if (queued.campaignId() == null) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            moveIf(c, queued.campaignId(), CampaignStatus.COMPLETED, CampaignStatus.RUNNING);
        } catch (SQLException e) {
            throw new IllegalStateException("the campaign could not run again: " + e.getMessage(), e);
        }
    }

    private boolean complete(Connection conn, String id) throws SQLException {
        boolean autoCommit = conn.getAutoCommit();
        conn.setAutoCommit(false); // completed and its last notice's time, together or not at all
        try {
            try (PreparedStatement ps = conn.prepareStatement(COMPLETE_IF_FINISHED)) {
                OffsetDateTime now = OffsetDateTime.now();
                ps.setObject(1, now);
                ps.setObject(2, now);
                ps.setString(3, id);
                ps.setString(4, id);
                if (ps.executeUpdate() != 1) {
                    conn.rollback();
                    return false;
                }
            }
            try (PreparedStatement ps = conn.prepareStatement(TAKE_LAST_NOTICE)) {
                ps.setString(1, id);
                ps.setString(2, id);
                ps.executeUpdate();
            }
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(autoCommit);
        }
        LOG.infof("campaign %s completed: every delivery reached a result", id);
        changes.fire(new CampaignStatusChanged(id, CampaignStatus.RUNNING, CampaignStatus.COMPLETED));
        return true;
    }

    private boolean moved(boolean moved, String id, CampaignStatus from, CampaignStatus to) {
        if (moved && from != to) {
            changes.fire(new CampaignStatusChanged(id, from, to));
        }
        return moved;
    }

    private static void requireAllowed(CampaignStatus from, CampaignStatus to) {
        if (!allowed(from, to)) {
            throw new IllegalStateException("a campaign cannot go from " + from + " to " + to);
        }
    }
}
