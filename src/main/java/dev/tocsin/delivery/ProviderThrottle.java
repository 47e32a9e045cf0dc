package dev.tocsin.delivery;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Messages-per-second limits per provider (tocsin.throttle.{provider}.per-second, 0 = none), held across all
 * instances: permits are taken from a one-second window row in the shared database with a conditional
 * increment, a few at a time, so every replica draws from the same budget.
 */
@ApplicationScoped
public class ProviderThrottle {

    @Inject
    AgroalDataSource dataSource;

    private final Map<String, Integer> limits = new ConcurrentHashMap<>();

    public int perSecond(String provider) {
        return limits.computeIfAbsent(provider, p -> ConfigProvider.getConfig()
                .getOptionalValue("tocsin.throttle." + p + ".per-second", Integer.class).orElse(0));
    }

    /** How many messages to take permits for at once: a tenth of a second's budget. */
    public int chunk(String provider) {
        int limit = perSecond(provider);
        return limit <= 0 ? Integer.MAX_VALUE : Math.max(1, limit / 10);
    }

    /** Blocks until n permits (n at most chunk()) are granted for the provider. */
    public void acquire(String provider, int n) throws SQLException {
        int limit = perSecond(provider);
        if (limit <= 0 || n <= 0) {
            return;
        }
        int want = Math.min(n, limit);
        while (true) {
            long now = System.currentTimeMillis();
            long window = now / 1000;
            if (tryTake(provider, window, want, limit)) {
                return;
            }
            sleep(1000 - now % 1000 + 1);
        }
    }

    private boolean tryTake(String provider, long window, int n, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (take(c, provider, window, n, limit)) {
                return true;
            }
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO rate_window t USING (VALUES (CAST(? AS VARCHAR(50)),"
                    + " CAST(? AS BIGINT))) AS s (provider, window_start) ON t.provider = s.provider"
                    + " AND t.window_start = s.window_start"
                    + " WHEN NOT MATCHED THEN INSERT (provider, window_start, used) VALUES (s.provider, s.window_start, ?)")) {
                ps.setString(1, provider);
                ps.setLong(2, window);
                ps.setInt(3, n);
                if (ps.executeUpdate() == 1) {
                    return true; // we opened this second's window with our permits in it
                }
            } catch (SQLException raced) {
                // another instance opened the window at the same moment
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

    /** Windows older than a minute are of no use any more. */
    public void forgetOldWindows() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM rate_window WHERE window_start < ?")) {
            ps.setLong(1, System.currentTimeMillis() / 1000 - 60);
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
