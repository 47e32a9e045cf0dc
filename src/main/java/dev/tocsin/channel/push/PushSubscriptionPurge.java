package dev.tocsin.channel.push;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Retention: a push subscription (a browser's endpoint and keys) is contact data like an email address. It goes
 * with the account's other contact data, once every incident that exposed the account is past retention. A push
 * delivery's address is the subscription's number, so the proof of the notice does not need the row.
 */
@ApplicationScoped
public class PushSubscriptionPurge {

    static final String PURGE = "DELETE FROM push_subscription"
            + " WHERE account_id IN (SELECT e.account_id FROM exposure e WHERE e.incident_id = ?)"
            + " AND NOT EXISTS (SELECT 1 FROM exposure o WHERE o.account_id = push_subscription.account_id"
            + " AND o.incident_id NOT IN (%s))";

    @Inject
    AgroalDataSource dataSource;

    /** The subscriptions removed: of {@code incidentId}'s accounts that no incident outside {@code doneIncidents} exposed. */
    public long purge(String incidentId, Collection<String> doneIncidents) throws SQLException {
        List<String> done = List.copyOf(doneIncidents);
        String marks = String.join(", ", Collections.nCopies(done.size(), "?"));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PURGE.formatted(marks))) {
            ps.setString(1, incidentId);
            for (int i = 0; i < done.size(); i++) {
                ps.setString(i + 2, done.get(i));
            }
            return ps.executeUpdate();
        }
    }
}
