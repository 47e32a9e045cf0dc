package dev.tocsin.delivery;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Messages-per-second limits per provider (tocsin.throttle.{provider}.per-second, 0 = none), held across all
 * instances: permits are taken from a one-second window row in the shared database with a conditional
 * increment, a few at a time, so every replica draws from the same budget. Daily caps
 * (tocsin.throttle.{provider}.per-day, a UTC day) are counted the same way in a row per provider and day.
 */
@ApplicationScoped
public class ProviderThrottle {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DeliveryConfig config;

    public int perSecond(String provider) {
        DeliveryConfig.ProviderLimits limits = config.throttles().get(provider);
        return limits == null ? 0 : limits.perSecond();
    }

    public int perDay(String provider) {
        DeliveryConfig.ProviderLimits limits = config.throttles().get(provider);
        return limits == null ? 0 : limits.perDay();
    }

    /** Day windows live beside the second windows, under their own key, numbered by UTC epoch day. */
    private static String dayKey(String provider) {
        return provider + "/day";
    }

    /** When today's cap opens again: the next midnight UTC. */
    public OffsetDateTime nextDay() {
        return LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
    }

    /**
     * Takes up to n messages from today's cap and returns how many it got (n when there is no cap). What is
     * not granted must wait for {@link #nextDay()}.
     */
    public int takeToday(String provider, int n) throws SQLException {
        int cap = perDay(provider);
        if (cap <= 0 || n <= 0) {
            return n;
        }
        long day = LocalDate.now(ZoneOffset.UTC).toEpochDay();
        try (Connection c = dataSource.getConnection()) {
            for (int tries = 0; tries < 20; tries++) {
                Integer used = null;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT used FROM rate_window WHERE provider = ? AND window_start = ?")) {
                    ps.setString(1, dayKey(provider));
                    ps.setLong(2, day);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            used = rs.getInt(1);
                        }
                    }
                }
                int grant = Math.min(n, cap - (used == null ? 0 : used));
                if (grant <= 0) {
                    return 0;
                }
                if (used == null ? tryOpen(c, dayKey(provider), day, grant) : take(c, dayKey(provider), day, grant, cap)) {
                    return grant;
                }
                // another instance took some meanwhile: look again
            }
            return 0;
        }
    }

    private static boolean tryOpen(Connection c, String key, long window, int n) {
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO rate_window t USING (VALUES (CAST(? AS VARCHAR(50)),"
                + " CAST(? AS BIGINT))) AS s (provider, window_start) ON t.provider = s.provider"
                + " AND t.window_start = s.window_start"
                + " WHEN NOT MATCHED THEN INSERT (provider, window_start, used) VALUES (s.provider, s.window_start, ?)")) {
            ps.setString(1, key);
            ps.setLong(2, window);
            ps.setInt(3, n);
            return ps.executeUpdate() == 1;
        } catch (SQLException raced) {
            return false;
        }
    }

    /** How many messages to take permits for at once: a tenth of a second's budget. */
    public int chunk(String provider) {
        int limit = perSecond(provider);
        return limit <= 0 ? Integer.MAX_VALUE : Math.max(1, limit / 10);
    }

    /**
     * Blocks until n permits (n at most chunk()) are granted for the provider. Returns when they lapse (epoch
     * milliseconds): they are for one clock second, and a notice not started by then needs new ones, or the
     * next second would carry more than the rate. Long.MAX_VALUE when the provider has no rate.
     */
    public long acquire(String provider, int n) throws SQLException {
        int limit = perSecond(provider);
        if (limit <= 0 || n <= 0) {
            return Long.MAX_VALUE;
        }
        int want = Math.min(n, limit);
        while (true) {
            long now = System.currentTimeMillis();
            long window = now / 1000;
            if (tryTake(provider, window, want, limit)) {
                return (window + 1) * 1000;
            }
            sleep(1000 - now % 1000 + 1);
        }
    }

    private boolean tryTake(String provider, long window, int n, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (take(c, provider, window, n, limit)) {
                return true;
            }
            if (tryOpen(c, provider, window, n)) {
                return true; // we opened this second's window with our permits in it
            }
            // The window exists (someone opened it, or it is full): one more try before waiting.
            return take(c, provider, window, n, limit);
        }
    }

    private static boolean take(Connection c, String provider, long window, int n, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE rate_window SET used = used + ?"
                + " WHERE provider = ? AND window_start = ? AND used + ? <= ?")) {
            ps.setInt(1, n);
            ps.setString(2, provider);
            ps.setLong(3, window);
            ps.setInt(4, n);
            ps.setInt(5, limit);
            return ps.executeUpdate() == 1;
        }
    }

    /** Second windows older than a minute and day windows older than two days are of no use any more. */
    public void forgetOldWindows() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM rate_window WHERE"
                     + " (provider NOT LIKE '%/day' AND window_start < ?) OR (provider LIKE '%/day' AND window_start < ?)")) {
            ps.setLong(1, System.currentTimeMillis() / 1000 - 60);
            ps.setLong(2, LocalDate.now(ZoneOffset.UTC).toEpochDay() - 2);
            ps.executeUpdate();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the provider's rate limit");
        }
    }
}
