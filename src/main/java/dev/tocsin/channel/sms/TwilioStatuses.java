package dev.tocsin.channel.sms;

import dev.tocsin.common.Channel;
import dev.tocsin.delivery.DeliveryStatus;
import dev.tocsin.delivery.ProviderCallbacks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.Set;

/**
 * What a Twilio status callback means for the delivery (after the resource checked its signature): delivered,
 * undeliverable (the number cannot take SMS; 21610 is the recipient's STOP, suppressed), or failed.
 */
@ApplicationScoped
public class TwilioStatuses {

    private static final Logger LOG = Logger.getLogger(TwilioStatuses.class);
    private static final Set<String> NOT_DELIVERED = Set.of("undelivered", "failed");
    /** Carrier codes meaning the number cannot receive SMS at all; 21610 is the recipient's STOP. */
    private static final Set<String> UNREACHABLE_CODES = Set.of("30003", "30005", "30006", "21610", "21614");

    @Inject
    ProviderCallbacks callbacks;

    /** Applies one callback: a final status settles the delivery now, or once our record of the send exists. */
    public void apply(String sid, String status, String code) throws SQLException {
        DeliveryStatus outcome;
        String detail;
        if ("delivered".equals(status)) {
            outcome = DeliveryStatus.DELIVERED;
            detail = "Twilio: delivered";
        } else if (NOT_DELIVERED.contains(status)) {
            boolean unreachable = code != null && UNREACHABLE_CODES.contains(code);
            outcome = unreachable ? DeliveryStatus.UNDELIVERABLE : DeliveryStatus.FAILED;
            detail = "Twilio: " + status + (code != null ? " (error " + code + ")" : "");
        } else {
            return; // queued, sending, sent: nothing final to record
        }
        boolean suppress = "21610".equals(code);
        String what;
        if (callbacks.settleFromProvider(Channel.SMS, sid, outcome, detail, suppress)) {
            what = "recorded";
        } else if (callbacks.parkIfEarly(Channel.SMS, sid, outcome, detail, suppress)) {
            what = "kept until the send is recorded";
        } else {
            what = "no change (already settled)";
        }
        LOG.debugf("Twilio status %s for %s: %s", status, sid, what);
    }
}
