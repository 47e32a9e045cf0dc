package dev.tocsin.common;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * "Only one instance at a time" for work such as reading a mailbox: a named lease in the database, taken by a
 * conditional update (free, expired, or already ours) and held for a while; an instance that dies loses it
 * when it expires. Works the same on PostgreSQL and H2.
 */
@ApplicationScoped
public class SingletonLease {

    static final String TAKE = "UPDATE singleton_lease SET owner = ?, until = ? WHERE name = ? AND (until < ? OR owner = ?)";
    static final String CREATE = "INSERT INTO singleton_lease (name, owner, until) VALUES (?, ?, ?)";
    static final String RELEASE = "UPDATE singleton_lease SET until = ? WHERE name = ? AND owner = ?";

    /** This instance, for as long as it runs. */
    private final String self = UUID.randomUUID().toString();

    @Inject
    AgroalDataSource dataSource;

    /** Whether this instance holds the lease {@code name} for {@code period} from now. */
    public boolean take(String name, Duration period) {
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(TAKE)) {
                ps.setString(1, self);
                ps.setObject(2, now.plus(period));
                ps.setString(3, name);
                ps.setObject(4, now);
                ps.setString(5, self);
                if (ps.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(CREATE)) {
                ps.setString(1, name);
                ps.setString(2, self);
                ps.setObject(3, now.plus(period));
                return ps.executeUpdate() == 1;
            } catch (SQLException taken) {
                return false; // another instance holds it (the row exists and is not ours or expired)
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /** Gives the lease up now, if this instance holds it. */
    public void release(String name) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RELEASE)) {
            ps.setObject(1, OffsetDateTime.now().minusSeconds(1));
            ps.setString(2, name);
            ps.setString(3, self);
            ps.executeUpdate();
        } catch (SQLException e) {
            // it expires on its own
        }
    }
}
