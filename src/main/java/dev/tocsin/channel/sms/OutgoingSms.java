package dev.tocsin.channel.sms;

/** One SMS notice ready to go. */
public record OutgoingSms(long deliveryId, String campaignId, String to, String text) {
}
