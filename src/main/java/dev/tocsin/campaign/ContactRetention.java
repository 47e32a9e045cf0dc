package dev.tocsin.campaign;

import dev.tocsin.audience.AccountContactPurge;
import dev.tocsin.audit.AuditLog;
import dev.tocsin.channel.letter.Letters;
import dev.tocsin.channel.push.PushSubscriptionPurge;
import dev.tocsin.common.SingletonLease;
import dev.tocsin.delivery.DeliveryContactPurge;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data minimisation: tocsin.retention.contact-days after a campaign closed (completed or cancelled), the contact
 * data of its notices goes (addresses, printed addresses, the address where a provider's text quotes it), and an
 * account's own contact data (and its push subscriptions) goes once every
 * incident that exposed it is done. The proof of notification stays (statuses, times, references, hashes of
 * what was sent), and each removal is in the audit trail. One instance at a time (a lease); each campaign is
 * marked when done, so a run that stops half-way is finished by the next.
 */
@ApplicationScoped
public class ContactRetention {

    private static final Logger LOG = Logger.getLogger(ContactRetention.class);
    private static final String LEASE = "contact-retention";

    /** Closed campaigns past retention whose contact data is still there, oldest first. */
    static final String DUE = "SELECT id, incident_id FROM campaign WHERE status IN ('COMPLETED', 'CANCELLED')"
            + " AND contact_purged_at IS NULL AND COALESCE(completed_at, updated_at) < ? ORDER BY COALESCE(completed_at, updated_at)";

    static final String MARK_DONE = "UPDATE campaign SET contact_purged_at = ? WHERE id = ? AND contact_purged_at IS NULL";

    /** Incidents whose every campaign's contact data is gone (and that had one): their accounts may be cleared. */
    static final String DONE_INCIDENTS = "SELECT incident_id FROM campaign GROUP BY incident_id"
            + " HAVING COUNT(*) = COUNT(contact_purged_at)";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    CampaignConfig config;

    @Inject
    SingletonLease lease;

    @Inject
    DeliveryContactPurge deliveries;

    @Inject
    Letters letters;

    @Inject
    AccountContactPurge accounts;

    @Inject
    PushSubscriptionPurge pushSubscriptions;

    @Inject
    AuditLog audit;

    /** What one run removed: per campaign, the notices and letters cleared; per incident, the accounts. */
    public record Removed(Map<String, Long> notices, Map<String, Long> accounts) {
    }

    @Scheduled(every = "${tocsin.retention.check-every}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() throws SQLException {
        if (!lease.take(LEASE, Duration.ofHours(1))) {
            return;
        }
        try {
            run();
        } finally {
            lease.release(LEASE);
        }
    }

    /** One pass over everything past retention now. */
    public Removed run() throws SQLException {
        OffsetDateTime before = OffsetDateTime.now().minusDays(config.retention().contactDays());
        List<String[]> due = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DUE)) {
            ps.setObject(1, before);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(new String[]{rs.getString(1), rs.getString(2)});
                }
            }
        }
        Map<String, Long> notices = new LinkedHashMap<>();
        List<String> touchedIncidents = new ArrayList<>();
        for (String[] campaign : due) {
            long cleared = deliveries.purge(campaign[0]) + letters.purgeContacts(campaign[0]);
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(MARK_DONE)) {
                ps.setObject(1, OffsetDateTime.now());
                ps.setString(2, campaign[0]);
                ps.executeUpdate();
            }
            notices.put(campaign[0], cleared);
            if (!touchedIncidents.contains(campaign[1])) {
                touchedIncidents.add(campaign[1]);
            }
            audit.record("retention", "contact-data.remove", "campaign", campaign[0], null, 200, cleared
                    + " notices' addresses removed, " + config.retention().contactDays() + " days after the campaign closed;"
                    + " statuses, times, references and hashes kept");
        }
        Map<String, Long> cleared = new LinkedHashMap<>();
        if (!touchedIncidents.isEmpty()) {
            List<String> done = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); ResultSet rs = c.createStatement().executeQuery(DONE_INCIDENTS)) {
                while (rs.next()) {
                    done.add(rs.getString(1));
                }
            }
            for (String incident : touchedIncidents) {
                if (done.contains(incident)) {
                    long n = accounts.purge(incident, done);
                    long subscriptions = pushSubscriptions.purge(incident, done);
                    cleared.put(incident, n);
                    audit.record("retention", "contact-data.remove", "incident", incident, null, 200, n
                            + " accounts' email, phone, name and postal address and " + subscriptions
                            + " push subscriptions removed (accounts also exposed by an incident still within"
                            + " retention keep theirs)");
                }
            }
        }
        if (!due.isEmpty()) {
            LOG.infof("contact retention: %d campaigns and %d incidents past %d days cleared", due.size(), cleared.size(),
                    config.retention().contactDays());
        }
        return new Removed(notices, cleared);
    }
}
