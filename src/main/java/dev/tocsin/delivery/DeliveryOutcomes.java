package dev.tocsin.delivery;

import dev.tocsin.common.Channel;
import dev.tocsin.tracking.NoticeCodes;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import static dev.tocsin.audience.Reachability.addressColumn;
import static dev.tocsin.audience.Reachability.usable;
import static dev.tocsin.delivery.DeliverySql.truncate;

/**
 * Records what each send came to: sent, queued again after the retry policy's wait, or settled for good
 * (failed or undeliverable), which may suppress the address and, under first-available, queue the account on
 * its next channel.
 */
@ApplicationScoped
public class DeliveryOutcomes {

    // ---- SQL: every statement of this class, named by what it does ----

    static final String RETRY = "UPDATE delivery SET status = 'QUEUED', last_error = ?,"
            + " next_attempt_at = ?, enqueued_at = NULL, claim_token = NULL, lease_until = NULL, updated_at = ?"
            + " WHERE id = ? AND status = 'SENDING'";

    static final String SETTLE = "UPDATE delivery SET status = ?, last_error = ?,"
            + " settled_at = ?, claim_token = NULL, lease_until = NULL, updated_at = ?"
            + " WHERE id = ? AND status = 'SENDING'";

    static final String INSERT_EVENT = "INSERT INTO delivery_event (delivery_id, status, at, detail) VALUES (?, ?, ?, ?)";

    static final String DELETE_PUSH_SUBSCRIPTION = "DELETE FROM push_subscription WHERE id = ?";

    static final String SUPPRESS = "MERGE INTO suppression t USING (VALUES (CAST(? AS VARCHAR(10)),"
            + " CAST(? AS VARCHAR(320)), CAST(? AS VARCHAR(1000)))) AS s (channel, address, reason)"
            + " ON t.channel = s.channel AND t.address = s.address"
            + " WHEN NOT MATCHED THEN INSERT (channel, address, reason, created_at) VALUES (s.channel, s.address, s.reason, ?)";

    static final String FALL_BACK = "INSERT INTO delivery (campaign_id, account_id, channel, address,"
            + " locale, status, attempts, next_attempt_at, created_at, updated_at)"
            + " SELECT d.campaign_id, d.account_id, ?, %s, d.locale, 'QUEUED', 0, ?, ?, ?"
            + " FROM delivery d JOIN account a ON a.account_id = d.account_id"
            + " WHERE d.id = ? AND %s AND NOT EXISTS (SELECT 1 FROM delivery x WHERE x.campaign_id = d.campaign_id"
            + " AND x.account_id = d.account_id AND x.channel = ?)";

    /** Each sent notice's verification reference is kept, so support and /verify can find it. */
    @Inject
    NoticeCodes codes;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DeliveryDialect dialect;

    @Inject
    RetryPolicy retryPolicy;

