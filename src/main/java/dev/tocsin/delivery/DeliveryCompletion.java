package dev.tocsin.delivery;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The end of a campaign's deliveries: queued rows of a cancelled campaign cancelled, a running campaign with
 * every slice created and nothing left queued or sending marked completed.
 */
@ApplicationScoped
public class DeliveryCompletion {

    // ---- SQL: every statement of this class, named by what it does ----

    static final String CANCEL_QUEUED = "UPDATE delivery SET status = 'CANCELLED', settled_at = ?,"
            + " updated_at = ?, last_error = 'campaign cancelled before this was sent'"
            + " WHERE campaign_id = ? AND status = 'QUEUED'";

    static final String CANCELLED_CAMPAIGNS = "SELECT id FROM campaign WHERE status = 'CANCELLED'";

    static final String COMPLETE_IF_FINISHED = "UPDATE campaign SET status = 'COMPLETED', completed_at = ?,"
            + " updated_at = ? WHERE id = ? AND status = 'RUNNING' AND deliveries_created_at IS NOT NULL"
            + " AND NOT EXISTS (SELECT 1 FROM delivery d"
            + " WHERE d.campaign_id = ? AND d.status IN ('QUEUED', 'SENDING'))";

    static final String RUNNING_CAMPAIGNS = "SELECT id FROM campaign WHERE status = 'RUNNING'";

    @Inject
    AgroalDataSource dataSource;

    /** Queued deliveries of a cancelled campaign never go out. */
    public int cancelQueued(String campaignId) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(CANCEL_QUEUED)) {
            ps.setObject(1, now);
            ps.setObject(2, now);
            ps.setString(3, campaignId);
            return ps.executeUpdate();
        }
    }

    /**
     * Safety net for rows a retry put back in the queue after their campaign was cancelled: one indexed
     * (campaign, status) update per cancelled campaign, never a scan of every queued row.
     */
    public int cancelQueuedOfCancelledCampaigns() throws SQLException {
        List<String> cancelled = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(CANCELLED_CAMPAIGNS);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                cancelled.add(rs.getString(1));
            }
        }
        int total = 0;
        for (String id : cancelled) {
            total += cancelQueued(id);
        }
        return total;
    }

    /**
     * Marks the campaign completed if it is running, all its deliveries exist (the last slice was created)
     * and nothing of it is left queued or sending.
     */
    public boolean completeIfFinished(String campaignId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return complete(c, campaignId);
        }
    }

    private static boolean complete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COMPLETE_IF_FINISHED)) {
            OffsetDateTime now = OffsetDateTime.now();
            ps.setObject(1, now);
            ps.setObject(2, now);
            ps.setString(3, id);
            ps.setString(4, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Running campaigns with nothing left queued or sending become completed. Returns their ids. */
    public List<String> completeFinishedCampaigns() throws SQLException {
        List<String> done = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            List<String> running = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(RUNNING_CAMPAIGNS);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    running.add(rs.getString(1));
                }
            }
            for (String id : running) {
                if (complete(c, id)) {
                    done.add(id);
                }
            }
        }
        return done;
    }
}
