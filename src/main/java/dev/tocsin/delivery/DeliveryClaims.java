package dev.tocsin.delivery;

import dev.tocsin.template.IncidentText;
import dev.tocsin.template.NoticeFacts;

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
import java.util.UUID;

import static dev.tocsin.delivery.DeliverySql.placeholders;
import static dev.tocsin.delivery.DeliverySql.truncate;

/**
 * A worker's hold on deliveries: the claim (only rows still queued, due and of a running campaign), its
 * lease and the renewal of it, the check that a campaign still runs before each chunk, deferral to a later
 * day, and the release of rows whose worker vanished. The conditions (status = 'QUEUED', claim_token = ?) are
 * what make "at most one send per delivery" hold across workers, redelivered messages and replicas.
 */
@ApplicationScoped
public class DeliveryClaims {

    @Inject
    DeliveryConfig config;

    // ---- SQL: every statement of this class, named by what it does ----

    static final String CLAIMED_CAMPAIGNS = "SELECT c.id, c.max_attempts, c.template_set,"
            + " COALESCE(c.templates_version, 0), c.channels, c.channel_policy, i.title, i.description,"
            + " i.occurred_at, i.discovered_at, c.follow_up_of, i.facts, i.company_actions, i.delay_note,"
            + " i.security_measures FROM campaign c JOIN incident i ON i.id = c.incident_id"
            + " WHERE c.id IN (%s)";

    /** Each recipient's sent notices of an earlier campaign, first sent first (a follow-up names the first). */
    static final String ORIGINALS = "SELECT account_id, reference, sent_at FROM delivery WHERE campaign_id = ?"
            + " AND account_id IN (%s) AND sent_at IS NOT NULL AND reference IS NOT NULL ORDER BY sent_at";

    /** The incident's title and description per locale, for the claimed deliveries' campaigns. */
    static final String CLAIMED_TRANSLATIONS = "SELECT c.id, t.locale, t.title, t.description,"
            + " t.company_actions, t.delay_note, t.security_measures FROM campaign c"
            + " JOIN incident_translation t ON t.incident_id = c.incident_id WHERE c.id IN (%s)";

    static final String DEFER = "UPDATE delivery SET status = 'QUEUED', claim_token = NULL,"
            + " lease_until = NULL, enqueued_at = NULL, attempts = attempts - 1, next_attempt_at = ?,"
            + " last_error = ?, updated_at = ? WHERE id = ? AND status = 'SENDING'";

    static final String CAMPAIGN_STATUSES = "SELECT id, status FROM campaign WHERE id IN (%s)";

    static final String HAND_BACK = "UPDATE delivery SET status = 'QUEUED', claim_token = NULL,"
            + " lease_until = NULL, enqueued_at = NULL, attempts = attempts - 1, updated_at = ?"
            + " WHERE status = 'SENDING' AND id IN (%s)";

    static final String RENEW_LEASE = "UPDATE delivery SET lease_until = ?"
            + " WHERE id IN (%s) AND claim_token = ? AND status = 'SENDING'";

    static final String STILL_HELD = "SELECT id FROM delivery"
            + " WHERE id IN (%s) AND claim_token = ? AND status = 'SENDING'";

    static final String RELEASE_EXPIRED = "UPDATE delivery SET status = 'QUEUED', claim_token = NULL,"
            + " lease_until = NULL, enqueued_at = NULL, next_attempt_at = ?,"
            + " last_error = 'the worker stopped before recording a result (lease expired)', updated_at = ?"
            + " WHERE status = 'SENDING' AND lease_until < ?";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DeliveryDialect dialect;

