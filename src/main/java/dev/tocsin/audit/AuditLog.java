package dev.tocsin.audit;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;

/** Appends to the audit trail in its own transaction, so a refused or failed action is still recorded. */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    @Inject
    AgroalDataSource dataSource;

    public void record(String actor, String action, String objectType, String objectId, String remoteAddress,
                       int outcome, String details) {
        record(actor, action, objectType, objectId, remoteAddress, outcome, details, null, null);
    }

    public void record(String actor, String action, String objectType, String objectId, String remoteAddress,
                       int outcome, String details, String before, String after) {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                try (Connection c = dataSource.getConnection();
                     PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (at, actor, action, object_type,"
                             + " object_id, remote_address, outcome, details, before_state, after_state)"
                             + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setObject(1, OffsetDateTime.now());
                    ps.setString(2, cut(actor, 100));
                    ps.setString(3, cut(action, 300));
                    ps.setString(4, cut(objectType, 50));
                    ps.setString(5, cut(objectId, 200));
                    ps.setString(6, cut(remoteAddress, 100));
                    ps.setInt(7, outcome);
                    ps.setString(8, cut(details, 4000));
                    ps.setString(9, cut(before, 20000));
                    ps.setString(10, cut(after, 20000));
                    ps.executeUpdate();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (RuntimeException e) {
            // Never silently: an action whose audit line could not be written is reported loudly.
            LOG.errorf("AUDIT WRITE FAILED for action %s on %s %s by %s: %s", action, objectType, objectId, actor, e.getMessage());
            throw e;
        }
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
