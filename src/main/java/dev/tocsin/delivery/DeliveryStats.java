package dev.tocsin.delivery;

import dev.tocsin.common.Channel;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Counts a campaign's deliveries by status and channel, from the rows themselves (confirmed outcomes only). */
@ApplicationScoped
public class DeliveryStats {

    @Inject
    AgroalDataSource dataSource;

    public record Counts(long total, Map<String, Long> byStatus, Map<String, Map<String, Long>> byChannel) {
    }

    @Inject
    MeterRegistry registry;

    /** Each campaign's latest count, or the one being made: viewers of the same campaign share it. */
    private final ConcurrentHashMap<String, CompletableFuture<Counted>> latest = new ConcurrentHashMap<>();

    private record Counted(Counts counts, long atNanos, long tookNanos) {
    }

    /** A shared count serves for at least this long ... */
    static final Duration SHARED_AT_LEAST = Duration.ofMillis(900);

    /** ... and for this many times what making it took, so counting a large campaign stays a small part of the database's time. */
    static final int SHARED_FOR_TIMES_ITS_COST = 20;

    /**
     * The campaign's counts as a watcher of a running campaign needs them (the console's progress block, the
     * progress stream): shared by everyone who asks on this instance, and made again only once the last one is
     * older than 0.9 s or twenty times what it took, whichever is longer. A campaign of 10,000 is counted in
     * about 10 ms and stays exact to the second; one of 10M takes 0.7-2.6 s to count (bench/README.md) and is
     * counted every 15-50 s instead of once a second per viewer, which would have taken a core of the
     * database from the sending.
     */
    public Counts countShared(String campaignId, List<Channel> channels) throws SQLException {
        CompletableFuture<Counted> known = latest.get(campaignId);
        Counted last = known == null ? null : known.getNow(null);
        Duration maxAge = SHARED_AT_LEAST;
        if (last != null) {
            Duration costBound = Duration.ofNanos(last.tookNanos()).multipliedBy(SHARED_FOR_TIMES_ITS_COST);
            maxAge = costBound.compareTo(maxAge) > 0 ? costBound : maxAge;
        }
        return countRecent(campaignId, channels, maxAge);
    }

    /**
     * The campaign's counts, at most {@code maxAge} old. Counting a campaign reads every row it has (about a
     * second at 10M deliveries), so however many people follow it (the progress stream asks every second for
     * each of them), one count runs at a time per campaign and instance, and its answer serves all who asked
     * meanwhile.
     */
    public Counts countRecent(String campaignId, List<Channel> channels, Duration maxAge) throws SQLException {
        while (true) {
            CompletableFuture<Counted> known = latest.get(campaignId);
            if (known != null && (!known.isDone() || fresh(known, maxAge))) {
                try {
                    return known.join().counts();
                } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                    latest.remove(campaignId, known);
                    if (e.getCause() instanceof SQLException sql) {
                        throw sql;
                    }
                    continue;
                }
            }
            CompletableFuture<Counted> mine = new CompletableFuture<>();
            boolean claimed = known == null ? latest.putIfAbsent(campaignId, mine) == null : latest.replace(campaignId, known, mine);
            if (!claimed) {
                continue;
            }
            if (latest.size() > 1000) {
                // campaigns nobody asked about for a while
                latest.entrySet().removeIf(e -> e.getValue().isDone() && !fresh(e.getValue(), Duration.ofMinutes(1)));
            }
            try {
                long started = System.nanoTime();
                Counts counts = count(campaignId, channels);
                long now = System.nanoTime();
                mine.complete(new Counted(counts, now, now - started));
                return counts;
            } catch (SQLException | RuntimeException e) {
                mine.completeExceptionally(e);
                latest.remove(campaignId, mine);
                throw e;
            }
        }
    }

    private static boolean fresh(CompletableFuture<Counted> done, Duration maxAge) {
        Counted c = done.getNow(null);
        return c != null && System.nanoTime() - c.atNanos() <= maxAge.toNanos();
    }

    public Counts count(String campaignId, List<Channel> channels) throws SQLException {
        registry.counter("tocsin.stats.counts").increment();
        Map<String, Long> byStatus = emptyCounts();
        Map<String, Map<String, Long>> byChannel = new LinkedHashMap<>();
        channels.forEach(ch -> byChannel.put(ch.code(), emptyCounts()));
        long total = 0;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT channel, status, COUNT(*) FROM delivery WHERE campaign_id = ? GROUP BY channel, status")) {
            ps.setString(1, campaignId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String channel = rs.getString(1);
                    String status = rs.getString(2).toLowerCase();
                    long n = rs.getLong(3);
                    total += n;
                    byStatus.merge(status, n, Long::sum);
                    byChannel.computeIfAbsent(channel, k -> emptyCounts()).merge(status, n, Long::sum);
                }
            }
        }
        return new Counts(total, byStatus, byChannel);
    }

    /** One cell of the breakdown: how many of the campaign's deliveries are in a status, per channel, locale and country. */
    public record Cell(String channel, String locale, String country, String status, long count) {
    }

    /** How far the notices got: sent (the provider took it), delivered (it said so), opened and acknowledged. */
    public record Funnel(long sent, long delivered, long opened, long acknowledged) {
    }

    static final String BREAKDOWN = "SELECT d.channel, d.locale, a.country, d.status, COUNT(*) FROM delivery d"
            + " JOIN account a ON a.account_id = d.account_id WHERE d.campaign_id = ?"
            + " GROUP BY d.channel, d.locale, a.country, d.status ORDER BY d.channel, d.locale, a.country, d.status";

    static final String FUNNEL = "SELECT"
            + " SUM(CASE WHEN d.sent_at IS NOT NULL THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN d.status = 'DELIVERED' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN g.opened_at IS NOT NULL THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN g.acknowledged_at IS NOT NULL THEN 1 ELSE 0 END)"
            + " FROM delivery d LEFT JOIN notice_engagement g ON g.delivery_id = d.id WHERE d.campaign_id = ?";

    public List<Cell> breakdown(String campaignId) throws SQLException {
        List<Cell> cells = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(BREAKDOWN)) {
            ps.setString(1, campaignId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cells.add(new Cell(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4).toLowerCase(java.util.Locale.ROOT), rs.getLong(5)));
                }
            }
        }
        return cells;
    }

    public Funnel funnel(String campaignId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FUNNEL)) {
            ps.setString(1, campaignId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Funnel(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        }
    }

    private static Map<String, Long> emptyCounts() {
        Map<String, Long> m = new LinkedHashMap<>();
        DeliveryStatus.ALL.forEach(s -> m.put(s.key(), 0L));
        return m;
    }
}
