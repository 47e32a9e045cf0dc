package dev.tocsin.campaign;

import dev.tocsin.audience.Segment;

import java.time.OffsetDateTime;
import java.util.List;

/** A campaign as the API shows it. */
public record CampaignView(String id, String name, String publicTitle, String followUpOf, String followUpAudience,
                           String status, String incidentId, String templateSet,
                           List<String> channels, String channelPolicy, Segment segment, OffsetDateTime scheduledAt,
                           OffsetDateTime scheduleMissedAt,
                           int maxAttempts, int smsSegmentBudget, String createdBy, String lastEditedBy, String approvedBy, OffsetDateTime approvedAt,
                           String approvalComment, String rejectedBy, OffsetDateTime rejectedAt, String rejectionComment,
                           List<String> allowedFallback, OffsetDateTime launchedAt, OffsetDateTime completedAt,
                           Long audienceTotal, Long unreachable, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    public static CampaignView of(Campaign c) {
        return new CampaignView(c.id, c.name, c.publicTitle, c.followUpOf, c.followUpAudience, c.status.name(), c.incidentId, c.templateSet, c.channelCodes(),
                c.channelPolicy, c.segment(), c.scheduledAt, c.scheduleMissedAt, c.maxAttempts, c.smsSegmentBudget(), c.createdBy, c.lastEditedBy, c.approvedBy, c.approvedAt,
                c.approvalComment, c.rejectedBy, c.rejectedAt, c.rejectionComment, Campaign.split(c.allowedFallback), c.launchedAt, c.completedAt, c.audienceTotal, c.unreachable, c.createdAt, c.updatedAt);
    }
}
