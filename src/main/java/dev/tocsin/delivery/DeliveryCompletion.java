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
 * The end of a cancelled campaign's deliveries: its queued rows are cancelled. (Whether a running campaign is
 * complete is the campaign's own decision: campaign.CampaignLifecycle, told by a CampaignDeliveriesSettled
 * event.)
 */
@ApplicationScoped
public class DeliveryCompletion {

    // ---- SQL: every statement of this class, named by what it does ----

    static final String CANCEL_QUEUED = "UPDATE delivery SET status = 'CANCELLED', settled_at = ?,"
            + " updated_at = ?, last_error = 'campaign cancelled before this was sent'"
            + " WHERE campaign_id = ? AND status = 'QUEUED'";

    static final String CANCELLED_CAMPAIGNS = "SELECT id FROM campaign WHERE status = 'CANCELLED'";



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
}
