package dev.tocsin.tracking;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * Requests per client address and minute on the public look-ups, counted in the shared database so every
 * instance draws from the same budget (a guesser cannot multiply it by the number of replicas).
 */
@ApplicationScoped
public class PublicRateLimit {

    static final String TAKE = "UPDATE public_rate_window SET used = used + 1"
            + " WHERE client_key = ? AND window_start = ? AND used < ?";
    static final String OPEN = "INSERT INTO public_rate_window (client_key, window_start, used) VALUES (?, ?, 1)";
    static final String FORGET_OLD = "DELETE FROM public_rate_window WHERE window_start < ?";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TrackingConfig config;

    /** Empty when the request may go ahead; otherwise the seconds until the client's budget refills. */
    public OptionalLong take(String scope, String clientAddress) throws SQLException {
        long now = Instant.now().getEpochSecond();
        long window = now / 60;
        String key = scope + ":" + (clientAddress == null ? "unknown" : clientAddress);
        if (key.length() > 100) {
            key = key.substring(0, 100);
        }
        int limit = config.recipientPages().verifyPerMinute();
        if (limit <= 0) {
            return OptionalLong.empty(); // 0: no limit (like the provider throttles)
        }
        try (Connection c = dataSource.getConnection()) {
            for (int attempt = 0; attempt < 2; attempt++) {
                try (PreparedStatement ps = c.prepareStatement(TAKE)) {
                    ps.setString(1, key);
                    ps.setLong(2, window);
                    ps.setInt(3, limit);
                    if (ps.executeUpdate() == 1) {
                        return OptionalLong.empty();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(OPEN)) {
                    ps.setString(1, key);
                    ps.setLong(2, window);
                    ps.executeUpdate();
                    return OptionalLong.empty();
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState()) && !"23001".equals(e.getSQLState())) {
                        throw e;
                    }
                    // the window exists (full, or opened by another instance just now): count against it
                }
            }
        }
        return OptionalLong.of(Math.max(1, 60 - now % 60));
    }

    @Scheduled(every = "10m", delayed = "1m")
    void forgetOldWindows() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FORGET_OLD)) {
            ps.setLong(1, Instant.now().getEpochSecond() / 60 - 10);
            ps.executeUpdate();
        }
    }
}
