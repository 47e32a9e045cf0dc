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
 * a soft bounce (the relay gave up for a reason that may pass: a full mailbox) sends it again after the retry
 * backoff while the campaign's attempts last, then ends it as bounced without suppressing the address; a
 * delayed-delivery report (the relay still tries) is recorded in the history. Nothing moves a delivery
 * backwards: a bounce for a delivered or bounced delivery is ignored. A report carrying its own identity (a
 * receipt) is applied once, however often it arrives.
 */
@ApplicationScoped
public class EmailFeedback {

    public enum Kind { HARD_BOUNCE, SOFT_BOUNCE, DELAYED, COMPLAINT, DELIVERY }

    /** What one report did. */
    public enum Result { SETTLED, RETRYING, NOTED, SUPPRESSED, IGNORED, UNKNOWN }

    @Inject
    ProviderCallbacks callbacks;

    @Inject
    MimeMessageFactory messages;

    /**
     * Applies one report about a message of ours (by its Message-ID or the bounce address it was sent with) or,
     * when the report names none, about an address (then only suppression is possible). {@code receipt} names
     * the report itself (or is null when it has no identity).
     */
    public Result apply(Kind kind, String messageId, String address, String detail, String receipt) throws SQLException {
        OptionalLong delivery = messages.deliveryIdOf(messageId);
        java.util.Optional<Long> byBounceAddress = messages.deliveryOfBounceAddress(address);
        if (delivery.isEmpty() && byBounceAddress.isPresent()) {
            delivery = OptionalLong.of(byBounceAddress.get()); // the VERP address we sent it from, MAC checked
        }
        if (delivery.isPresent()) {
            long id = delivery.getAsLong();
            if (kind == Kind.SOFT_BOUNCE) {
                return switch (callbacks.retryById(Channel.EMAIL, id, "soft bounce: " + detail, receipt)) {
                    case QUEUED_AGAIN -> Result.RETRYING;
                    case GAVE_UP -> Result.SETTLED;
                    case ALREADY -> Result.IGNORED;
                    case UNKNOWN, OTHER_CHANNEL -> Result.UNKNOWN;
                };
            }
            ProviderCallbacks.Settled settled = switch (kind) {
                case HARD_BOUNCE -> callbacks.settleById(Channel.EMAIL, id, DeliveryStatus.BOUNCED,
                        Set.of(DeliveryStatus.SENT), "hard bounce: " + detail, true, true, receipt);
                case COMPLAINT -> callbacks.settleById(Channel.EMAIL, id, DeliveryStatus.COMPLAINED,
                        Set.of(DeliveryStatus.SENT, DeliveryStatus.DELIVERED), "complaint: " + detail, true, false, receipt);
                case DELIVERY -> callbacks.settleById(Channel.EMAIL, id, DeliveryStatus.DELIVERED,
                        Set.of(DeliveryStatus.SENT), "delivered: " + detail, false, false, receipt);
                default -> callbacks.noteById(Channel.EMAIL, id, "DELAYED", "delayed (the relay keeps trying): " + detail, receipt);
            };
            return switch (settled) {
                case MOVED -> kind == Kind.DELAYED ? Result.NOTED : Result.SETTLED;
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
