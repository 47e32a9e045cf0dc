package dev.tocsin.delivery;

import dev.tocsin.common.ApiException;
import dev.tocsin.common.Channel;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;

import static dev.tocsin.audience.Reachability.addressColumn;

/**
 * A notice sent again on support's word: a new delivery of the same campaign to the same account, on the same
 * or another channel, naming the one it repeats. Refused while the original (or an earlier resend on that
 * channel) is still on its way, when the address is suppressed, and when the account has no address there.
 * The row is due at once; the sweeper hands it to the workers.
 */
@ApplicationScoped
public class DeliveryResends {

    static final String ORIGINAL = "SELECT d.id, d.campaign_id, d.account_id, d.channel, d.status, d.locale, c.status,"
            + " c.channels FROM delivery d JOIN campaign c ON c.id = d.campaign_id WHERE d.id = ?";

    static final String IN_FLIGHT = "SELECT id FROM delivery WHERE account_id = ? AND campaign_id = ? AND channel = ?"
            + " AND status IN ('QUEUED', 'SENDING')";

    static final String ADDRESS = "SELECT %s FROM account a WHERE a.account_id = ?";

    static final String SUPPRESSED = "SELECT reason FROM suppression WHERE channel = ? AND address = ?";

    static final String INSERT = "INSERT INTO delivery (campaign_id, account_id, channel, address, locale, status,"
            + " attempts, created_at, updated_at, next_attempt_at, resend_of, resend_seq)"
            + " SELECT CAST(? AS VARCHAR(400)), CAST(? AS VARCHAR(400)), CAST(? AS VARCHAR(10)), CAST(? AS VARCHAR(400)),"
            + " CAST(? AS VARCHAR(400)), 'QUEUED', 0, CAST(? AS TIMESTAMP WITH TIME ZONE),"
            + " CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS BIGINT),"
            + " COALESCE(MAX(resend_seq), 0) + 1 FROM delivery"
            + " WHERE account_id = ? AND campaign_id = ? AND channel = ?";

    static final String CREATED = "SELECT id FROM delivery WHERE resend_of = ? AND channel = ? ORDER BY id DESC";

    /** The new delivery, and the campaign's status before it (a COMPLETED campaign runs again for it). */
    public record Created(long id, long original, String campaignId, Channel channel, String campaignStatus) {
    }

    /** Creates the resend inside the caller's transaction; ApiException (404/409) says why not. */
    public Created create(Connection c, long originalId, Channel requested) throws SQLException {
        long id;
        String campaignId;
        String accountId;
        String originalChannel;
        String status;
        String locale;
        String campaignStatus;
        try (PreparedStatement ps = c.prepareStatement(ORIGINAL)) {
            ps.setLong(1, originalId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("delivery", Long.toString(originalId));
                }
                id = rs.getLong(1);
                campaignId = rs.getString(2);
                accountId = rs.getString(3);
                originalChannel = rs.getString(4);
                status = rs.getString(5);
                locale = rs.getString(6);
                campaignStatus = rs.getString(7);
            }
        }
        if (status.equals("QUEUED") || status.equals("SENDING")) {
            throw new ApiException(409, "in_flight", "Delivery " + id + " is still " + status.toLowerCase()
                    + ": wait for its result (GET /api/deliveries/" + id + ") before sending it again.");
        }
        if (campaignStatus.equals("CANCELLED")) {
            throw new ApiException(409, "campaign_cancelled", "The campaign of delivery " + id
                    + " was cancelled: its notice is not sent again.");
        }
        Channel channel = requested != null ? requested : Channel.fromCode(originalChannel)
                .orElseThrow(() -> new ApiException(409, "unknown_channel", "Delivery " + id
                        + " went out on a channel this version does not have; name one (email, sms, push)."));
        try (PreparedStatement ps = c.prepareStatement(IN_FLIGHT)) {
            ps.setString(1, accountId);
            ps.setString(2, campaignId);
            ps.setString(3, channel.code());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new ApiException(409, "in_flight", "A " + channel.code() + " notice of this campaign to this"
                            + " person (delivery " + rs.getLong(1) + ") is still on its way: wait for its result.");
                }
            }
        }
        String address;
        try (PreparedStatement ps = c.prepareStatement(ADDRESS.formatted(addressColumn(channel)))) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                address = rs.next() ? rs.getString(1) : null;
            }
        }
        if (address == null || address.isBlank()) {
            throw new ApiException(409, "no_address", "The account has no " + channel.code()
                    + " address: upload it first, or resend on another channel.");
        }
        if (channel != Channel.PUSH) {
            try (PreparedStatement ps = c.prepareStatement(SUPPRESSED)) {
                ps.setString(1, channel.code());
                ps.setString(2, address);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw new ApiException(409, "address_suppressed", "The account's " + channel.code()
                                + " address is suppressed (" + rs.getString(1) + "): a provider said it cannot be"
                                + " reached. Resend on another channel, or upload a new address.");
                    }
                }
            }
        }
        OffsetDateTime now = OffsetDateTime.now();
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, campaignId);
            ps.setString(2, accountId);
            ps.setString(3, channel.code());
            ps.setString(4, address);
            ps.setString(5, locale);
            ps.setObject(6, now);
            ps.setObject(7, now);
            ps.setObject(8, now);
            ps.setLong(9, id);
            ps.setString(10, accountId);
            ps.setString(11, campaignId);
            ps.setString(12, channel.code());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(CREATED)) {
            ps.setLong(1, id);
            ps.setString(2, channel.code());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Created(rs.getLong(1), id, campaignId, channel, campaignStatus);
            }
        }
    }
}
