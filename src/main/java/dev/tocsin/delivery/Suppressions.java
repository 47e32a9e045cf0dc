package dev.tocsin.delivery;

import dev.tocsin.common.Channel;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Addresses no campaign uses again (a hard bounce, a complaint, a STOP, returned mail): listed page by page,
 * and lifted one at a time when a person can be reached there again (their mailbox was only full).
 */
@ApplicationScoped
public class Suppressions {

    static final String PAGE = "SELECT channel, address, reason, created_at FROM suppression"
            + " WHERE (channel > ? OR (channel = ? AND address > ?))%s ORDER BY channel, address FETCH FIRST %d ROWS ONLY";

    static final String FIND = "SELECT reason, created_at FROM suppression WHERE channel = ? AND address = ?";

    static final String LIFT = "DELETE FROM suppression WHERE channel = ? AND address = ?";

    @Inject
    AgroalDataSource dataSource;

    public record Suppressed(String channel, String address, String reason, OffsetDateTime createdAt) {
    }

    /** Up to {@code limit} suppressions after the given one (channel, address order), of one channel or all. */
    public List<Suppressed> page(Channel channel, String afterChannel, String afterAddress, int limit) throws SQLException {
        List<Suppressed> found = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                PAGE.formatted(channel == null ? "" : " AND channel = ?", limit))) {
            ps.setString(1, afterChannel);
            ps.setString(2, afterChannel);
            ps.setString(3, afterAddress);
            if (channel != null) {
                ps.setString(4, channel.code());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Suppressed(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getObject(4, OffsetDateTime.class)));
                }
            }
        }
        return found;
    }

    public java.util.Optional<Suppressed> find(Channel channel, String address) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, channel.code());
            ps.setString(2, address);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(new Suppressed(channel.code(), address, rs.getString(1),
                        rs.getObject(2, OffsetDateTime.class))) : java.util.Optional.empty();
            }
        }
    }

    /** Lifts one suppression; false if the address was not suppressed. */
    public boolean lift(Channel channel, String address) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LIFT)) {
            ps.setString(1, channel.code());
            ps.setString(2, address);
            return ps.executeUpdate() > 0;
        }
    }
}
