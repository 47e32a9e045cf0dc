package dev.tocsin.delivery;

import dev.tocsin.audience.Segment;
import static dev.tocsin.audience.Reachability.addressColumn;
import static dev.tocsin.audience.Reachability.usable;
import dev.tocsin.delivery.SendResult;
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

    /**
     * Creates the deliveries of one slice of the campaign's accounts, those with an id after {@code after}
     * (null: from the first) up to and including {@code through} (null: to the last), with one INSERT ... SELECT
     * per channel (policy "all"), or one in all (policy "first-available": each account on the first channel
     * where it has a usable address). Returns the new delivery ids in ascending order.
     */
    public List<Long> createDeliveries(Connection c, String campaignId, String incidentId, List<String> channels,
                                       String policy, Segment segment, String after, String through) throws SQLException {
        List<Long> ids = new ArrayList<>();
        if ("first-available".equals(policy)) {
            StringBuilder channel = new StringBuilder("CASE");
            StringBuilder address = new StringBuilder("CASE");
            for (String ch : channels) {
                channel.append(" WHEN ").append(usable(ch)).append(" THEN '").append(ch).append("'");
                address.append(" WHEN ").append(usable(ch)).append(" THEN ").append(addressColumn(ch));
            }
            channel.append(" END");
            address.append(" END");
            insert(c, campaignId, incidentId, channel.toString(), address.toString(),
                    channel + " IS NOT NULL", segment, after, through, ids);
        } else {
            for (String ch : channels) {
                insert(c, campaignId, incidentId, "'" + ch + "'", addressColumn(ch), usable(ch), segment, after, through, ids);
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
        try (PreparedStatement ps = c.prepareStatement("SELECT account_id FROM exposure WHERE incident_id = ?"
                + (after == null ? "" : " AND account_id > ?") + " ORDER BY account_id OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY")) {
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

    /**
     * Launch just added up to millions of rows that the planner's statistics know nothing of. With the old
     * figures PostgreSQL claimed a batch of 200 ids by scanning every queued row of the campaign (450 ms a
     * claim at 1M); fresh statistics make it use the primary key.
     */
    public void refreshStatistics() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (var st = c.createStatement()) {
                st.execute(isPostgres(c) ? "ANALYZE delivery" : "ANALYZE TABLE delivery");
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
        int total = stream("SELECT d.id FROM delivery d WHERE d.campaign_id = ? AND d.status = 'QUEUED'"
                        + " AND d.enqueued_at IS NULL AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)"
                        + " AND EXISTS (SELECT 1 FROM campaign c WHERE c.id = d.campaign_id AND c.status = 'RUNNING')"
                        + " ORDER BY d.id", List.of(campaignId, OffsetDateTime.now()), chunkSize, Integer.MAX_VALUE,
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
             PreparedStatement ps = c.prepareStatement("UPDATE campaign SET " + set + " WHERE id = ?")) {
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
        // both made PostgreSQL read every queued row of every running campaign at each sweep (185 ms a sweep
        // on average during a 1M campaign, up to 750 ms).
        return stream("SELECT id FROM ("
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
                        + ") due ORDER BY id",
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
            List<ClaimedRow> rows = isPostgres(c) ? claimReturning(c, ids, token, now) : claimThenRead(c, ids, token, now);
            if (rows.isEmpty()) {
                return List.of();
            }
            java.util.Map<String, ClaimedCampaign> campaigns = claimedCampaigns(c,
                    rows.stream().map(ClaimedRow::campaignId).distinct().toList());
            List<ClaimedDelivery> claimed = new ArrayList<>(rows.size());
            for (ClaimedRow r : rows) {
                claimed.add(new ClaimedDelivery(r.id(), campaigns.get(r.campaignId()), r.accountId(), r.channel(),
                        r.address(), r.locale(), r.attempts(), r.name(), r.timezone(), r.categories(),
                        r.suppressedBecause(), r.country(), r.region(), token));
            }
            claimed.sort(java.util.Comparator.comparingLong(ClaimedDelivery::id));
            return claimed;
        }
    }

    /** A claimed row as the database returns it, before its campaign's shared part is attached. */
    private record ClaimedRow(long id, String campaignId, String accountId, String channel, String address,
                              String locale, int attempts, String name, String timezone, String categories,
                              String suppressedBecause, String country, String region) {
    }

    /**
     * What a worker needs of each claimed delivery (d: delivery, c: its campaign, a: its account); what the
     * campaign's deliveries share is read once per batch ({@link #claimedCampaigns}).
     */
    private static final String CLAIMED_COLUMNS = "d.id, d.campaign_id, d.account_id, d.channel, d.address, d.locale,"
            + " d.attempts, a.name, a.timezone,"
            + " (SELECT e.categories FROM exposure e WHERE e.incident_id = c.incident_id AND e.account_id = d.account_id),"
            + " (SELECT s.reason FROM suppression s WHERE s.channel = d.channel AND s.address = d.address),"
            + " a.country, a.region";

    private static ClaimedRow claimedRow(ResultSet rs) throws SQLException {
        return new ClaimedRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getInt(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                rs.getString(12), rs.getString(13));
    }

    /**
     * PostgreSQL claims and reads a batch in one statement (UPDATE ... FROM ... RETURNING): the second look-up
     * of the same rows was about a quarter of the database's time per notice. H2 has no UPDATE ... FROM.
     */
    private List<ClaimedRow> claimReturning(Connection c, List<Long> ids, String token, OffsetDateTime now)
            throws SQLException {
        List<ClaimedRow> rows = new ArrayList<>(ids.size());
        try (PreparedStatement ps = c.prepareStatement("UPDATE delivery d SET status = 'SENDING', claim_token = ?,"
                + " lease_until = ?, sending_at = ?, attempts = d.attempts + 1, updated_at = ?"
                + " FROM campaign c, account a"
                + " WHERE d.id = ANY (?) AND d.status = 'QUEUED' AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)"
                + " AND c.id = d.campaign_id AND c.status = 'RUNNING' AND a.account_id = d.account_id"
                + " RETURNING " + CLAIMED_COLUMNS)) {
            ps.setString(1, token);
            ps.setObject(2, now.plus(lease));
            ps.setObject(3, now);
            ps.setObject(4, now);
            ps.setArray(5, c.createArrayOf("bigint", ids.toArray()));
            ps.setObject(6, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(claimedRow(rs));
                }
            }
        }
        return rows;
    }

    private List<ClaimedRow> claimThenRead(Connection c, List<Long> ids, String token, OffsetDateTime now)
            throws SQLException {
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
        List<ClaimedRow> rows = new ArrayList<>(claimed);
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CLAIMED_COLUMNS
                + " FROM delivery d JOIN campaign c ON c.id = d.campaign_id JOIN account a ON a.account_id = d.account_id"
                + " WHERE d.id IN (" + placeholders(ids.size()) + ") AND d.claim_token = ?")) {
            int i = 1;
            for (Long id : ids) {
                ps.setLong(i++, id);
            }
            ps.setString(i, token);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(claimedRow(rs));
                }
            }
        }
        return rows;
    }

    /** The shared part of the claimed deliveries' campaigns (usually one), with the incident they tell of. */
    private static java.util.Map<String, ClaimedCampaign> claimedCampaigns(Connection c, List<String> ids)
            throws SQLException {
        java.util.Map<String, ClaimedCampaign> campaigns = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.id, c.max_attempts, c.template_set,"
                + " COALESCE(c.templates_version, 0), c.channels, c.channel_policy, i.title, i.description,"
                + " i.occurred_at, i.discovered_at FROM campaign c JOIN incident i ON i.id = c.incident_id"
                + " WHERE c.id IN (" + placeholders(ids.size()) + ")")) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    campaigns.put(rs.getString(1), new ClaimedCampaign(rs.getString(1), rs.getInt(2), rs.getString(3),
                            rs.getInt(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getObject(9, OffsetDateTime.class), rs.getObject(10, OffsetDateTime.class)));
                }
            }
        }
        return campaigns;
    }

    private volatile Boolean postgres;

    private boolean isPostgres(Connection c) throws SQLException {
        if (postgres == null) {
            postgres = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        }
        return postgres;
    }

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
            try (PreparedStatement retry = c.prepareStatement("UPDATE delivery SET status = 'QUEUED', last_error = ?,"
                         + " next_attempt_at = ?, enqueued_at = NULL, claim_token = NULL, lease_until = NULL, updated_at = ?"
                         + " WHERE id = ? AND status = 'SENDING'");
                 PreparedStatement settle = c.prepareStatement("UPDATE delivery SET status = ?, last_error = ?,"
                         + " settled_at = ?, claim_token = NULL, lease_until = NULL, updated_at = ?"
                         + " WHERE id = ? AND status = 'SENDING'");
                 PreparedStatement event = c.prepareStatement(
                         "INSERT INTO delivery_event (delivery_id, status, at, detail) VALUES (?, ?, ?, ?)")) {
                for (SendResult r : results) {
                    ClaimedDelivery d = byId.get(r.deliveryId());
                    if (r.ok()) {
                        sent.add(r);
                    } else if (r.retryable() && d != null && d.attempts() < d.maxAttempts()) {
                        OffsetDateTime next = now.plus(backoff(d.attempts()));
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
                recordSent(c, sent, now);
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

    /**
     * The common outcome, a chunk of sends accepted, in one statement: a batch of single-row UPDATEs cost
     * 0.47 ms a row in PostgreSQL (each planned anew and each touching every index), most of the database's
     * time per notice in the benchmark.
     */
    private void recordSent(Connection c, List<SendResult> sent, OffsetDateTime now) throws SQLException {
        if (sent.isEmpty()) {
            return;
        }
        if (isPostgres(c)) {
            recordSentFromArrays(c, sent, now);
            return;
        }
        StringBuilder sql = new StringBuilder("MERGE INTO delivery d USING (VALUES ");
        for (int i = 0; i < sent.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(CAST(? AS BIGINT), CAST(? AS VARCHAR(300)), CAST(? AS VARCHAR(1000)),"
                    + " CAST(? AS TIMESTAMP WITH TIME ZONE))");
        }
        sql.append(") AS v (id, message_id, response, sent_at) ON d.id = v.id"
                + " WHEN MATCHED AND d.status = 'SENDING' THEN UPDATE SET status = 'SENT', provider_message_id = v.message_id,"
                + " provider_response = v.response, last_error = NULL, sent_at = v.sent_at, claim_token = NULL,"
                + " lease_until = NULL, updated_at = CAST(? AS TIMESTAMP WITH TIME ZONE)");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (SendResult r : sent) {
                ps.setLong(i++, r.deliveryId());
                ps.setString(i++, r.providerMessageId());
                ps.setString(i++, truncate(r.response(), 1000));
                ps.setObject(i++, r.at());
            }
            ps.setObject(i, now);
            ps.executeUpdate();
        }
    }

    /**
     * PostgreSQL takes the chunk as four arrays: one short statement whatever the chunk's size. Planning the
     * 200-row VALUES list of the MERGE took 0.9-1.3 ms a chunk (every execution is planned anew, see
     * plan_cache_mode in application.properties), this one 0.3 ms; the update itself costs the same.
     */
    private static void recordSentFromArrays(Connection c, List<SendResult> sent, OffsetDateTime now) throws SQLException {
        Long[] ids = new Long[sent.size()];
        String[] messageIds = new String[sent.size()];
        String[] responses = new String[sent.size()];
        String[] sentAt = new String[sent.size()];
        for (int i = 0; i < sent.size(); i++) {
            SendResult r = sent.get(i);
            ids[i] = r.deliveryId();
            messageIds[i] = r.providerMessageId();
            responses[i] = truncate(r.response(), 1000);
            sentAt[i] = r.at() == null ? null : r.at().toString();
        }
        // A MERGE, not UPDATE ... FROM: with the status check in WHERE, statistics taken before the campaign had
        // any row SENDING made PostgreSQL scan every SENDING row for each chunk (150-380 ms); as a MERGE
        // condition it cannot pick that path and looks each id up by its key.
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO delivery d"
                + " USING unnest(?, ?, ?, ?) AS v (id, message_id, response, sent_at) ON d.id = v.id"
                + " WHEN MATCHED AND d.status = 'SENDING' THEN UPDATE SET status = 'SENT',"
                + " provider_message_id = v.message_id, provider_response = v.response, last_error = NULL,"
                + " sent_at = v.sent_at, claim_token = NULL, lease_until = NULL, updated_at = ?")) {
            ps.setArray(1, c.createArrayOf("bigint", ids));
            ps.setArray(2, c.createArrayOf("varchar", messageIds));
            ps.setArray(3, c.createArrayOf("varchar", responses));
            ps.setArray(4, c.createArrayOf("timestamptz", sentAt));
            ps.setObject(5, now);
            ps.executeUpdate();
        }
    }

    private static void addEvent(PreparedStatement event, long deliveryId, String status, OffsetDateTime at, String detail)
            throws SQLException {
        event.setLong(1, deliveryId);
        event.setString(2, status);
        event.setObject(3, at);
        event.setString(4, truncate(detail, 1000));
        event.addBatch();
    }

    /** A push subscription the push service called gone (404/410) is deleted: the browser will never take it again. */
    private static void suppress(Connection c, String channel, String address, String reason, OffsetDateTime now)
            throws SQLException {
        if ("push".equals(channel)) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM push_subscription WHERE id = ?")) {
                ps.setLong(1, Long.parseLong(address));
                ps.executeUpdate();
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO suppression t USING (VALUES (CAST(? AS VARCHAR(10)),"
                + " CAST(? AS VARCHAR(320)), CAST(? AS VARCHAR(1000)))) AS s (channel, address, reason)"
                + " ON t.channel = s.channel AND t.address = s.address"
                + " WHEN NOT MATCHED THEN INSERT (channel, address, reason, created_at) VALUES (s.channel, s.address, s.reason, ?)")) {
            ps.setString(1, channel);
            ps.setString(2, address);
            ps.setString(3, truncate(reason, 1000));
            ps.setObject(4, now);
            ps.executeUpdate();
        }
    }

    /**
     * First-available policy: when a delivery ends without reaching the person, queue the account on the next
     * channel in the campaign's order where it has a usable address (at most one delivery per channel).
     * The sweeper hands the new row to the workers.
     */
    private void fallBack(Connection c, long deliveryId, String channel, String channels, String policy,
                          OffsetDateTime now) throws SQLException {
        if (!"first-available".equals(policy)) {
            return;
        }
        List<String> order = List.of(channels.split(","));
        int from = order.indexOf(channel);
        for (String next : order.subList(from + 1, order.size())) {
            String column = addressColumn(next);
            // next_attempt_at = now: due at once, so the sweeper hands it over at its next pass.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO delivery (campaign_id, account_id, channel, address,"
                    + " locale, status, attempts, next_attempt_at, created_at, updated_at)"
                    + " SELECT d.campaign_id, d.account_id, ?, " + column + ", d.locale, 'QUEUED', 0, ?, ?, ?"
                    + " FROM delivery d JOIN account a ON a.account_id = d.account_id"
                    + " WHERE d.id = ? AND " + usable(next)
                    + " AND NOT EXISTS (SELECT 1 FROM delivery x WHERE x.campaign_id = d.campaign_id"
                    + " AND x.account_id = d.account_id AND x.channel = ?)")) {
                ps.setString(1, next);
                ps.setObject(2, now);
                ps.setObject(3, now);
                ps.setObject(4, now);
                ps.setLong(5, deliveryId);
                ps.setString(6, next);
                if (ps.executeUpdate() == 1) {
                    return;
                }
            }
        }
    }

    /**
     * A provider's later word on a sent message (Twilio status callback, bounce): delivered, or it never
     * arrived. Only a SENT delivery moves, so a repeated or late callback changes nothing. Returns whether a
     * delivery moved.
     */
    public boolean settleFromProvider(String channel, String providerMessageId, DeliveryStatus status, String detail,
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
                try (PreparedStatement ps = c.prepareStatement("SELECT d.id, d.address, c.channels, c.channel_policy"
                        + " FROM delivery d JOIN campaign c ON c.id = d.campaign_id"
                        + " WHERE d.provider_message_id = ? AND d.channel = 'sms' AND d.status = 'SENT'")) {
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
                try (PreparedStatement ps = c.prepareStatement("UPDATE delivery SET status = ?, settled_at = ?, updated_at = ?,"
                        + " last_error = ? WHERE id = ? AND status = 'SENT'")) {
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
                try (PreparedStatement event = c.prepareStatement(
                        "INSERT INTO delivery_event (delivery_id, status, at, detail) VALUES (?, ?, ?, ?)")) {
                    addEvent(event, id, status.name(), now, detail);
                    event.executeBatch();
                }
                if (status != DeliveryStatus.DELIVERED) {
                    if (suppress) {
                        suppress(c, channel, address, detail, now);
                    }
                    fallBack(c, id, channel, channels, policy, now);
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * SMS is the one channel whose provider calls back with its message id (Twilio's SID): the queries name it,
     * so PostgreSQL can use the provider-id index, which holds SMS rows only (V13).
     */
    private static void requireCallbackChannel(String channel) {
        if (!"sms".equals(channel)) {
            throw new IllegalArgumentException("provider callbacks are kept for SMS only, not " + channel);
        }
    }

    /**
     * A provider callback for a message id no delivery carries yet: our record of the send may simply not be
     * committed. Returns true if it was kept for later (false: a delivery has that id, so it is not early).
     */
    public boolean parkIfEarly(String channel, String providerMessageId, DeliveryStatus status, String detail,
                               boolean suppress) throws SQLException {
        requireCallbackChannel(channel);
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM delivery WHERE provider_message_id = ? AND channel = 'sms'")) {
                ps.setString(1, providerMessageId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO provider_callback (channel, provider_message_id,"
                    + " status, detail, suppress, received_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, channel);
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
            try (PreparedStatement ps = c.prepareStatement("SELECT p.id, p.channel, p.provider_message_id, p.status,"
                    + " p.detail, p.suppress FROM provider_callback p WHERE EXISTS (SELECT 1 FROM delivery d"
                    + " WHERE d.provider_message_id = p.provider_message_id AND d.channel = 'sms') ORDER BY p.id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ready.add(new Parked(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getBoolean(6)));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM provider_callback WHERE received_at < ?")) {
                ps.setObject(1, OffsetDateTime.now().minus(maxAge));
                ps.executeUpdate();
            }
        }
        int applied = 0;
        for (Parked p : ready) {
            if (settleFromProvider(p.channel(), p.messageId(), DeliveryStatus.valueOf(p.status()), p.detail(), p.suppress())) {
                applied++;
            }
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("DELETE FROM provider_callback WHERE id = ?")) {
                ps.setLong(1, p.id());
                ps.executeUpdate();
            }
        }
        return applied;
    }

    /** Exponential backoff with full jitter: base * 2^(attempt-1), capped, times a random factor in [0.5, 1). */
    Duration backoff(int attempt) {
        long base = retryBase.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, retryMax.toMillis());
        long jittered = (long) (capped * (0.5 + ThreadLocalRandom.current().nextDouble() * 0.5));
        return Duration.ofMillis(Math.max(jittered, 1));
    }

    /**
     * Claimed deliveries a provider's daily cap leaves unsent today: queued again, due at {@code until}, the
     * attempt not counted (nothing was tried), with the reason in their history.
     */
    public void deferUntil(List<ClaimedDelivery> later, OffsetDateTime until, String reason) throws SQLException {
        if (later.isEmpty()) {
            return;
        }
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("UPDATE delivery SET status = 'QUEUED', claim_token = NULL,"
                    + " lease_until = NULL, enqueued_at = NULL, attempts = attempts - 1, next_attempt_at = ?,"
                    + " last_error = ?, updated_at = ? WHERE id = ? AND status = 'SENDING'");
                 PreparedStatement event = c.prepareStatement(
                         "INSERT INTO delivery_event (delivery_id, status, at, detail) VALUES (?, ?, ?, ?)")) {
                String why = truncate(reason + "; next attempt at " + until, 1000);
                for (ClaimedDelivery d : later) {
                    ps.setObject(1, until);
                    ps.setString(2, why);
                    ps.setObject(3, now);
                    ps.setLong(4, d.id());
                    ps.addBatch();
                    addEvent(event, d.id(), "QUEUED", now, why);
                }
                ps.executeBatch();
                event.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Of claimed deliveries about to be sent, keeps those whose campaign still runs. The others are handed
     * back: queued again, as they were, if their campaign is paused; cancelled if it is cancelled.
     */
    public List<ClaimedDelivery> keepRunning(List<ClaimedDelivery> claimed) throws SQLException {
        List<String> campaigns = claimed.stream().map(ClaimedDelivery::campaignId).distinct().toList();
        java.util.Set<String> running = new java.util.HashSet<>();
        List<String> cancelled = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, status FROM campaign WHERE id IN ("
                    + placeholders(campaigns.size()) + ")")) {
                for (int i = 0; i < campaigns.size(); i++) {
                    ps.setString(i + 1, campaigns.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if ("RUNNING".equals(rs.getString(2))) {
                            running.add(rs.getString(1));
                        } else if ("CANCELLED".equals(rs.getString(2))) {
                            cancelled.add(rs.getString(1));
                        }
                    }
                }
            }
            if (running.size() == campaigns.size()) {
                return claimed;
            }
            List<Long> stopped = claimed.stream().filter(d -> !running.contains(d.campaignId())).map(ClaimedDelivery::id).toList();
            try (PreparedStatement ps = c.prepareStatement("UPDATE delivery SET status = 'QUEUED', claim_token = NULL,"
                    + " lease_until = NULL, enqueued_at = NULL, attempts = attempts - 1, updated_at = ?"
                    + " WHERE status = 'SENDING' AND id IN (" + placeholders(stopped.size()) + ")")) {
                ps.setObject(1, OffsetDateTime.now());
                for (int i = 0; i < stopped.size(); i++) {
                    ps.setLong(i + 2, stopped.get(i));
                }
                ps.executeUpdate();
            }
        }
        for (String campaignId : cancelled) {
            cancelQueued(campaignId);
        }
        return claimed.stream().filter(d -> running.contains(d.campaignId())).toList();
    }

    /** Resume: every queued delivery of the campaign is handed to the workers again. */
    public void forgetHandOver(String campaignId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE delivery SET enqueued_at = NULL WHERE campaign_id = ? AND status = 'QUEUED'")) {
            ps.setString(1, campaignId);
            ps.executeUpdate();
        }
    }

    /**
     * Extends the lease on claimed deliveries a worker has not sent yet (a long batch behind a throttled
     * provider), so the sweeper does not hand them to another worker meanwhile. Returns those it still holds:
     * a row whose lease had already run out and was queued again must not be sent by this worker.
     */
    public List<ClaimedDelivery> renewLease(List<ClaimedDelivery> remaining) throws SQLException {
        if (remaining.isEmpty()) {
            return remaining;
        }
        java.util.Set<Long> held = new java.util.HashSet<>();
        try (Connection c = dataSource.getConnection()) {
            for (List<ClaimedDelivery> sameClaim : remaining.stream()
                    .collect(java.util.stream.Collectors.groupingBy(ClaimedDelivery::claimToken)).values()) {
                String where = " WHERE id IN (" + placeholders(sameClaim.size()) + ") AND claim_token = ? AND status = 'SENDING'";
                try (PreparedStatement ps = c.prepareStatement("UPDATE delivery SET lease_until = ?" + where)) {
                    ps.setObject(1, OffsetDateTime.now().plus(lease));
                    bindClaim(ps, 2, sameClaim);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM delivery" + where)) {
                    bindClaim(ps, 1, sameClaim);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            held.add(rs.getLong(1));
                        }
                    }
                }
            }
        }
        return remaining.stream().filter(d -> held.contains(d.id())).toList();
    }

    private static void bindClaim(PreparedStatement ps, int first, List<ClaimedDelivery> sameClaim) throws SQLException {
        int i = first;
        for (ClaimedDelivery d : sameClaim) {
            ps.setLong(i++, d.id());
        }
        ps.setString(i, sameClaim.get(0).claimToken());
    }

    public Duration lease() {
        return lease;
    }

    /** Puts deliveries whose worker vanished (lease expired while sending) back in the queue. */
    public int releaseExpiredLeases() throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE delivery SET status = 'QUEUED', claim_token = NULL,"
                     + " lease_until = NULL, enqueued_at = NULL, next_attempt_at = ?,"
                     + " last_error = 'the worker stopped before recording a result (lease expired)', updated_at = ?"
                     + " WHERE status = 'SENDING' AND lease_until < ?")) {
            ps.setObject(1, now); // due at once: the sweeper republishes rows with a next attempt time
            ps.setObject(2, now);
            ps.setObject(3, now);
            return ps.executeUpdate();
        }
    }

    /** Queued deliveries of a cancelled campaign never go out. */
    public int cancelQueued(String campaignId) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE delivery SET status = 'CANCELLED', settled_at = ?,"
                     + " updated_at = ?, last_error = 'campaign cancelled before this was sent'"
                     + " WHERE campaign_id = ? AND status = 'QUEUED'")) {
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
             PreparedStatement ps = c.prepareStatement("SELECT id FROM campaign WHERE status = 'CANCELLED'");
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
        try (PreparedStatement ps = c.prepareStatement("UPDATE campaign SET status = 'COMPLETED', completed_at = ?,"
                + " updated_at = ? WHERE id = ? AND status = 'RUNNING' AND deliveries_created_at IS NOT NULL"
                + " AND NOT EXISTS (SELECT 1 FROM delivery d"
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