    @Inject
    DeliveryCompletion completion;

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
            List<ClaimRow> rows = dialect.claim(c, ids, token, now, config.delivery().lease());
            if (rows.isEmpty()) {
                return List.of();
            }
            java.util.Map<String, ClaimedCampaign> campaigns = claimedCampaigns(c,
                    rows.stream().map(ClaimRow::campaignId).distinct().toList());
            java.util.Map<String, Original> originals = originals(c, rows, campaigns);
            List<ClaimedDelivery> claimed = new ArrayList<>(rows.size());
            for (ClaimRow r : rows) {
                Original original = originals.get(r.campaignId() + "/" + r.accountId());
                claimed.add(new ClaimedDelivery(r.id(), campaigns.get(r.campaignId()), r.accountId(),
                        dev.tocsin.common.Channel.fromCode(r.channel()).orElse(null),
                        r.address(), r.locale(), r.attempts(), r.name(), r.timezone(), r.categories(),
                        r.suppressedBecause(), r.country(), r.region(), token,
                        original == null ? null : original.reference(), original == null ? null : original.sentAt(),
                        r.enrolmentCode()));
            }
            claimed.sort(java.util.Comparator.comparingLong(ClaimedDelivery::id));
            return claimed;
        }
    }

    /** A claimed row as the database returns it, before its campaign's shared part is attached. */
    record ClaimRow(long id, String campaignId, String accountId, String channel, String address,
                              String locale, int attempts, String name, String timezone, String categories,
                              String suppressedBecause, String country, String region, String enrolmentCode) {
    }

    /**
     * What a worker needs of each claimed delivery (d: delivery, c: its campaign, a: its account); what the
     * campaign's deliveries share is read once per batch ({@link #claimedCampaigns}).
     */
    static final String CLAIMED_COLUMNS = "d.id, d.campaign_id, d.account_id, d.channel, d.address, d.locale,"
            + " d.attempts, a.name, a.timezone,"
            // the exposed data and the person's enrolment code in one lookup: "categories|code"
            + " (SELECT e.categories || COALESCE('|' || e.enrolment_code, '') FROM exposure e"
            + " WHERE e.incident_id = c.incident_id AND e.account_id = d.account_id),"
            + " (SELECT s.reason FROM suppression s WHERE s.channel = d.channel AND s.address = d.address),"
            + " a.country, a.region";

    static ClaimRow claimRow(ResultSet rs) throws SQLException {
        String exposure = rs.getString(10);
        int bar = exposure == null ? -1 : exposure.indexOf('|');
        return new ClaimRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getInt(7), rs.getString(8), rs.getString(9),
                bar < 0 ? exposure : exposure.substring(0, bar), rs.getString(11),
                rs.getString(12), rs.getString(13), bar < 0 ? null : exposure.substring(bar + 1));
    }

    /** Every claimed row a statement returns. */
    static List<ClaimRow> claimRows(PreparedStatement ps) throws SQLException {
        List<ClaimRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(claimRow(rs));
            }
        }
        return rows;
    }

    /** The notice a follow-up updates, for one recipient: its reference and when it went out. */
    record Original(String reference, OffsetDateTime sentAt) {
    }

    /**
     * For the claimed deliveries of follow-up campaigns: each recipient's first notice of the campaign followed
     * up, keyed "campaign/account". One statement per follow-up campaign in the batch; none otherwise.
     */
    private static java.util.Map<String, Original> originals(Connection c, List<ClaimRow> rows,
                                                           java.util.Map<String, ClaimedCampaign> campaigns)
            throws SQLException {
        java.util.Map<String, Original> found = new java.util.HashMap<>();
        java.util.Map<String, List<String>> accounts = new java.util.HashMap<>();
        for (ClaimRow r : rows) {
            ClaimedCampaign campaign = campaigns.get(r.campaignId());
            if (campaign != null && campaign.followUpOf() != null) {
                accounts.computeIfAbsent(r.campaignId(), k -> new ArrayList<>()).add(r.accountId());
            }
        }
        for (var e : accounts.entrySet()) {
            String earlier = campaigns.get(e.getKey()).followUpOf();
            try (PreparedStatement ps = c.prepareStatement(ORIGINALS.formatted(placeholders(e.getValue().size())))) {
                ps.setString(1, earlier);
                for (int i = 0; i < e.getValue().size(); i++) {
                    ps.setString(i + 2, e.getValue().get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.putIfAbsent(e.getKey() + "/" + rs.getString(1),
                                new Original(rs.getString(2), rs.getObject(3, OffsetDateTime.class)));
                    }
                }
            }
        }
        return found;
    }

    /** The shared part of the claimed deliveries' campaigns (usually one), with the incident they tell of. */
    private static java.util.Map<String, ClaimedCampaign> claimedCampaigns(Connection c, List<String> ids)
            throws SQLException {
        java.util.Map<String, java.util.Map<String, IncidentText>> translations = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(CLAIMED_TRANSLATIONS.formatted(placeholders(ids.size())))) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    translations.computeIfAbsent(rs.getString(1), k -> new java.util.HashMap<>())
                            .put(rs.getString(2), new IncidentText(rs.getString(3), rs.getString(4),
                                    IncidentText.paragraphs(rs.getString(5)), rs.getString(6), rs.getString(7)));
                }
            }
        }
        java.util.Map<String, ClaimedCampaign> campaigns = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(CLAIMED_CAMPAIGNS.formatted(placeholders(ids.size())))) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    campaigns.put(rs.getString(1), new ClaimedCampaign(rs.getString(1), rs.getInt(2), rs.getString(3),
                            rs.getInt(4), rs.getString(5), rs.getString(6),
                            new IncidentText(rs.getString(7), rs.getString(8), IncidentText.paragraphs(rs.getString(13)),
                                    rs.getString(14), rs.getString(15)),
                            NoticeFacts.fromStored(rs.getString(12)),
                            rs.getObject(9, OffsetDateTime.class), rs.getObject(10, OffsetDateTime.class),
                            java.util.Map.copyOf(translations.getOrDefault(rs.getString(1), java.util.Map.of())),
                            rs.getString(11)));
                }
            }
        }
        return campaigns;
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
            try (PreparedStatement ps = c.prepareStatement(DEFER);
                 PreparedStatement event = c.prepareStatement(DeliveryOutcomes.INSERT_EVENT)) {
                String why = truncate(reason + "; next attempt at " + until, 1000);
                for (ClaimedDelivery d : later) {
                    ps.setObject(1, until);
                    ps.setString(2, why);
                    ps.setObject(3, now);
                    ps.setLong(4, d.id());
                    ps.addBatch();
                    DeliveryOutcomes.addEvent(event, d.id(), "QUEUED", now, why);
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

    static final String FORGET_ENQUEUED = "UPDATE delivery SET enqueued_at = NULL, updated_at = ?"
            + " WHERE status = 'QUEUED' AND id IN (%s)";

    /**
     * Hands claimed deliveries this instance will not send back to the queue as they were (an attempt not made
     * is not counted), for any instance's sweep to hand over again: the instance is stopping.
     */
    public int handBack(List<ClaimedDelivery> claimed) throws SQLException {
        if (claimed.isEmpty()) {
            return 0;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(HAND_BACK.formatted(placeholders(claimed.size())))) {
            ps.setObject(1, OffsetDateTime.now());
            for (int i = 0; i < claimed.size(); i++) {
                ps.setLong(i + 2, claimed.get(i).id());
            }
            return ps.executeUpdate();
        }
    }

    /** A batch this instance will not claim (it is stopping): its queued rows are for any instance's sweep to hand over. */
    public int leaveForOthers(List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return 0;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(FORGET_ENQUEUED.formatted(placeholders(ids.size())))) {
            ps.setObject(1, OffsetDateTime.now());
            for (int i = 0; i < ids.size(); i++) {
                ps.setLong(i + 2, ids.get(i));
            }
            return ps.executeUpdate();
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
            try (PreparedStatement ps = c.prepareStatement(CAMPAIGN_STATUSES.formatted(placeholders(campaigns.size())))) {
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
            try (PreparedStatement ps = c.prepareStatement(HAND_BACK.formatted(placeholders(stopped.size())))) {
                ps.setObject(1, OffsetDateTime.now());
                for (int i = 0; i < stopped.size(); i++) {
                    ps.setLong(i + 2, stopped.get(i));
                }
                ps.executeUpdate();
            }
        }
        for (String campaignId : cancelled) {
            completion.cancelQueued(campaignId);
        }
        return claimed.stream().filter(d -> running.contains(d.campaignId())).toList();
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
                String ids = placeholders(sameClaim.size());
                try (PreparedStatement ps = c.prepareStatement(RENEW_LEASE.formatted(ids))) {
                    ps.setObject(1, OffsetDateTime.now().plus(config.delivery().lease()));
                    bindClaim(ps, 2, sameClaim);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(STILL_HELD.formatted(ids))) {
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

    /** Extends the lease of the rows of a batch this instance still holds (those sent or taken back are untouched). */
    public void extendLease(List<ClaimedDelivery> batch) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            for (List<ClaimedDelivery> sameClaim : batch.stream()
                    .collect(java.util.stream.Collectors.groupingBy(ClaimedDelivery::claimToken)).values()) {
                try (PreparedStatement ps = c.prepareStatement(RENEW_LEASE.formatted(placeholders(sameClaim.size())))) {
                    ps.setObject(1, OffsetDateTime.now().plus(config.delivery().lease()));
                    bindClaim(ps, 2, sameClaim);
                    ps.executeUpdate();
                }
            }
        }
    }

    private static void bindClaim(PreparedStatement ps, int first, List<ClaimedDelivery> sameClaim) throws SQLException {
        int i = first;
        for (ClaimedDelivery d : sameClaim) {
            ps.setLong(i++, d.id());
        }
        ps.setString(i, sameClaim.get(0).claimToken());
    }

    public Duration lease() {
        return config.delivery().lease();
    }

    /** Puts deliveries whose worker vanished (lease expired while sending) back in the queue. */
    public int releaseExpiredLeases() throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(RELEASE_EXPIRED)) {
            ps.setObject(1, now); // due at once: the sweeper republishes rows with a next attempt time
            ps.setObject(2, now);
            ps.setObject(3, now);
            return ps.executeUpdate();
        }
    }
}
