package dev.tocsin.delivery;

import dev.tocsin.audience.Segment;
import dev.tocsin.channel.email.SendResult;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Every state change of deliveries, as set-based or batched conditional SQL. The conditions
 * (status = 'QUEUED', claim_token = ?) are what make "at most one send per delivery" hold across
 * workers, redelivered messages and replicas.
 */
@ApplicationScoped
public class DeliveryStore {

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "tocsin.delivery.lease")
    Duration lease;

    @ConfigProperty(name = "tocsin.delivery.retry-base", defaultValue = "PT30S")
    Duration retryBase;

    @ConfigProperty(name = "tocsin.delivery.retry-max", defaultValue = "PT1H")
    Duration retryMax;

    /** Creates the campaign's deliveries for one channel with one INSERT ... SELECT; returns how many. */
    public int createDeliveries(Connection c, String campaignId, String incidentId, String channel, Segment segment)
            throws SQLException {
        String addressColumn = switch (channel) {
            case "email" -> "a.email";
            case "sms" -> "a.phone";
            default -> throw new IllegalArgumentException("no address column for channel " + channel);
        };
        Segment.Sql where = segment.toSql();
        String sql = "INSERT INTO delivery (campaign_id, account_id, channel, address, locale, status, attempts,"
                + " created_at, updated_at)"
                + " SELECT CAST(? AS VARCHAR(36)), a.account_id, CAST(? AS VARCHAR(10)), " + addressColumn + ", a.locale,"
                + " 'QUEUED', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP"
                + " FROM exposure e JOIN account a ON a.account_id = e.account_id"
                + " WHERE e.incident_id = ? AND " + addressColumn + " IS NOT NULL AND " + where.where();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, campaignId);
            ps.setString(i++, channel);
            ps.setString(i++, incidentId);
            for (Object p : where.params()) {
                ps.setObject(i++, p);
            }
            return ps.executeUpdate();
        }
    }

    /**
     * Streams ids of queued deliveries that are due and not handed to the queue since {@code olderThan}
     * (null: only those never handed over), marking each chunk as enqueued before handing it on.
     */
    public int forEachDueChunk(String campaignId, OffsetDateTime olderThan, int chunkSize, int limit,
                               Consumer<List<Long>> publish) throws SQLException {
        int total = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // PostgreSQL streams a result set only inside a transaction
            String sql = "SELECT d.id FROM delivery d WHERE d.status = 'QUEUED'"
                    + (campaignId != null ? " AND d.campaign_id = ?" : "")
                    + " AND (d.enqueued_at IS NULL" + (olderThan != null ? " OR d.enqueued_at < ?" : "") + ")"
                    + " AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)"
                    + " AND d.campaign_id IN (SELECT id FROM campaign WHERE status = 'RUNNING')"
                    + " ORDER BY d.id";
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (campaignId != null) {
                    ps.setString(i++, campaignId);
                }
                if (olderThan != null) {
                    ps.setObject(i++, olderThan);
                }
                ps.setObject(i, OffsetDateTime.now());
                ps.setFetchSize(chunkSize * 10);
                ps.setMaxRows(limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                        if (ids.size() == chunkSize) {
                            total += handOver(ids, publish);
                            ids = new ArrayList<>();
                        }
                    }
                }
            }
            c.commit();
            total += handOver(ids, publish);
        }
        return total;
    }

    private int handOver(List<Long> ids, Consumer<List<Long>> publish) throws SQLException {
        if (ids.isEmpty()) {
            return 0;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE delivery SET enqueued_at = ? WHERE id IN (" + placeholders(ids.size()) + ")")) {
            ps.setObject(1, OffsetDateTime.now());
            for (int i = 0; i < ids.size(); i++) {
                ps.setLong(i + 2, ids.get(i));
            }
            ps.executeUpdate();
        }
        publish.accept(ids);
        return ids.size();
    }

    /**
     * Claims the given deliveries for this worker: only rows still queued, due, and of a running campaign.
     * Returns the claimed rows; rows already settled or claimed elsewhere are simply not there.
     */
    public List<ClaimedDelivery> claim(List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        String token = UUID.randomUUID().toString();
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection()) {
            int claimed;
            try (PreparedStatement ps = c.prepareStatement("UPDATE delivery SET status = 'SENDING', claim_token = ?,"
                    + " lease_until = ?, sending_at = ?, attempts = attempts + 1, updated_at = ?"
                    + " WHERE id IN (" + placeholders(ids.size()) + ") AND status = 'QUEUED'"
                    + " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
                    + " AND campaign_id IN (SELECT id FROM campaign WHERE status = 'RUNNING')")) {
                int i = 1;
                ps.setString(i++, token);
                ps.setObject(i++, now.plus(lease));
                ps.setObject(i++, now);
                ps.setObject(i++, now);
                for (Long id : ids) {
                    ps.setLong(i++, id);
                }
                ps.setObject(i, now);
                claimed = ps.executeUpdate();
            }
            if (claimed == 0) {
                return List.of();
            }
            List<ClaimedDelivery> rows = new ArrayList<>(claimed);
            try (PreparedStatement ps = c.prepareStatement("SELECT d.id, d.campaign_id, d.account_id, d.channel, d.address,"
                    + " d.locale, d.attempts, c.max_attempts, c.template_set, a.name, a.timezone, e.categories,"
                    + " i.title, i.description, i.occurred_at, i.discovered_at"
                    + " FROM delivery d JOIN campaign c ON c.id = d.campaign_id JOIN incident i ON i.id = c.incident_id"
                    + " JOIN account a ON a.account_id = d.account_id"
                    + " LEFT JOIN exposure e ON e.incident_id = c.incident_id AND e.account_id = d.account_id"
                    + " WHERE d.claim_token = ? ORDER BY d.id")) {
                ps.setString(1, token);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new ClaimedDelivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getString(9),
                                rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14),
                                rs.getObject(15, OffsetDateTime.class), rs.getObject(16, OffsetDateTime.class)));
                    }
                }
            }
            return rows;
        }
    }

    /** Records each send's outcome: sent, queued again after a backoff, or failed for good. */
    public void record(List<ClaimedDelivery> claimed, List<SendResult> results) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        java.util.Map<Long, ClaimedDelivery> byId = new java.util.HashMap<>();
        claimed.forEach(d -> byId.put(d.id(), d));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement sent = c.prepareStatement("UPDATE delivery SET status = 'SENT', provider_message_id = ?,"
                    + " provider_response = ?, last_error = NULL, sent_at = ?, claim_token = NULL, lease_until = NULL,"
                    + " updated_at = ? WHERE id = ? AND status = 'SENDING'");
                 PreparedStatement retry = c.prepareStatement("UPDATE delivery SET status = 'QUEUED', last_error = ?,"
                         + " next_attempt_at = ?, enqueued_at = NULL, claim_token = NULL, lease_until = NULL, updated_at = ?"
                         + " WHERE id = ? AND status = 'SENDING'");
                 PreparedStatement failed = c.prepareStatement("UPDATE delivery SET status = 'FAILED', last_error = ?,"
                         + " settled_at = ?, claim_token = NULL, lease_until = NULL, updated_at = ?"
                         + " WHERE id = ? AND status = 'SENDING'")) {
                for (SendResult r : results) {
                    ClaimedDelivery d = byId.get(r.deliveryId());
                    if (r.ok()) {
                        sent.setString(1, r.providerMessageId());
                        sent.setString(2, truncate(r.response(), 1000));
                        sent.setObject(3, now);
                        sent.setObject(4, now);
                        sent.setLong(5, r.deliveryId());
                        sent.addBatch();
                    } else if (r.retryable() && d != null && d.attempts() < d.maxAttempts()) {
                        retry.setString(1, truncate("attempt " + d.attempts() + ": " + r.response(), 2000));
                        retry.setObject(2, now.plus(backoff(d.attempts())));
                        retry.setObject(3, now);
                        retry.setLong(4, r.deliveryId());
                        retry.addBatch();
                    } else {
                        String why = r.retryable() ? "gave up after " + (d == null ? "?" : d.attempts()) + " attempts: " + r.response()
                                : r.response();
                        failed.setString(1, truncate(why, 2000));
                        failed.setObject(2, now);
                        failed.setObject(3, now);
                        failed.setLong(4, r.deliveryId());
                        failed.addBatch();
                    }
                }
                sent.executeBatch();
                retry.executeBatch();
                failed.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Exponential backoff with full jitter: base * 2^(attempt-1), capped, times a random factor in [0.5, 1). */
    Duration backoff(int attempt) {
        long base = retryBase.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, retryMax.toMillis());
        long jittered = (long) (capped * (0.5 + ThreadLocalRandom.current().nextDouble() * 0.5));
        return Duration.ofMillis(Math.max(jittered, 1));
    }

    /** Puts deliveries whose worker vanished (lease expired while sending) back in the queue. */
    public int releaseExpiredLeases() throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE delivery SET status = 'QUEUED', claim_token = NULL,"
                     + " lease_until = NULL, enqueued_at = NULL, next_attempt_at = NULL,"
                     + " last_error = 'the worker stopped before recording a result (lease expired)', updated_at = ?"
                     + " WHERE status = 'SENDING' AND lease_until < ?")) {
            ps.setObject(1, now);
            ps.setObject(2, now);
            return ps.executeUpdate();
        }
    }

    /** Queued deliveries of a cancelled campaign never go out. */
    public int cancelQueued(String campaignId) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE delivery SET status = 'CANCELLED', settled_at = ?,"
                     + " updated_at = ?, last_error = 'campaign cancelled before this was sent'"
                     + " WHERE status = 'QUEUED' AND "
                     + (campaignId == null ? "campaign_id IN (SELECT id FROM campaign WHERE status = 'CANCELLED')" : "campaign_id = ?"))) {
            ps.setObject(1, now);
            ps.setObject(2, now);
            if (campaignId != null) {
                ps.setString(3, campaignId);
            }
            return ps.executeUpdate();
        }
    }

    /** Marks the campaign completed if it is running and nothing of it is left queued or sending. */
    public boolean completeIfFinished(String campaignId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return complete(c, campaignId);
        }
    }

    private static boolean complete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE campaign SET status = 'COMPLETED', completed_at = ?,"
                + " updated_at = ? WHERE id = ? AND status = 'RUNNING' AND NOT EXISTS (SELECT 1 FROM delivery d"
                + " WHERE d.campaign_id = ? AND d.status IN ('QUEUED', 'SENDING'))")) {
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
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM campaign WHERE status = 'RUNNING'");
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

    static String placeholders(int n) {
        return "?,".repeat(n - 1) + "?";
    }

    private static String truncate(String s, int max) {
        if (s == null) {
            return null;
        }
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