    /**
     * Records each send's outcome: sent, queued again after a backoff, or settled for good (failed or
     * undeliverable). A final outcome may suppress the address and, under the first-available policy,
     * queue the account on its next channel. The happy path's times live on the row; anything else also
     * leaves a delivery_event with its reason.
     */
    public void record(List<ClaimedDelivery> claimed, List<SendResult> results) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        java.util.Map<Long, ClaimedDelivery> byId = new java.util.HashMap<>();
        claimed.forEach(d -> byId.put(d.id(), d));
        List<ClaimedDelivery> settledForGood = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            List<SendResult> sent = new ArrayList<>(results.size());
            try (PreparedStatement retry = c.prepareStatement(RETRY);
                 PreparedStatement settle = c.prepareStatement(SETTLE);
                 PreparedStatement event = c.prepareStatement(INSERT_EVENT)) {
                for (SendResult r : results) {
                    ClaimedDelivery d = byId.get(r.deliveryId());
                    if (r.ok()) {
                        sent.add(r);
                    } else if (r.retryable() && d != null && d.attempts() < d.maxAttempts()) {
                        OffsetDateTime next = now.plus(retryPolicy.backoff(d.attempts()));
                        String why = truncate("attempt " + d.attempts() + ": " + r.response(), 2000);
                        retry.setString(1, why);
                        retry.setObject(2, next);
                        retry.setObject(3, now);
                        retry.setLong(4, r.deliveryId());
                        retry.addBatch();
                        addEvent(event, r.deliveryId(), "QUEUED", now, why + "; next attempt at " + next);
                    } else {
                        String status = r.outcome() == SendResult.Outcome.UNDELIVERABLE ? "UNDELIVERABLE" : "FAILED";
                        String why = truncate(r.retryable() ? "gave up after " + (d == null ? "?" : d.attempts())
                                + " attempts: " + r.response() : r.response(), 2000);
                        settle.setString(1, status);
                        settle.setString(2, why);
                        settle.setObject(3, now);
                        settle.setObject(4, now);
                        settle.setLong(5, r.deliveryId());
                        settle.addBatch();
                        addEvent(event, r.deliveryId(), status, now, why);
                        if (d != null) {
                            settledForGood.add(d);
                            if (r.suppress()) {
                                suppress(c, d.channel(), d.address(), why, now);
                            }
                        }
                    }
                }
                if (!sent.isEmpty()) {
                    String[] references = new String[sent.size()];
                    for (int i = 0; i < references.length; i++) {
                        references[i] = codes.verificationReference(sent.get(i).deliveryId());
                    }
                    dialect.recordSent(c, sent, references, now);
                }
                retry.executeBatch();
                settle.executeBatch();
                event.executeBatch();
                for (ClaimedDelivery d : settledForGood) {
                    fallBack(c, d.id(), d.channel(), d.channels(), d.channelPolicy(), now);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    static void addEvent(PreparedStatement event, long deliveryId, String status, OffsetDateTime at, String detail)
            throws SQLException {
        event.setLong(1, deliveryId);
        event.setString(2, status);
        event.setObject(3, at);
        event.setString(4, truncate(detail, 1000));
        event.addBatch();
    }

    /** A push subscription the push service called gone (404/410) is deleted: the browser will never take it again. */
    static void suppress(Connection c, Channel channel, String address, String reason, OffsetDateTime now)
            throws SQLException {
        if (channel == Channel.PUSH) {
            try (PreparedStatement ps = c.prepareStatement(DELETE_PUSH_SUBSCRIPTION)) {
                ps.setLong(1, Long.parseLong(address));
                ps.executeUpdate();
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(SUPPRESS)) {
            ps.setString(1, channel.code());
            ps.setString(2, address);
            ps.setString(3, truncate(reason, 1000));
            ps.setObject(4, now);
            ps.executeUpdate();
        }
    }

    /**
     * First-available policy: when a delivery ends without reaching the person, queue the account on the next
     * channel in the campaign's order where it has a usable address (at most one delivery per channel).
     * The sweeper hands the new row to the workers. Returns whether a delivery was queued.
     */
    static boolean fallBack(Connection c, long deliveryId, Channel channel, String channels, String policy,
                            OffsetDateTime now) throws SQLException {
        if (!"first-available".equals(policy)) {
            return false;
        }
        List<Channel> order = java.util.Arrays.stream(channels.split(",")).map(Channel::fromCode)
                .flatMap(java.util.Optional::stream).toList();
        int from = order.indexOf(channel);
        for (Channel next : order.subList(from + 1, order.size())) {
            String column = addressColumn(next);
            // next_attempt_at = now: due at once, so the sweeper hands it over at its next pass.
            try (PreparedStatement ps = c.prepareStatement(FALL_BACK.formatted(column, usable(next)))) {
                ps.setString(1, next.code());
                ps.setObject(2, now);
                ps.setObject(3, now);
                ps.setObject(4, now);
                ps.setLong(5, deliveryId);
                ps.setString(6, next.code());
                if (ps.executeUpdate() == 1) {
                    return true;
                }
            }
        }
        return false;
    }
}
