package dev.tocsin.tracking;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * What the public pages read and write: a notice as its recipient may see it again, what the recipient did
 * with it (opened, acknowledged; times only), and a reference's public facts for /verify. Reads the delivery,
 * campaign, incident and account tables; writes only notice_engagement.
 */
@ApplicationScoped
public class RecipientNotices {

    static final String NOTICE = "SELECT d.id, d.campaign_id, d.channel, d.locale, d.sent_at, d.reference,"
            + " c.template_set, COALESCE(c.templates_version, 0), COALESCE(c.completed_at, c.launched_at, c.created_at),"
            + " i.title, i.description, i.occurred_at, i.discovered_at, a.timezone, a.country, a.region,"
            + " (SELECT e.categories FROM exposure e WHERE e.incident_id = c.incident_id AND e.account_id = d.account_id),"
            + " g.opened_at, g.acknowledged_at, c.follow_up_of, i.facts, i.company_actions, i.delay_note,"
            + " i.security_measures,"
            + " (SELECT e.enrolment_code FROM exposure e WHERE e.incident_id = c.incident_id AND e.account_id = d.account_id)"
            + " FROM delivery d JOIN campaign c ON c.id = d.campaign_id JOIN incident i ON i.id = c.incident_id"
            + " JOIN account a ON a.account_id = d.account_id LEFT JOIN notice_engagement g ON g.delivery_id = d.id"
            + " WHERE d.id = ?";

    static final String MARK_OPENED = "UPDATE notice_engagement SET opened_at = ? WHERE delivery_id = ? AND opened_at IS NULL";
    static final String MARK_ACKNOWLEDGED = "UPDATE notice_engagement SET acknowledged_at = ?,"
            + " opened_at = COALESCE(opened_at, ?) WHERE delivery_id = ? AND acknowledged_at IS NULL";
    static final String FIRST_ENGAGEMENT = "INSERT INTO notice_engagement (delivery_id, opened_at, acknowledged_at)"
            + " SELECT CAST(? AS BIGINT), CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS TIMESTAMP WITH TIME ZONE)"
            + " WHERE NOT EXISTS (SELECT 1 FROM notice_engagement WHERE delivery_id = ?)";
    static final String ACKNOWLEDGED_AT = "SELECT acknowledged_at FROM notice_engagement WHERE delivery_id = ?";

    static final String TRANSLATIONS = "SELECT t.locale, t.title, t.description, t.company_actions,"
            + " t.delay_note, t.security_measures FROM campaign c"
            + " JOIN incident_translation t ON t.incident_id = c.incident_id WHERE c.id = ?";

    static final String BY_REFERENCE = "SELECT d.reference, d.channel, d.sent_at, COALESCE(c.public_title, i.title)"
            + " FROM delivery d JOIN campaign c ON c.id = d.campaign_id JOIN incident i ON i.id = c.incident_id"
            + " WHERE d.reference IN (%s) AND d.sent_at IS NOT NULL ORDER BY d.sent_at";

    /** A sent notice as the advisory page needs it. */
    public record Notice(long deliveryId, String campaignId, String channel, String locale, OffsetDateTime sentAt,
                         String reference, String templateSet, int templatesVersion, OffsetDateTime campaignEndedAt,
                         dev.tocsin.template.IncidentText incidentText, dev.tocsin.template.NoticeFacts facts,
                         OffsetDateTime occurredAt,
                         OffsetDateTime discoveredAt, String timezone, String country, String region,
                         String categories, OffsetDateTime openedAt, OffsetDateTime acknowledgedAt,
                         String followUpOf, String enrolmentCode) {
    }

    /** One of a person's notices about an incident, as the advisory page lists them. */
    public record Listed(long deliveryId, String campaignId, String reference, OffsetDateTime sentAt, String channel,
                         String title) {
    }

    /** The person's sent notices about the same incident as this delivery's, newest first (at most 50). */
    static final String INCIDENT_NOTICES = "SELECT o.id, o.campaign_id, o.reference, o.sent_at, o.channel,"
            + " COALESCE(oc.public_title, i.title) FROM delivery d JOIN campaign c ON c.id = d.campaign_id"
            + " JOIN delivery o ON o.account_id = d.account_id JOIN campaign oc ON oc.id = o.campaign_id"
            + " JOIN incident i ON i.id = oc.incident_id"
            + " WHERE d.id = ? AND oc.incident_id = c.incident_id AND o.sent_at IS NOT NULL"
            + " ORDER BY o.sent_at DESC, o.id DESC FETCH FIRST 50 ROWS ONLY";

