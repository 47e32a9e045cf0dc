package dev.tocsin.delivery;

import dev.tocsin.common.Channel;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import static dev.tocsin.delivery.DeliverySql.truncate;

/**
 * A provider's later word on a sent message (Twilio's status callback today, bounces next): settle the
 * delivery, or keep the word until our record of the send is committed, and apply kept ones later.
 */
@ApplicationScoped
public class ProviderCallbacks {

    // ---- SQL: every statement of this class, named by what it does ----

    static final String SENT_BY_PROVIDER_ID = "SELECT d.id, d.address, c.channels, c.channel_policy"
            + " FROM delivery d JOIN campaign c ON c.id = d.campaign_id"
            + " WHERE d.provider_message_id = ? AND d.channel = 'sms' AND d.status = 'SENT'";

    static final String SETTLE_SENT = "UPDATE delivery SET status = ?, settled_at = ?, updated_at = ?,"
            + " last_error = ? WHERE id = ? AND status = 'SENT'";

    static final String ANY_WITH_PROVIDER_ID = "SELECT 1 FROM delivery WHERE provider_message_id = ? AND channel = 'sms'";

    static final String PARK_CALLBACK = "INSERT INTO provider_callback (channel, provider_message_id,"
            + " status, detail, suppress, received_at) VALUES (?, ?, ?, ?, ?, ?)";

    static final String PARKED_READY = "SELECT p.id, p.channel, p.provider_message_id, p.status,"
            + " p.detail, p.suppress FROM provider_callback p WHERE EXISTS (SELECT 1 FROM delivery d"
            + " WHERE d.provider_message_id = p.provider_message_id AND d.channel = 'sms') ORDER BY p.id";

    static final String BY_ID = "SELECT d.status, d.address, c.channels, c.channel_policy, d.channel"
            + " FROM delivery d JOIN campaign c ON c.id = d.campaign_id WHERE d.id = ?";

    /** Moves only from the statuses given (inlined from the enum, never from a request): a race moves it once. */
    static final String SETTLE_BY_ID = "UPDATE delivery SET status = ?, settled_at = ?, updated_at = ?, last_error = ?"
            + " WHERE id = ? AND status IN (%s)";

    static final String FORGET_OLD_CALLBACKS = "DELETE FROM provider_callback WHERE received_at < ?";

    static final String DELETE_CALLBACK = "DELETE FROM provider_callback WHERE id = ?";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    jakarta.enterprise.event.Event<CampaignDeliveriesQueuedAgain> queuedAgain;

    @Inject
    RetryPolicy retryPolicy;

    static final String CAMPAIGN_OF = "SELECT campaign_id FROM delivery WHERE id = ?";

