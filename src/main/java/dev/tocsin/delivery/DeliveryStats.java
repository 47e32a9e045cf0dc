package dev.tocsin.delivery;

import dev.tocsin.common.Channel;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Counts a campaign's deliveries by status and channel, from the rows themselves (confirmed outcomes only). */
@ApplicationScoped
public class DeliveryStats {

    @Inject
    AgroalDataSource dataSource;

    public record Counts(long total, Map<String, Long> byStatus, Map<String, Map<String, Long>> byChannel) {
    }

    public Counts count(String campaignId, List<Channel> channels) throws SQLException {
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

    private static Map<String, Long> emptyCounts() {
        Map<String, Long> m = new LinkedHashMap<>();
        DeliveryStatus.ALL.forEach(s -> m.put(s.key(), 0L));
        return m;
    }
}