    public List<Listed> incidentNotices(long deliveryId) throws SQLException {
        List<Listed> found = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INCIDENT_NOTICES)) {
            ps.setLong(1, deliveryId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Listed(rs.getLong(1), rs.getString(2), rs.getString(3),
                            rs.getObject(4, OffsetDateTime.class), rs.getString(5), rs.getString(6)));
                }
            }
        }
        return found;
    }

    /** What /verify may say about a reference: nothing about the person. */
    public record Verified(String reference, String channel, OffsetDateTime sentAt, String title) {
    }

    @Inject
    AgroalDataSource dataSource;

    public Optional<Notice> find(long deliveryId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(NOTICE)) {
            ps.setLong(1, deliveryId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Notice(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class), rs.getString(6), rs.getString(7), rs.getInt(8),
                        rs.getObject(9, OffsetDateTime.class),
                        new dev.tocsin.template.IncidentText(rs.getString(10), rs.getString(11),
                                dev.tocsin.template.IncidentText.paragraphs(rs.getString(22)), rs.getString(23),
                                rs.getString(24)),
                        dev.tocsin.template.NoticeFacts.fromStored(rs.getString(21)),
                        rs.getObject(12, OffsetDateTime.class), rs.getObject(13, OffsetDateTime.class),
                        rs.getString(14), rs.getString(15), rs.getString(16), rs.getString(17),
                        rs.getObject(18, OffsetDateTime.class), rs.getObject(19, OffsetDateTime.class),
                        rs.getString(20), rs.getString(25)));
            }
        }
    }

    /** The incident's title and description per locale, for a campaign's notices. */
    public java.util.Map<String, dev.tocsin.template.IncidentText> translations(String campaignId) throws SQLException {
        java.util.Map<String, dev.tocsin.template.IncidentText> found = new java.util.HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(TRANSLATIONS)) {
            ps.setString(1, campaignId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), new dev.tocsin.template.IncidentText(rs.getString(2), rs.getString(3),
                            dev.tocsin.template.IncidentText.paragraphs(rs.getString(4)), rs.getString(5), rs.getString(6)));
                }
            }
        }
        return found;
    }

    /** The first view of the advisory page; later views change nothing. */
    public void recordOpened(long deliveryId, OffsetDateTime at) throws SQLException {
        engage(deliveryId, at, null);
    }

    /** The recipient's "I have read this notice"; returns when it was first given (a repeat keeps the first time). */
    public OffsetDateTime recordAcknowledged(long deliveryId, OffsetDateTime at) throws SQLException {
        engage(deliveryId, at, at);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ACKNOWLEDGED_AT)) {
            ps.setLong(1, deliveryId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1, OffsetDateTime.class) : at;
            }
        }
    }

    /**
     * Update the row if there is one, otherwise create it; two first views at once both try to create it, and
     * the one that loses (a key violation) updates instead.
     */
    private void engage(long deliveryId, OffsetDateTime opened, OffsetDateTime acknowledged) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            for (int attempt = 0; attempt < 2; attempt++) {
                if (update(c, deliveryId, opened, acknowledged) > 0) {
                    return;
                }
                try (PreparedStatement ps = c.prepareStatement(FIRST_ENGAGEMENT)) {
                    ps.setLong(1, deliveryId);
                    ps.setObject(2, opened);
                    ps.setObject(3, acknowledged);
                    ps.setLong(4, deliveryId);
                    ps.executeUpdate(); // nothing inserted: the row exists and already holds its times
                    return;
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState()) && !"23001".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        }
    }

    private static int update(Connection c, long deliveryId, OffsetDateTime opened, OffsetDateTime acknowledged)
            throws SQLException {
        if (acknowledged == null) {
            try (PreparedStatement ps = c.prepareStatement(MARK_OPENED)) {
                ps.setObject(1, opened);
                ps.setLong(2, deliveryId);
                return ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(MARK_ACKNOWLEDGED)) {
            ps.setObject(1, acknowledged);
            ps.setObject(2, opened);
            ps.setLong(3, deliveryId);
            return ps.executeUpdate();
        }
    }

    /** Sent notices carrying any of these references (the readings of one typed reference), oldest first. */
    public List<Verified> byReference(List<String> references) throws SQLException {
        if (references.isEmpty()) {
            return List.of();
        }
        String placeholders = String.join(", ", java.util.Collections.nCopies(references.size(), "?"));
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(BY_REFERENCE.formatted(placeholders))) {
            for (int i = 0; i < references.size(); i++) {
                ps.setString(i + 1, references.get(i));
            }
            List<Verified> found = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Verified(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class),
                            rs.getString(4)));
                }
            }
            return found;
        }
    }
}
