package dev.tocsin.audience;

import dev.tocsin.common.Channel;
import dev.tocsin.common.Masking;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sizes a segment before launch: how many people, reachable on which channel, in which languages. */
@ApplicationScoped
public class AudienceQuery {

    @Inject
    AgroalDataSource dataSource;

    /** One account of the sample, contact details masked. */
    public record SampleAccount(String accountId, String email, String phone, String locale, String country,
                                List<String> exposed) {
    }

    /**
     * phonesWithoutSms: accounts whose phone is a fixed line (or another type that takes no SMS): kept, and
     * not counted as reachable by SMS.
     */
    public record Audience(long total, Map<String, Long> byChannel, Map<String, Long> byLocale, long unreachable,
                           long phonesWithoutSms, List<SampleAccount> sample) {
    }

    private static final String FROM = " FROM exposure e JOIN account a ON a.account_id = e.account_id WHERE e.incident_id = ? AND ";

    /** How many accounts the segment matches, how many are reachable on each channel, and how many on none. */
    public record Counts(long total, Map<String, Long> byChannel, long unreachable) {
    }

    public Counts count(String incidentId, Segment segment, List<Channel> channels) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return count(c, incidentId, segment.toSql(), channels);
        }
    }

    private static Counts count(Connection c, String incidentId, Segment.Sql where, List<Channel> channels)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*)");
        for (Channel channel : channels) {
            sql.append(", SUM(CASE WHEN ").append(Reachability.usable(channel)).append(" THEN 1 ELSE 0 END)");
        }
        String anywhere = channels.isEmpty() ? "1 = 0"
                : String.join(" OR ", channels.stream().map(Reachability::usable).toList());
        sql.append(", SUM(CASE WHEN ").append(anywhere).append(" THEN 0 ELSE 1 END)").append(FROM).append(where.where());
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, incidentId, where);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Map<String, Long> byChannel = new LinkedHashMap<>();
                for (int i = 0; i < channels.size(); i++) {
                    byChannel.put(channels.get(i).code(), rs.getLong(i + 2));
                }
                return new Counts(rs.getLong(1), byChannel, rs.getLong(channels.size() + 2));
            }
        }
    }

    public Audience measure(String incidentId, Segment segment, List<Channel> channels) throws SQLException {
        Segment.Sql where = segment.toSql();
        try (Connection c = dataSource.getConnection()) {
            Counts counts = count(c, incidentId, where, channels);
            Map<String, Long> byLocale = byLocale(c, incidentId, where);
            List<SampleAccount> sample = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT a.account_id, a.email, a.phone, a.locale, a.country,"
                    + " e.categories" + FROM + where.where() + " ORDER BY a.account_id")) {
                bind(ps, incidentId, where);
                ps.setMaxRows(10);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sample.add(new SampleAccount(rs.getString(1), Masking.email(rs.getString(2)),
                                Masking.phone(rs.getString(3)), rs.getString(4), rs.getString(5),
                                ExposureCategory.fromStored(rs.getString(6))));
                    }
                }
            }
            long landlines;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*)" + FROM + where.where()
                    + " AND a.phone IS NOT NULL AND a.phone_sms = FALSE")) {
                bind(ps, incidentId, where);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    landlines = rs.getLong(1);
                }
            }
            return new Audience(counts.total(), counts.byChannel(), byLocale, counts.unreachable(), landlines, sample);
        }
    }

    /** How many accounts of the segment read each locale (no locale counts as en), most first. */
    public Map<String, Long> byLocale(String incidentId, Segment segment) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return byLocale(c, incidentId, segment.toSql());
        }
    }

    private static Map<String, Long> byLocale(Connection c, String incidentId, Segment.Sql where) throws SQLException {
        Map<String, Long> byLocale = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(a.locale, 'en') AS loc, COUNT(*)" + FROM
                + where.where() + " GROUP BY COALESCE(a.locale, 'en') ORDER BY COUNT(*) DESC")) {
            bind(ps, incidentId, where);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byLocale.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return byLocale;
    }

    /**
     * One group of the audience: a locale and a place (region may be null), how many people, and every data
     * category exposed for any of them (what the place's law asks of the notice depends on it).
     */
    public record LocaleAndPlace(String locale, String country, String region, long count, java.util.Set<String> categories) {
    }

    /** The audience by locale and place: which jurisdiction blocks, in which languages, the notices need. */
    public List<LocaleAndPlace> byLocaleAndPlace(String incidentId, Segment segment) throws SQLException {
        Segment.Sql where = segment.toSql();
        List<LocaleAndPlace> groups = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COALESCE(a.locale, 'en'), a.country, a.region, e.categories, COUNT(*)" + FROM + where.where()
                        + " AND a.country IS NOT NULL GROUP BY COALESCE(a.locale, 'en'), a.country, a.region, e.categories")) {
            bind(ps, incidentId, where);
            java.util.Map<java.util.List<String>, LocaleAndPlace> merged = new java.util.LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.util.List<String> key = java.util.Arrays.asList(rs.getString(1), rs.getString(2), rs.getString(3));
                    java.util.Set<String> categories = new java.util.TreeSet<>(ExposureCategory.fromStored(rs.getString(4)));
                    LocaleAndPlace known = merged.get(key);
                    if (known != null) {
                        categories.addAll(known.categories());
                    }
                    merged.put(key, new LocaleAndPlace(key.get(0), key.get(1), key.get(2),
                            rs.getLong(5) + (known == null ? 0 : known.count()), categories));
                }
            }
            groups.addAll(merged.values());
        }
        return groups;
    }

    /**
     * The campaign's people no channel reached, per place (US-CA when the account names a region, else the
     * country; "unknown" without one): no delivery was possible (no usable contact data), or every one it got
     * ended undeliverable, bounced or failed. Deliveries still waiting count as reaching (not yet known).
     */
    public Map<String, Long> unreachedByPlace(String incidentId, Segment segment, String campaignId) throws SQLException {
        Segment.Sql where = segment.toSql();
        String sql = "SELECT a.country, a.region, COUNT(*)" + FROM + where.where()
                + " AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.campaign_id = ? AND d.account_id = a.account_id"
                + " AND d.status IN ('QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'COMPLAINED', 'CANCELLED'))"
                + " GROUP BY a.country, a.region";
        Map<String, Long> byPlace = new java.util.TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, incidentId, where);
            ps.setString(2 + where.params().size(), campaignId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String country = rs.getString(1);
                    String region = rs.getString(2);
                    String place = country == null || country.isBlank() ? "unknown"
                            : region == null || region.isBlank() ? country : country + "-" + region;
                    byPlace.merge(place, rs.getLong(3), Long::sum);
                }
            }
        }
        return byPlace;
    }

    private static void bind(PreparedStatement ps, String incidentId, Segment.Sql where) throws SQLException {
        ps.setString(1, incidentId);
        int i = 2;
        for (Object p : where.params()) {
            ps.setObject(i++, p);
        }
    }
}
