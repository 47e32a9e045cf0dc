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

    /**
     * The trail, newest first: by actor, action (substring, any case), object id and time (from inclusive, to
     * exclusive), each filter optional (null or blank: any); at most {@code limit} (1 to 1,000) events.
     */
    public java.util.List<AuditEvent> search(String actor, String action, String objectId, OffsetDateTime from,
                                             OffsetDateTime to, int limit) {
        java.util.List<String> where = new java.util.ArrayList<>();
        io.quarkus.panache.common.Parameters params = new io.quarkus.panache.common.Parameters();
        if (actor != null && !actor.isBlank()) {
            where.add("actor = :actor");
            params.and("actor", actor);
        }
        if (action != null && !action.isBlank()) {
            where.add("lower(action) like :action");
            params.and("action", "%" + action.toLowerCase() + "%");
        }
        if (objectId != null && !objectId.isBlank()) {
            where.add("objectId = :objectId");
            params.and("objectId", objectId);
        }
        if (from != null) {
            where.add("at >= :from");
            params.and("from", from);
        }
        if (to != null) {
            where.add("at < :to");
            params.and("to", to);
        }
        io.quarkus.panache.common.Sort newest = io.quarkus.panache.common.Sort.descending("id");
        int size = Math.max(1, Math.min(limit, 1000));
        return QuarkusTransaction.requiringNew().call(() -> (where.isEmpty() ? AuditEvent.<AuditEvent>findAll(newest)
                : AuditEvent.<AuditEvent>find(String.join(" and ", where), newest, params)).page(0, size).list());
    }

    /** The newest audit events (the console's home), newest first. */
    public java.util.List<AuditEvent> recent(int limit) {
        return QuarkusTransaction.requiringNew().call(() ->
                AuditEvent.<AuditEvent>find("order by id desc").page(0, limit).list());
    }

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
