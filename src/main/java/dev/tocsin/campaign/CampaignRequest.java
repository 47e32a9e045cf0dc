package dev.tocsin.campaign;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.List;

/** Body of POST /api/campaigns (the contract: /q/openapi). */
public record CampaignRequest(
        @NotBlank @Size(max = 36) String incidentId,
        @NotBlank @Size(max = 300) String name,
        @NotBlank @Size(max = 100) String templateSet,
        @NotEmpty @Size(max = 3) List<String> channels,
        @Size(max = 20) String channelPolicy,
        SegmentRequest segment,
        OffsetDateTime scheduledAt,
        @Min(1) @Max(20) Integer maxAttempts,
        @Min(1) @Max(10) Integer smsSegmentBudget,
        /* What a recipient sees on /verify for this campaign's notices; unset: the incident's title. */
        @Size(max = 300) String publicTitle,
        /* An update to the recipients of this earlier campaign of the same incident. */
        @Size(max = 36) String followUpOf,
        /* Who among them: all (default), reached, or unacknowledged. */
        @Size(max = 20) String followUpAudience) {

    /** An empty or missing list means no restriction. */
    public record SegmentRequest(List<String> exposedAny, List<String> exposedAll, List<String> countries,
                                 List<String> locales) {
    }
}
