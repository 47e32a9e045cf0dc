package dev.tocsin.channel.email;

import dev.tocsin.common.Channel;
import dev.tocsin.delivery.DeliveryStatus;
import dev.tocsin.delivery.ProviderCallbacks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.SQLException;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What becomes of an email after the relay took it, as a bounce, a complaint or a delivery report says, from
 * whichever way it arrives (a provider webhook today): a hard bounce ends the delivery as bounced, suppresses
 * the address and, under first-available, tries the campaign's next channel; a complaint ends it as complained
 * and suppresses the address (the person got it: no fallback); a delivery report makes a sent email delivered;
 * a soft bounce is recorded in the history (the relay keeps trying). Nothing moves a delivery backwards: a
 * bounce for a delivered or bounced delivery is ignored.
 */
@ApplicationScoped
public class EmailFeedback {

    public enum Kind { HARD_BOUNCE, SOFT_BOUNCE, COMPLAINT, DELIVERY }

    /** What one report did. */
    public enum Result { SETTLED, NOTED, SUPPRESSED, IGNORED, UNKNOWN }

    @Inject
    ProviderCallbacks callbacks;

    @Inject
    MimeMessageFactory messages;

    /**
     * Applies one report about a message of ours (by its Message-ID) or, when the report names none, about an
     * address (then only suppression is possible).
     */
    public Result apply(Kind kind, String messageId, String address, String detail) throws SQLException {
        OptionalLong delivery = messages.deliveryIdOf(messageId);
        java.util.Optional<Long> byBounceAddress = messages.deliveryOfBounceAddress(address);
        if (delivery.isEmpty() && byBounceAddress.isPresent()) {
            delivery = OptionalLong.of(byBounceAddress.get()); // the VERP address we sent it from, MAC checked
        }
        if (delivery.isPresent()) {
            ProviderCallbacks.Settled settled = switch (kind) {
                case HARD_BOUNCE -> callbacks.settleById(Channel.EMAIL, delivery.getAsLong(), DeliveryStatus.BOUNCED,
                        Set.of(DeliveryStatus.SENT), "hard bounce: " + detail, true, true);
                case COMPLAINT -> callbacks.settleById(Channel.EMAIL, delivery.getAsLong(), DeliveryStatus.COMPLAINED,
                        Set.of(DeliveryStatus.SENT, DeliveryStatus.DELIVERED), "complaint: " + detail, true, false);
                case DELIVERY -> callbacks.settleById(Channel.EMAIL, delivery.getAsLong(), DeliveryStatus.DELIVERED,
                        Set.of(DeliveryStatus.SENT), "delivered: " + detail, false, false);
                case SOFT_BOUNCE -> callbacks.noteById(Channel.EMAIL, delivery.getAsLong(), "SOFT_BOUNCE",
                        "soft bounce (the relay retries): " + detail);
            };
            return switch (settled) {
                case MOVED -> kind == Kind.SOFT_BOUNCE ? Result.NOTED : Result.SETTLED;
                case ALREADY -> Result.IGNORED;
                case UNKNOWN, OTHER_CHANNEL -> Result.UNKNOWN;
            };
        }
        boolean ours = address != null && address.strip().toLowerCase(Locale.ROOT).startsWith("bounces+");
        if (address != null && !address.isBlank() && !ours && (kind == Kind.HARD_BOUNCE || kind == Kind.COMPLAINT)) {
            callbacks.suppressAddress(Channel.EMAIL, dev.tocsin.common.EmailAddress.normalized(address), (kind == Kind.HARD_BOUNCE ? "hard bounce: "
                    : "complaint: ") + detail);
            return Result.SUPPRESSED;
        }
        return Result.UNKNOWN;
    }
}
