package dev.tocsin.channel.email;

import dev.tocsin.template.RenderedEmail;

/** One notice ready to go: the delivery it belongs to, where it goes, and its rendered content. */
public record OutgoingEmail(long deliveryId, String campaignId, String to, String reference, RenderedEmail content) {
}
