package dev.tocsin.channel.push;

/** One push notice ready to encrypt and send to one subscription. */
public record OutgoingPush(long deliveryId, String campaignId, long subscriptionId, String endpoint, String p256dh,
                           String auth, byte[] payload) {
}
