package dev.tocsin.delivery;

import dev.tocsin.common.Channel;

import java.time.OffsetDateTime;

/**
 * A delivery this worker won the claim for, with what is needed to render and send it, and the claim's token
 * (what the worker renews its lease with). The channel is null when the row names one this version does not
 * have (the worker fails it). What the campaign's deliveries share is one {@link ClaimedCampaign}.
 */
public record ClaimedDelivery(long id, ClaimedCampaign campaign, String accountId, Channel channel, String address,
                              String locale, int attempts, String name, String timezone, String categories,
                              String suppressedBecause, String country, String region, String claimToken,
                              String updatesReference, OffsetDateTime updatesSentAt, String enrolmentCode) {

    public String campaignId() {
        return campaign.id();
    }

    public int maxAttempts() {
        return campaign.maxAttempts();
    }

    public String templateSet() {
        return campaign.templateSet();
    }

    public int templatesVersion() {
        return campaign.templatesVersion();
    }

    public String channels() {
        return campaign.channels();
    }

    public String channelPolicy() {
        return campaign.channelPolicy();
    }

    public String incidentTitle() {
        return campaign.incidentTitle();
    }

    public String incidentDescription() {
        return campaign.incidentDescription();
    }

    public OffsetDateTime occurredAt() {
        return campaign.occurredAt();
    }

    public OffsetDateTime discoveredAt() {
        return campaign.discoveredAt();
    }
}
