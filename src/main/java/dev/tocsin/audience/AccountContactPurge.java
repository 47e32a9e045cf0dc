package dev.tocsin.audience;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;

/**
 * Removes an account's contact data (email, phone, name, postal address) once every incident that exposed it is
 * past retention: an account exposed by another incident still being notified keeps what that needs. The
 * account id, its exposures and their categories stay (the proof names who was told about what).
 */
@ApplicationScoped
public class AccountContactPurge {

    static final String PURGE = "UPDATE account SET email = NULL, phone = NULL, name = NULL, address_line1 = NULL,"
            + " address_line2 = NULL, city = NULL, postal_code = NULL, updated_at = ?"
            + " WHERE account_id IN (SELECT e.account_id FROM exposure e WHERE e.incident_id = ?)"
            + " AND (email IS NOT NULL OR phone IS NOT NULL OR name IS NOT NULL OR address_line1 IS NOT NULL)"
            + " AND NOT EXISTS (SELECT 1 FROM exposure o WHERE o.account_id = account.account_id AND o.incident_id NOT IN (%s))";

    @Inject
    AgroalDataSource dataSource;

    /**
     * The accounts of {@code incidentId} cleared now; {@code doneIncidents} are the incidents past retention
     * (it among them): an account also exposed by any other incident keeps its data.
     */
    public long purge(String incidentId, Collection<String> doneIncidents) throws SQLException {
        List<String> done = List.copyOf(doneIncidents);
        String marks = String.join(", ", java.util.Collections.nCopies(done.size(), "?"));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PURGE.formatted(marks))) {
            ps.setObject(1, OffsetDateTime.now());
            ps.setString(2, incidentId);
            for (int i = 0; i < done.size(); i++) {
                ps.setString(i + 3, done.get(i));
            }
            return ps.executeUpdate();
        }
    }
}
