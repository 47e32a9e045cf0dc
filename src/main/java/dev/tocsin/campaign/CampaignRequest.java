package dev.tocsin.campaign;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.List;

/** Body of POST /api/campaigns (see shared/API.md). */
public record CampaignRequest(
        @NotBlank String incidentId,
        @NotBlank @Size(max = 300) String name,
        @NotBlank String templateSet,
        @NotEmpty List<String> channels,
        String channelPolicy,
        SegmentRequest segment,
        OffsetDateTime scheduledAt,
        @Min(1) @Max(20) Integer maxAttempts,
        @Min(1) @Max(10) Integer smsSegmentBudget) {

    /** An empty or missing list means no restriction. */
    public record SegmentRequest(List<String> exposedAny, List<String> exposedAll, List<String> countries,
                                 List<String> locales) {
    }
}