    private String campaignOf(long deliveryId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CAMPAIGN_OF)) {
            ps.setLong(1, deliveryId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * A provider's later word on a sent message (Twilio status callback, bounce): delivered, or it never
     * arrived. Only a SENT delivery moves, so a repeated or late callback changes nothing. Returns whether a
     * delivery moved.
     */
    public boolean settleFromProvider(Channel channel, String providerMessageId, DeliveryStatus status, String detail,
                                      boolean suppress) throws SQLException {
        requireCallbackChannel(channel);
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long id;
                String address;
                String channels;
                String policy;
                try (PreparedStatement ps = c.prepareStatement(SENT_BY_PROVIDER_ID)) {
                    ps.setString(1, providerMessageId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return false;
                        }
                        id = rs.getLong(1);
                        address = rs.getString(2);
                        channels = rs.getString(3);
                        policy = rs.getString(4);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(SETTLE_SENT)) {
                    ps.setString(1, status.name());
                    ps.setObject(2, now);
                    ps.setObject(3, now);
                    ps.setString(4, status == DeliveryStatus.DELIVERED ? null : truncate(detail, 2000));
                    ps.setLong(5, id);
                    if (ps.executeUpdate() != 1) {
                        c.rollback();
                        return false;
                    }
                }
                try (PreparedStatement event = c.prepareStatement(DeliveryOutcomes.INSERT_EVENT)) {
                    DeliveryOutcomes.addEvent(event, id, status.name(), now, detail);
                    event.executeBatch();
                }
                boolean queued = false;
                if (status != DeliveryStatus.DELIVERED) {
                    if (suppress) {
                        DeliveryOutcomes.suppress(c, channel, address, detail, now);
                    }
                    queued = DeliveryOutcomes.fallBack(c, id, channel, channels, policy, now);
                }
                c.commit();
                if (queued) {
                    queuedAgain.fire(new CampaignDeliveriesQueuedAgain(campaignOf(id)));
                }
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** What a word about one delivery did. */
    public enum Settled { MOVED, UNKNOWN, OTHER_CHANNEL, ALREADY }

    /**
     * Later word about one delivery known by its id (a letter handed to the mail house, a letter that came
     * back): moves it to {@code status} only from one of {@code from}, with an event; a delivery that did not
     * arrive may suppress its address for later campaigns and falls back to the campaign's next channel under
     * first-available. Nothing else moves it, so a repeated word changes nothing.
     */
    public Settled settleById(Channel channel, long deliveryId, DeliveryStatus status, java.util.Set<DeliveryStatus> from,
                              String detail, boolean suppress) throws SQLException {
        return settleById(channel, deliveryId, status, from, detail, suppress, status != DeliveryStatus.DELIVERED, null);
    }

    /**
     * As above; {@code fallBack} says whether the person still needs reaching on another channel (not after a
     * complaint: they got the notice); {@code receipt} (or null) names the report, so the same report applied
     * again changes nothing ({@link #firstTime}).
     */
    public Settled settleById(Channel channel, long deliveryId, DeliveryStatus status, java.util.Set<DeliveryStatus> from,
                              String detail, boolean suppress, boolean fallBack, String receipt) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!firstTime(c, receipt, deliveryId, now)) {
                    c.rollback();
                    return Settled.ALREADY;
                }
                String address;
                String channels;
                String policy;
                try (PreparedStatement ps = c.prepareStatement(BY_ID)) {
                    ps.setLong(1, deliveryId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return Settled.UNKNOWN;
                        }
                        if (!channel.code().equals(rs.getString(5))) {
                            c.rollback();
                            return Settled.OTHER_CHANNEL;
                        }
                        if (!from.contains(DeliveryStatus.valueOf(rs.getString(1)))) {
                            c.rollback();
                            return Settled.ALREADY;
                        }
                        address = rs.getString(2);
                        channels = rs.getString(3);
                        policy = rs.getString(4);
                    }
                }
                String allowed = String.join(",", from.stream().map(f -> "'" + f.name() + "'").sorted().toList());
                try (PreparedStatement ps = c.prepareStatement(SETTLE_BY_ID.formatted(allowed))) {
                    ps.setString(1, status.name());
                    ps.setObject(2, now);
                    ps.setObject(3, now);
                    ps.setString(4, status == DeliveryStatus.DELIVERED ? null : truncate(detail, 2000));
                    ps.setLong(5, deliveryId);
                    if (ps.executeUpdate() == 0) {
                        c.rollback();
                        return Settled.ALREADY;
                    }
                }
                try (PreparedStatement event = c.prepareStatement(DeliveryOutcomes.INSERT_EVENT)) {
                    DeliveryOutcomes.addEvent(event, deliveryId, status.name(), now, detail);
                    event.executeBatch();
                }
                if (suppress) {
                    DeliveryOutcomes.suppress(c, channel, address, detail, now);
                }
                boolean queued = fallBack && DeliveryOutcomes.fallBack(c, deliveryId, channel, channels, policy, now);
                c.commit();
                if (queued) {
                    queuedAgain.fire(new CampaignDeliveriesQueuedAgain(campaignOf(deliveryId)));
                }
                return Settled.MOVED;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    static final String STATUS_OF = "SELECT status, channel FROM delivery WHERE id = ?";

    static final String KEEP_RECEIPT = "INSERT INTO feedback_receipt (receipt, delivery_id, received_at) VALUES (?, ?, ?)";

    static final String FORGET_OLD_RECEIPTS = "DELETE FROM feedback_receipt WHERE received_at < ?";

    /**
     * Keeps a report's identity in the transaction that applies it: false when it was applied before (a bounce
     * read again after a crash between the commit and moving the message, an SNS notification delivered twice).
     * A concurrent twin waits on the key and then finds it. A null receipt (a report without identity) is
     * always new.
     */
    static boolean firstTime(Connection c, String receipt, long deliveryId, OffsetDateTime now) throws SQLException {
        if (receipt == null) {
            return true;
        }
        try (PreparedStatement ps = c.prepareStatement(KEEP_RECEIPT)) {
            ps.setString(1, truncate(receipt, 100));
            ps.setLong(2, deliveryId);
            ps.setObject(3, now);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                return false; // unique violation: PostgreSQL and H2 alike
            }
            throw e;
        }
    }

    /** Forgets receipts older than {@code maxAge}: no relay retries a report for that long. */
    public int forgetOldReceipts(Duration maxAge) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FORGET_OLD_RECEIPTS)) {
            ps.setObject(1, OffsetDateTime.now().minus(maxAge));
            return ps.executeUpdate();
        }
    }

    /**
     * Later word that changes nothing but the history (a delayed-delivery report: the relay keeps trying): an
     * event on a delivery of the channel, once per receipt. Returns what it did.
     */
    public Settled noteById(Channel channel, long deliveryId, String status, String detail, String receipt) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(STATUS_OF)) {
                    ps.setLong(1, deliveryId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return Settled.UNKNOWN;
                        }
                        if (!channel.code().equals(rs.getString(2))) {
                            c.rollback();
                            return Settled.OTHER_CHANNEL;
                        }
                    }
                }
                if (!firstTime(c, receipt, deliveryId, now)) {
                    c.rollback();
                    return Settled.ALREADY;
                }
                try (PreparedStatement event = c.prepareStatement(DeliveryOutcomes.INSERT_EVENT)) {
                    DeliveryOutcomes.addEvent(event, deliveryId, status, now, detail);
                    event.executeBatch();
                }
                c.commit();
                return Settled.MOVED;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    static final String FOR_RETRY = "SELECT d.status, d.channel, d.attempts, c.max_attempts, c.status"
            + " FROM delivery d JOIN campaign c ON c.id = d.campaign_id WHERE d.id = ?";

    static final String SEND_AGAIN = "UPDATE delivery SET status = 'QUEUED', last_error = ?, next_attempt_at = ?,"
            + " enqueued_at = NULL, claim_token = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'SENT'";

    /** What a soft bounce did. */
    public enum Retried { QUEUED_AGAIN, GAVE_UP, ALREADY, UNKNOWN, OTHER_CHANNEL }

    /**
     * A sent message the relay gave up on for a reason that may pass (a full mailbox, a greylisting server that
     * timed out): sent again after the campaign's retry backoff while attempts are left, as a failed send would
     * be; once they are spent it ends as bounced (the address is not suppressed: the reason was temporary) and
     * the campaign's next channel is tried under first-available. Only a sent delivery of a campaign not
     * cancelled moves (a paused one sends it on resuming); once per receipt.
     */
    public Retried retryById(Channel channel, long deliveryId, String detail, String receipt) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        int attempts;
        int maxAttempts;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(FOR_RETRY)) {
                    ps.setLong(1, deliveryId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return Retried.UNKNOWN;
                        }
                        if (!channel.code().equals(rs.getString(2))) {
                            c.rollback();
                            return Retried.OTHER_CHANNEL;
                        }
                        String campaignStatus = rs.getString(5);
                        if (!"SENT".equals(rs.getString(1))
                                || !java.util.Set.of("RUNNING", "PAUSED", "COMPLETED").contains(campaignStatus)) {
                            c.rollback();
                            return Retried.ALREADY;
                        }
                        attempts = rs.getInt(3);
                        maxAttempts = rs.getInt(4);
                    }
                }
                if (!firstTime(c, receipt, deliveryId, now)) {
                    c.rollback();
                    return Retried.ALREADY;
                }
                if (attempts >= maxAttempts) {
                    c.rollback(); // settled below in a transaction of its own, with the receipt
                } else {
                    OffsetDateTime next = now.plus(retryPolicy.backoff(attempts));
                    String why = truncate("soft bounce after attempt " + attempts + ": " + detail, 2000);
                    try (PreparedStatement ps = c.prepareStatement(SEND_AGAIN)) {
                        ps.setString(1, why);
                        ps.setObject(2, next);
                        ps.setObject(3, now);
                        ps.setLong(4, deliveryId);
                        if (ps.executeUpdate() != 1) {
                            c.rollback();
                            return Retried.ALREADY;
                        }
                    }
                    try (PreparedStatement event = c.prepareStatement(DeliveryOutcomes.INSERT_EVENT)) {
                        DeliveryOutcomes.addEvent(event, deliveryId, "SOFT_BOUNCE", now, detail);
                        DeliveryOutcomes.addEvent(event, deliveryId, "QUEUED", now, why + "; next attempt at " + next);
                        event.executeBatch();
                    }
                    c.commit();
                    queuedAgain.fire(new CampaignDeliveriesQueuedAgain(campaignOf(deliveryId)));
                    return Retried.QUEUED_AGAIN;
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        Settled settled = settleById(channel, deliveryId, DeliveryStatus.BOUNCED, java.util.Set.of(DeliveryStatus.SENT),
                "soft bounces, gave up after " + attempts + " attempts: " + detail, false, true, receipt);
        return settled == Settled.MOVED ? Retried.GAVE_UP : Retried.ALREADY;
    }

    /** Suppresses an address a provider reported without naming one of our messages (a bounce, a complaint). */
    public void suppressAddress(Channel channel, String address, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            DeliveryOutcomes.suppress(c, channel, address, reason, OffsetDateTime.now());
        }
    }

    /**
     * SMS is the one channel whose provider calls back with its message id (Twilio's SID): the queries name it,
     * so PostgreSQL can use the provider-id index, which holds SMS rows only (V13).
     */
    private static void requireCallbackChannel(Channel channel) {
        if (channel != Channel.SMS) {
            throw new IllegalArgumentException("provider callbacks are kept for SMS only, not " + channel);
        }
    }

    /**
     * A provider callback for a message id no delivery carries yet: our record of the send may simply not be
     * committed. Returns true if it was kept for later (false: a delivery has that id, so it is not early).
     */
    public boolean parkIfEarly(Channel channel, String providerMessageId, DeliveryStatus status, String detail,
                               boolean suppress) throws SQLException {
        requireCallbackChannel(channel);
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(ANY_WITH_PROVIDER_ID)) {
                ps.setString(1, providerMessageId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(PARK_CALLBACK)) {
                ps.setString(1, channel.code());
                ps.setString(2, providerMessageId);
                ps.setString(3, status.name());
                ps.setString(4, truncate(detail, 1000));
                ps.setBoolean(5, suppress);
                ps.setObject(6, OffsetDateTime.now());
                ps.executeUpdate();
            }
            return true;
        }
    }

    /**
     * Applies kept callbacks whose send is now recorded, and forgets those older than {@code maxAge} (a
     * message id we never sent). Returns how many were applied.
     */
    public int applyEarlyCallbacks(java.time.Duration maxAge) throws SQLException {
        record Parked(long id, String channel, String messageId, String status, String detail, boolean suppress) {
        }
        List<Parked> ready = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(PARKED_READY);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ready.add(new Parked(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getBoolean(6)));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(FORGET_OLD_CALLBACKS)) {
                ps.setObject(1, OffsetDateTime.now().minus(maxAge));
                ps.executeUpdate();
            }
        }
        int applied = 0;
        for (Parked p : ready) {
            if (settleFromProvider(Channel.SMS, p.messageId(), DeliveryStatus.valueOf(p.status()), p.detail(), p.suppress())) {
                applied++;
            }
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement(DELETE_CALLBACK)) {
                ps.setLong(1, p.id());
                ps.executeUpdate();
            }
        }
        return applied;
    }
}
