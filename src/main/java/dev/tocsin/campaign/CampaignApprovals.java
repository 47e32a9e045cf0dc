package dev.tocsin.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.FieldError;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an approver decides on: a record of what was approved (the campaign's fields and its custom template
 * parts at that moment), the changes since, and a rejection with its reason. An edit after approval withdraws
 * it (CampaignService, CampaignTemplateUploads) but keeps the record, so the next approver sees what changed.
 */
@ApplicationScoped
public class CampaignApprovals {

    static final String FORGET_APPROVED_TEMPLATES = "DELETE FROM campaign_approved_template WHERE campaign_id = ?";

    static final String KEEP_APPROVED_TEMPLATES = "INSERT INTO campaign_approved_template (campaign_id, locale, part, content)"
            + " SELECT campaign_id, locale, part, content FROM campaign_template WHERE campaign_id = ?";

    static final String APPROVED_TEMPLATES = "SELECT locale, part, content FROM campaign_approved_template WHERE campaign_id = ?";

    static final String CURRENT_TEMPLATES = "SELECT locale, part, content FROM campaign_template WHERE campaign_id = ?";

    static final int MAX_COMMENT = 2000;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper json;

    /** One difference between what was approved and what would be sent now. */
    public record Change(String what, String approved, String now, List<String> lines) {
    }

    /** The changes since the last approval; none when the campaign was never approved. */
    public record SinceApproval(boolean everApproved, List<Change> changes) {
    }

    /** The fields a notice's content or reach depends on, named as the approval page shows them. */
    static Map<String, String> fields(Campaign c) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("name", c.name);
        f.put("public title", c.publicTitle);
        f.put("notice kind", c.templateSet);
        f.put("channels", c.channels);
        f.put("channel policy", c.channelPolicy);
        f.put("exposed (any of)", c.segmentExposedAny);
        f.put("exposed (all of)", c.segmentExposedAll);
        f.put("countries", c.segmentCountries);
        f.put("languages", c.segmentLocales);
        f.put("follow-up of", c.followUpOf);
        f.put("follow-up audience", c.followUpAudience);
        f.put("scheduled at", c.scheduledAt == null ? null : c.scheduledAt.toString());
        f.put("attempts per notice", String.valueOf(c.maxAttempts));
        f.put("SMS segment budget", String.valueOf(c.smsSegmentBudget()));
        return f;
    }

    /** Called inside the approving transaction: what this approval covers, kept to compare with later. */
    void remember(Campaign c) {
        try {
            c.approvedFields = json.writeValueAsString(fields(c));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        c.rejectedBy = null;
        c.rejectedAt = null;
        c.rejectionComment = null;
        try (Connection conn = dataSource.getConnection();
             PreparedStatement forget = conn.prepareStatement(FORGET_APPROVED_TEMPLATES);
             PreparedStatement keep = conn.prepareStatement(KEEP_APPROVED_TEMPLATES)) {
            forget.setString(1, c.id);
            forget.executeUpdate();
            keep.setString(1, c.id);
            keep.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the approved templates could not be kept", e);
        }
    }

    /**
     * An approver sends a draft back with a reason: it stays DRAFT (the operator edits it and asks again); the
     * reason shows on the campaign's pages until a later approval. The four-eyes rule applies as to approving.
     */
    public Campaign reject(String id, String comment, String user) {
        String reason = comment == null ? "" : comment.strip();
        if (reason.isEmpty()) {
            throw ApiException.badRequest("invalid_request", "Say why the campaign is rejected: the operator reads it to fix"
                    + " the campaign.", List.of(new FieldError("comment", "required")));
        }
        if (reason.length() > MAX_COMMENT) {
            throw ApiException.badRequest("invalid_request", "The comment is longer than 2,000 characters.",
                    List.of(new FieldError("comment", "at most 2000 characters")));
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            Campaign c = Campaign.findById(id);
            if (c == null) {
                throw ApiException.notFound("campaign", id);
            }
            CampaignService.checkApprovable(c, user);
            c.rejectedBy = user;
            c.rejectedAt = OffsetDateTime.now();
            c.rejectionComment = reason;
            c.updatedAt = c.rejectedAt;
            return c;
        });
    }

    /** What differs between the last approval and the campaign now: fields, then template parts line by line. */
    public SinceApproval since(String id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Campaign c = Campaign.findById(id);
            if (c == null) {
                throw ApiException.notFound("campaign", id);
            }
            if (c.approvedFields == null) {
                return new SinceApproval(false, List.of());
            }
            List<Change> changes = new ArrayList<>();
            Map<String, String> approved = json.readValue(c.approvedFields, new TypeReference<LinkedHashMap<String, String>>() {
            });
            fields(c).forEach((what, now) -> {
                String then = approved.get(what);
                if (!Objects.equals(then, now)) {
                    changes.add(new Change(what, then, now, List.of()));
                }
            });
            try (Connection conn = dataSource.getConnection()) {
                Map<String, String> before = templates(conn, APPROVED_TEMPLATES, id);
                Map<String, String> after = templates(conn, CURRENT_TEMPLATES, id);
                TreeSet<String> parts = new TreeSet<>(before.keySet());
                parts.addAll(after.keySet());
                for (String part : parts) {
                    String then = before.get(part);
                    String now = after.get(part);
                    if (!Objects.equals(then, now)) {
                        changes.add(new Change("template " + part, then == null ? "(the library's)" : "custom",
                                now == null ? "(the library's)" : "custom", LineDiff.of(then, now)));
                    }
                }
            }
            return new SinceApproval(true, changes);
        });
    }

    private static Map<String, String> templates(Connection conn, String sql, String id) throws SQLException {
        Map<String, String> parts = new TreeMap<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    parts.put(rs.getString(1) + "/" + rs.getString(2), rs.getString(3));
                }
            }
        }
        return parts;
    }
}
