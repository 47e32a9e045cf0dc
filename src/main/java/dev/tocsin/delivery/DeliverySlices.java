package dev.tocsin.delivery;

import dev.tocsin.audience.Segment;
import dev.tocsin.common.Channel;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static dev.tocsin.audience.Reachability.addressColumn;
import static dev.tocsin.audience.Reachability.usable;

/**
 * Creates a campaign's deliveries, slice by slice of its accounts in id order (DeliveryCreation in
 * {@code campaign} drives it): one INSERT ... SELECT per channel and slice.
 */
@ApplicationScoped
public class DeliverySlices {

    // ---- SQL: every statement of this class, named by what it does ----

    static final String SLICE_END = "SELECT account_id FROM exposure WHERE incident_id = ?%s ORDER BY account_id OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY";

    /**
     * Creates the deliveries of one slice of the campaign's accounts, those with an id after {@code after}
     * (null: from the first) up to and including {@code through} (null: to the last), with one INSERT ... SELECT
     * per channel (policy "all"), or one in all (policy "first-available": each account on the first channel
     * where it has a usable address). Returns the new delivery ids in ascending order.
     */
    public List<Long> createDeliveries(Connection c, String campaignId, String incidentId, List<Channel> channels,
                                       String policy, Segment segment, String after, String through) throws SQLException {
        List<Long> ids = new ArrayList<>();
        if ("first-available".equals(policy)) {
            StringBuilder channel = new StringBuilder("CASE");
            StringBuilder address = new StringBuilder("CASE");
            for (Channel ch : channels) {
                channel.append(" WHEN ").append(usable(ch)).append(" THEN '").append(ch.code()).append("'");
                address.append(" WHEN ").append(usable(ch)).append(" THEN ").append(addressColumn(ch));
            }
            channel.append(" END");
            address.append(" END");
            insert(c, campaignId, incidentId, channel.toString(), address.toString(),
                    channel + " IS NOT NULL", segment, after, through, ids);
        } else {
            for (Channel ch : channels) {
                insert(c, campaignId, incidentId, "'" + ch.code() + "'", addressColumn(ch), usable(ch), segment, after, through, ids);
            }
        }
        ids.sort(null);
        return ids;
    }

    private void insert(Connection c, String campaignId, String incidentId, String channelExpr, String addressExpr,
                        String reachable, Segment segment, String after, String through, List<Long> ids)
            throws SQLException {
        Segment.Sql where = segment.toSql();
        String sql = "INSERT INTO delivery (campaign_id, account_id, channel, address, locale, status, attempts,"
                + " created_at, updated_at)"
                + " SELECT CAST(? AS VARCHAR(36)), a.account_id, " + channelExpr + ", " + addressExpr + ", a.locale,"
                + " 'QUEUED', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP"
                + " FROM exposure e JOIN account a ON a.account_id = e.account_id"
                + " WHERE e.incident_id = ? AND " + reachable + " AND " + where.where()
                + (after == null ? "" : " AND e.account_id > ?") + (through == null ? "" : " AND e.account_id <= ?");
        try (PreparedStatement ps = c.prepareStatement(sql, new String[]{"id"})) {
            int i = 1;
            ps.setString(i++, campaignId);
            ps.setString(i++, incidentId);
            for (Object p : where.params()) {
                ps.setObject(i++, p);
            }
            if (after != null) {
                ps.setString(i++, after);
            }
            if (through != null) {
                ps.setString(i, through);
            }
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                while (keys.next()) {
                    ids.add(keys.getLong(1));
                }
            }
        }
    }

    /**
     * Where the slice of {@code size} accounts after {@code after} ends: the id of its last account, or null
     * when fewer than that many are left (the slice runs to the end).
     */
    public String sliceEnd(Connection c, String incidentId, String after, int size) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SLICE_END.formatted((after == null ? "" : " AND account_id > ?")))) {
            int i = 1;
            ps.setString(i++, incidentId);
            if (after != null) {
                ps.setString(i++, after);
            }
            ps.setInt(i, size - 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
