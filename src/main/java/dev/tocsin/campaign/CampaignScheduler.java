package dev.tocsin.campaign;

import dev.tocsin.audit.AuditLog;
import dev.tocsin.common.ApiException;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.List;

/**
 * Starts SCHEDULED campaigns when their time comes. A start found more than tocsin.schedule.grace late means
 * no instance was running at the time: a breach notice sent hours late without anyone deciding so could
 * contradict what the company has said since, so the campaign is marked missed and waits for an operator to
 * launch (confirm) or cancel it.
 */
@ApplicationScoped
public class CampaignScheduler {

    @Inject
    CampaignConfig config;

    private static final Logger LOG = Logger.getLogger(CampaignScheduler.class);

    @Inject
    CampaignService campaigns;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AuditLog audit;

    @Inject
    DeliveryCreation creation;

    @Inject
    MeterRegistry registry;

    /** Schedule checks finished (a test waits for whole checks, not for time). */
    private Counter checks;

    @jakarta.annotation.PostConstruct
    void meters() {
        checks = Counter.builder("tocsin.schedule.checks").description("scheduled-start checks finished").register(registry);
    }

    /** A creation job silent this long died with its instance (it beats with every slice, each well under it). */

    @Scheduled(every = "${tocsin.delivery.sweep-every}", delay = 5, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void resumeStalledCreation() {
        try {
            creation.resumeStalled(OffsetDateTime.now().minus(config.launch().resumeAfter()));
        } catch (Exception e) {
            LOG.warnf("checking for stalled delivery creation failed, will try again: %s", e.getMessage());
        }
    }

    private record Due(String id, OffsetDateTime scheduledAt) {
    }

    @Scheduled(every = "${tocsin.schedule.check-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void startDueCampaigns() {
        try {
            OffsetDateTime now = OffsetDateTime.now();
            for (Due due : due(now)) {
                if (due.scheduledAt().isBefore(now.minus(config.schedule().grace()))) {
                    markMissed(due, now);
                } else {
                    start(due);
                }
            }
        } catch (Exception e) {
            LOG.warnf("checking scheduled campaigns failed, will try again: %s", e.getMessage());
        } finally {
            checks.increment();
        }
    }

    private List<Due> due(OffsetDateTime now) throws SQLException {
        List<Due> due = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, scheduled_at FROM campaign WHERE status = 'SCHEDULED'"
                     + " AND schedule_missed_at IS NULL AND scheduled_at <= ? ORDER BY scheduled_at")) {
            ps.setObject(1, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(new Due(rs.getString(1), rs.getObject(2, OffsetDateTime.class)));
                }
            }
        }
        return due;
    }

    private void start(Due due) {
        try {
            campaigns.start(due.id(), CampaignStatus.SCHEDULED);
            audit.record("scheduler", "start scheduled campaign", "campaign", due.id(), null, 200,
                    "scheduled for " + due.scheduledAt());
        } catch (ApiException e) {
            // another replica started it first, or it was cancelled meanwhile
            LOG.debugf("scheduled campaign %s not started here: %s", due.id(), e.getMessage());
        }
    }

    private void markMissed(Due due, OffsetDateTime now) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE campaign SET schedule_missed_at = ?, updated_at = ?"
                     + " WHERE id = ? AND status = 'SCHEDULED' AND schedule_missed_at IS NULL")) {
            ps.setObject(1, now);
            ps.setObject(2, now);
            ps.setString(3, due.id());
            if (ps.executeUpdate() == 1) {
                LOG.warnf("campaign %s was scheduled for %s, when Tocsin was not running; it was NOT started late."
                        + " An operator must launch it (POST /api/campaigns/%s/launch) or cancel it.", due.id(),
                        due.scheduledAt(), due.id());
                audit.record("scheduler", "missed scheduled start", "campaign", due.id(), null, 409,
                        "scheduled for " + due.scheduledAt() + ", found at " + now + "; waiting for an operator");
            }
        }
    }
}
