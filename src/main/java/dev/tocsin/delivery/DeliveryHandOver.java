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
import java.util.function.Consumer;

import static dev.tocsin.delivery.DeliverySql.placeholders;

/**
 * Hands queued deliveries to the workers: the launch (or resume) publisher, the sweeper's due retries and
 * lost batches, and the marks on campaign and rows that tell one from the other.
 */
@ApplicationScoped
public class DeliveryHandOver {

    // ---- SQL: every statement of this class, named by what it does ----

    static final String PUBLISHABLE = "SELECT d.id FROM delivery d WHERE d.campaign_id = ? AND d.status = 'QUEUED'"
            + " AND d.enqueued_at IS NULL AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)"
            + " AND EXISTS (SELECT 1 FROM campaign c WHERE c.id = d.campaign_id AND c.status = 'RUNNING')"
            + " ORDER BY d.id";

    static final String SWEEP_DUE = "SELECT id FROM ("
            + "SELECT d.id FROM delivery d JOIN campaign c ON c.id = d.campaign_id"
            + " WHERE c.status = 'RUNNING' AND d.status = 'QUEUED'"
            + " AND (d.next_attempt_at IS NOT NULL OR d.enqueued_at IS NOT NULL)"
            + " AND (d.enqueued_at IS NULL OR d.enqueued_at < ?)"
            + " AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)"
            + " UNION ALL "
            + "SELECT d.id FROM delivery d JOIN campaign c ON c.id = d.campaign_id"
            + " WHERE c.status = 'RUNNING'"
            + " AND ((c.published_at IS NULL AND COALESCE(c.publish_started_at, c.launched_at) < ?)"
            + " OR c.published_at < ?)"
            + " AND d.status = 'QUEUED' AND d.enqueued_at IS NULL AND d.next_attempt_at IS NULL"
            + ") due ORDER BY id";

    static final String MARK_PUBLISHING = "UPDATE campaign SET %s WHERE id = ?";

    static final String MARK_HANDED_OVER = "UPDATE delivery SET enqueued_at = ? WHERE id IN (%s)";

    static final String FORGET_HAND_OVER = "UPDATE delivery SET enqueued_at = NULL WHERE campaign_id = ? AND status = 'QUEUED'";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DeliveryDialect dialect;

    /**
     * Launch just added up to millions of rows that the planner's statistics know nothing of. With the old
     * figures PostgreSQL claimed a batch of 200 ids by scanning every queued row of the campaign; fresh
     * statistics make it use the primary key.
     */
    public void refreshStatistics() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (var st = c.createStatement()) {
                st.execute(dialect.analyzeDeliveries());
            }
        }
    }

    /**
     * The launch (or resume) publisher: streams the ids of a campaign's queued deliveries never handed over
     * and hands them on in chunks. Progress is kept on the campaign (started, finished), not on each row, so
     * the sweeper can tell a publisher that died from one still at work.
     */
    public int publishCampaign(String campaignId, int chunkSize, Consumer<List<Long>> publish) throws SQLException {
        markPublishing(campaignId, "publish_started_at = ?, published_at = NULL");
        int total = stream(PUBLISHABLE, List.of(campaignId, OffsetDateTime.now()), chunkSize, Integer.MAX_VALUE,
                ids -> {
                    publish.accept(ids);
                    return ids.size();
                });
        markPublishing(campaignId, "published_at = ?");
        return total;
    }

    /** The creation job handed every slice over: from now on the sweeper's "lost batch" rule applies. */
    public void markPublished(String campaignId) throws SQLException {
        markPublishing(campaignId, "published_at = ?");
    }

    private void markPublishing(String campaignId, String set) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(MARK_PUBLISHING.formatted(set))) {
            ps.setObject(1, OffsetDateTime.now());
            ps.setString(2, campaignId);
            ps.executeUpdate();
        }
    }

    /**
     * The sweeper: streams ids of due queued deliveries of running campaigns that no publisher is handling,
     * marking each chunk as enqueued before handing it on: retries and fallbacks that fell due, rows the
     * sweeper handed over before {@code olderThan} (the batch was lost), and launch rows whose publisher died
     * (started before {@code olderThan}, never finished) or finished before {@code olderThan} (its batch was
     * lost: the queue would have delivered it by then).
     */
    public int sweepDue(OffsetDateTime olderThan, int chunkSize, int limit, Consumer<List<Long>> publish)
            throws SQLException {
        // Two disjoint parts. Rows with a next attempt time or handed over by the sweeper before are few and
        // found through the partial index delivery_handed_again (V16). Rows never handed over by the sweeper
        // are looked at only in campaigns whose publisher died or finished long ago; a single condition over
        // both made PostgreSQL read every queued row of every running campaign at each sweep (bench/README.md).
        return stream(SWEEP_DUE,
                List.of(olderThan, OffsetDateTime.now(), olderThan, olderThan), chunkSize, limit,
                ids -> markAndHandOver(ids, publish));
    }

    private int stream(String sql, List<Object> params, int chunkSize, int limit,
                       SqlFunction<List<Long>, Integer> handOver) throws SQLException {
        int total = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // PostgreSQL streams a result set only inside a transaction
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                ps.setFetchSize(chunkSize * 10);
                ps.setMaxRows(limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                        if (ids.size() == chunkSize) {
                            total += handOver.apply(ids);
                            ids = new ArrayList<>();
                        }
                    }
                }
            }
            c.commit();
            if (!ids.isEmpty()) {
                total += handOver.apply(ids);
            }
        }
        return total;
    }

    @FunctionalInterface
    private interface SqlFunction<T, R> {
        R apply(T t) throws SQLException;
    }

    private int markAndHandOver(List<Long> ids, Consumer<List<Long>> publish) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(MARK_HANDED_OVER.formatted(placeholders(ids.size())))) {
            ps.setObject(1, OffsetDateTime.now());
            for (int i = 0; i < ids.size(); i++) {
                ps.setLong(i + 2, ids.get(i));
            }
            ps.executeUpdate();
        }
        publish.accept(ids);
        return ids.size();
    }

    /** Resume: every queued delivery of the campaign is handed to the workers again. */
    public void forgetHandOver(String campaignId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(FORGET_HAND_OVER)) {
            ps.setString(1, campaignId);
            ps.executeUpdate();
        }
    }
}
