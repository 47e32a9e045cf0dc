package dev.tocsin.common;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * Secrets the service makes for itself on first start (signing key, VAPID keys) and keeps in the database,
 * so they survive restarts and every instance uses the same ones.
 */
@ApplicationScoped
public class AppSettings {

    @Inject
    AgroalDataSource dataSource;

    /** The stored value, or a fresh one stored now; when two instances race, both end up with the winner's. */
    public String storedOrCreate(String name, Supplier<String> fresh) {
        try (Connection c = dataSource.getConnection()) {
            String stored = read(c, name);
            if (stored == null) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO app_setting (name, setting_value) VALUES (?, ?)")) {
                    ps.setString(1, name);
                    ps.setString(2, fresh.get());
                    ps.executeUpdate();
                } catch (SQLException raced) {
                    // another instance created it first: use theirs
                }
                stored = read(c, name);
            }
            if (stored == null) {
                throw new IllegalStateException("setting " + name + " could not be stored");
            }
            return stored;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read or create setting " + name, e);
        }
    }

    private static String read(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT setting_value FROM app_setting WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
