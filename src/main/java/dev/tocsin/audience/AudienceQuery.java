package dev.tocsin.audience;

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

    public record Audience(long total, Map<String, Long> byChannel, Map<String, Long> byLocale, long unreachable,
                           List<SampleAccount> sample) {
    }

    private static final String FROM = " FROM exposure e JOIN account a ON a.account_id = e.account_id WHERE e.incident_id = ? AND ";

    public Audience measure(String incidentId, Segment segment, List<String> channels) throws SQLException {
        Segment.Sql where = segment.toSql();
        boolean email = channels.contains("email");
        boolean sms = channels.contains("sms");
        String reachable = (email ? "a.email IS NOT NULL" : "1 = 0") + (sms ? " OR a.phone IS NOT NULL" : "");
        try (Connection c = dataSource.getConnection()) {
            long total;
            long unreachable;
            Map<String, Long> byChannel = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COUNT(a.email), COUNT(a.phone),"
                    + " SUM(CASE WHEN " + reachable + " THEN 0 ELSE 1 END)" + FROM + where.where())) {
                bind(ps, incidentId, where);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                    for (String channel : channels) {
                        switch (channel) {
                            case "email" -> byChannel.put("email", rs.getLong(2));
                            case "sms" -> byChannel.put("sms", rs.getLong(3));
                            default -> byChannel.put(channel, 0L);
                        }
                    }
                    unreachable = rs.getLong(4);
                }
            }
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
            return new Audience(total, byChannel, byLocale, unreachable, sample);
        }
    }

    private static void bind(PreparedStatement ps, String incidentId, Segment.Sql where) throws SQLException {
        ps.setString(1, incidentId);
        int i = 2;
        for (Object p : where.params()) {
            ps.setObject(i++, p);
        }
    }
}
