package dev.tocsin.delivery;

/**
 * Fired when deliveries of a campaign reached a result (a worker's batch, or a sweep for every running
 * campaign when {@code campaignId} is null): the campaign's owner decides whether it is now complete.
 */
public record CampaignDeliveriesSettled(String campaignId) {

    public static CampaignDeliveriesSettled anyRunning() {
        return new CampaignDeliveriesSettled(null);
    }
}
