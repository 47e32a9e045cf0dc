package dev.tocsin.delivery;

import java.time.OffsetDateTime;

/**
 * A delivery this worker won the claim for, with what is needed to render and send it, and the claim's token
 * (what the worker renews its lease with).
 */
public record ClaimedDelivery(long id, String campaignId, String accountId, String channel, String address,
                              String locale, int attempts, int maxAttempts, String templateSet, String name,
                              String timezone, String categories, String incidentTitle, String incidentDescription,
                              OffsetDateTime occurredAt, OffsetDateTime discoveredAt, String channels,
                              String channelPolicy, String suppressedBecause, String country, String region,
                              int templatesVersion, String claimToken) {
}
