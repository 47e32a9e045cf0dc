package dev.tocsin.delivery;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/**
 * Removes where a closed campaign's notices went (the address snapshot of each delivery) once its contact data is
 * past retention. What proves the notice stays: status, times, reference, the hash of the bytes sent, the
 * provider's message id, the history. In slices, so a campaign of millions is not one long transaction.
 */
@ApplicationScoped
public class DeliveryContactPurge {

    /** What a removed address reads as (the column is NOT NULL: a delivery always had one). */
    public static final String REMOVED = "(removed)";

    static final int SLICE = 10_000;

    static final String PURGE_SLICE = "UPDATE delivery SET address = '" + REMOVED + "', updated_at = ?"
            + " WHERE id IN (SELECT id FROM delivery WHERE campaign_id = ? AND address <> '" + REMOVED + "'"
            + " AND status NOT IN ('QUEUED', 'SENDING') ORDER BY id LIMIT " + SLICE + ")";

    @Inject
    AgroalDataSource dataSource;

    /** The deliveries whose address was removed now. */
    public long purge(String campaignId) throws SQLException {
        long total = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PURGE_SLICE)) {
            int n;
            do {
                ps.setObject(1, OffsetDateTime.now());
                ps.setString(2, campaignId);
                n = ps.executeUpdate();
                total += n;
            } while (n == SLICE);
        }
        return total;
    }
}
