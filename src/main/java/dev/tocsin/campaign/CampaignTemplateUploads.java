package dev.tocsin.campaign;

import dev.tocsin.audience.AudienceQuery;
import dev.tocsin.audience.ExposureCategory;
import dev.tocsin.audience.Segment;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Channel;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Ids;
import dev.tocsin.delivery.DeliveryDispatcher;
import dev.tocsin.delivery.DeliveryCompletion;
import dev.tocsin.delivery.DeliveryHandOver;
import dev.tocsin.incident.Incident;
import dev.tocsin.template.NoticeTemplates;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Campaign-specific template parts: checked (TemplateRules, syntax, a budgeted sample render), kept over the
 * library set, and only before launch; an approved campaign goes back to DRAFT, so another person approves
 * what it now says.
 */
@ApplicationScoped
public class CampaignTemplateUploads {

    @Inject
    NoticeTemplates templates;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    CampaignService campaigns;

    @Inject
    CampaignLifecycle lifecycle;

    /** What an upload changed: the campaign's template version, and whether an approval was withdrawn. */
    public record TemplateUpload(String campaignId, String locale, String part, int templatesVersion, String status,
                                 boolean approvalWithdrawn) {
    }

    static final int MAX_TEMPLATE_CHARS = 100_000;

    /**
     * Keeps an operator's template part for one campaign (over its library set). Checked first (syntax with
     * line and column, the sandbox); only before launch; an approved campaign goes back to DRAFT, and the
     * uploader counts as its last editor, so someone else must approve what it now says.
     */
    public TemplateUpload putTemplate(String id, String localeTag, String part, String source, String user) {
        if (!NoticeTemplates.PARTS.contains(part)) {
            throw ApiException.badRequest("invalid_template", "Unknown template part '" + part + "'; one of "
                    + NoticeTemplates.PARTS + ".", List.of(new FieldError("part", "unknown")));
        }
        String tag;
        try {
            Locale locale = new Locale.Builder().setLanguageTag(localeTag == null ? "" : localeTag.strip()).build();
            if (locale.getLanguage().isEmpty()) {
                throw new IllformedLocaleException("no language");
            }
            tag = locale.toLanguageTag();
        } catch (IllformedLocaleException e) {
            throw ApiException.badRequest("invalid_template", "'" + localeTag + "' is not a BCP 47 language tag (e.g. fr, pt-BR).",
                    List.of(new FieldError("locale", "not a BCP 47 language tag")));
        }
        if (tag.length() > 35) {
            throw ApiException.badRequest("invalid_template", "The language tag '" + tag.substring(0, 35) + "...' is longer than"
                    + " 35 characters; give the language and region only (e.g. pt-BR).", List.of(new FieldError("locale", "too long")));
        }
        if (source == null || source.isBlank()) {
            throw ApiException.badRequest("invalid_template", "The template is empty.", List.of(new FieldError("body", "empty")));
        }
        if (source.length() > MAX_TEMPLATE_CHARS) {
            throw new ApiException(413, "template_too_large", "A template part may have at most " + MAX_TEMPLATE_CHARS
                    + " characters; this one has " + source.length() + ".");
        }
        List<NoticeTemplates.TemplateError> errors = templates.checkUpload(tag, part, source);
        if (!errors.isEmpty()) {
            NoticeTemplates.TemplateError first = errors.get(0);
            throw ApiException.badRequest("template_error", first.file() + " line " + first.line() + ", column "
                    + first.column() + ": " + first.message(), errors);
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            Campaign c = campaigns.find(id);
            if (c.status != CampaignStatus.DRAFT && c.status != CampaignStatus.APPROVED) {
                throw ApiException.conflict("wrong_state", "Campaign " + id + " is " + c.status
                        + "; its templates can change only before launch (DRAFT or APPROVED).");
            }
            try (Connection conn = dataSource.getConnection();
                 PreparedStatement ps = conn.prepareStatement("MERGE INTO campaign_template t USING (VALUES ("
                         + "CAST(? AS VARCHAR(36)), CAST(? AS VARCHAR(35)), CAST(? AS VARCHAR(40)))) AS s (campaign_id, locale, part)"
                         + " ON t.campaign_id = s.campaign_id AND t.locale = s.locale AND t.part = s.part"
                         + " WHEN MATCHED THEN UPDATE SET content = ?, updated_by = ?, updated_at = ?"
                         + " WHEN NOT MATCHED THEN INSERT (campaign_id, locale, part, content, updated_by, updated_at)"
                         + " VALUES (s.campaign_id, s.locale, s.part, ?, ?, ?)")) {
                OffsetDateTime now = OffsetDateTime.now();
                ps.setString(1, id);
                ps.setString(2, tag);
                ps.setString(3, part);
                ps.setString(4, source);
                ps.setString(5, user);
                ps.setObject(6, now);
                ps.setString(7, source);
                ps.setString(8, user);
                ps.setObject(9, now);
                ps.executeUpdate();
            }
            boolean withdrawn = c.status == CampaignStatus.APPROVED;
            c.templatesVersion = c.templatesVersion() + 1;
            if (withdrawn) {
                lifecycle.move(c, CampaignStatus.DRAFT);
                c.approvedBy = null;
                c.approvedAt = null;
                c.approvalComment = "approval withdrawn: template " + tag + "/" + part + " uploaded by " + user;
            }
            c.lastEditedBy = user;
            c.updatedAt = OffsetDateTime.now();
            return new TemplateUpload(id, tag, part, c.templatesVersion, c.status.name(), withdrawn);
        });
    }

    /** One custom part a campaign has, for the console's list. */
    public record CustomPart(String locale, String part, int characters, String updatedBy, OffsetDateTime updatedAt) {
    }

    /** The campaign's custom template parts (over its library set), by locale and part. */
    public List<CustomPart> customParts(String id) {
        try (Connection conn = dataSource.getConnection();
             PreparedStatement ps = conn.prepareStatement("SELECT locale, part, LENGTH(content), updated_by, updated_at"
                     + " FROM campaign_template WHERE campaign_id = ? ORDER BY locale, part")) {
            ps.setString(1, id);
            List<CustomPart> parts = new ArrayList<>();
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    parts.add(new CustomPart(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                            rs.getObject(5, OffsetDateTime.class)));
                }
            }
            return parts;
        } catch (SQLException e) {
            throw new IllegalStateException("the campaign's templates could not be read", e);
        }
    }

    /** The source of one custom part, if the campaign has it. */
    public java.util.Optional<String> customPart(String id, String locale, String part) {
        try (Connection conn = dataSource.getConnection();
             PreparedStatement ps = conn.prepareStatement("SELECT content FROM campaign_template"
                     + " WHERE campaign_id = ? AND locale = ? AND part = ?")) {
            ps.setString(1, id);
            ps.setString(2, locale);
            ps.setString(3, part);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(rs.getString(1)) : java.util.Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the campaign's template could not be read", e);
        }
    }
}
