package dev.tocsin.delivery;

/**
 * Fired when a campaign got a delivery to send after it may have completed (a first-available fallback after a
 * late bounce, returned letter or failed SMS): the campaign's owner runs it again until that one settles.
 */
public record CampaignDeliveriesQueuedAgain(String campaignId) {
}
