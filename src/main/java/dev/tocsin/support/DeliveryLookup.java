package dev.tocsin.support;

import dev.tocsin.common.ApiException;
import dev.tocsin.common.Channel;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Masking;
import dev.tocsin.delivery.Delivery;
import dev.tocsin.delivery.DeliveryEvent;
import dev.tocsin.delivery.DeliveryStatus;
import dev.tocsin.tracking.NoticeEngagement;
import dev.tocsin.tracking.TypedReference;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * "Did I get the notice?": the notices sent to a person, found by account id, email, phone or the verification
 * reference they read out, each with its history. {@code whole}: the caller may see contact details unmasked
 * (operators and auditors, who need proof); support sees them masked. Used by the API and the console alike.
 */
@ApplicationScoped
public class DeliveryLookup {

    static final int MAX_RESULTS = 200;

    public record Transition(String status, OffsetDateTime at, String detail) {
    }

    public record DeliveryView(String id, String campaignId, String accountId, String channel, String status,
                               String address, int attempts, String reference, String resendOf, String providerMessageId,
                               String lastError, List<Transition> history, OffsetDateTime openedAt,
                               OffsetDateTime acknowledgedAt) {
    }

    /** Exactly one of accountId, email, phone; newest first, at most 200. */
    public List<DeliveryView> find(String accountId, String email, String phone, boolean whole) {
        int given = (accountId != null ? 1 : 0) + (email != null ? 1 : 0) + (phone != null ? 1 : 0);
        if (given != 1) {
            throw ApiException.badRequest("invalid_query", "Give exactly one of accountId, email or phone.",
                    List.of(new FieldError("accountId|email|phone", given == 0 ? "missing" : "more than one given")));
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Delivery> rows;
            if (accountId != null) {
                rows = Delivery.find("accountId = ?1 order by id desc", accountId).page(0, MAX_RESULTS).list();
            } else if (email != null) {
                rows = byAddress("email", email);
            } else {
                // lower() as for email, so the same index (delivery_address_lower) serves both; numbers have no case
                rows = byAddress("sms", phone);
            }
            return views(rows, whole);
        });
    }

    /**
     * The deliveries to an address, newest first. On PostgreSQL the address index leaves out rows being sent (a
     * claim would otherwise add an entry to it for every delivery, V39): those few are read through the index of
     * rows being sent, then both lists merged.
     */
    private static List<Delivery> byAddress(String channel, String address) {
        String lowered = address.strip().toLowerCase(Locale.ROOT);
        List<Delivery> rows = new ArrayList<>(Delivery.<Delivery>find("channel = ?1 and lower(address) = ?2"
                + " and status <> ?3 order by id desc", channel, lowered, DeliveryStatus.SENDING).page(0, MAX_RESULTS).list());
        rows.addAll(Delivery.<Delivery>find("status = ?3 and channel = ?1 and lower(address) = ?2",
                channel, lowered, DeliveryStatus.SENDING).page(0, MAX_RESULTS).list());
        rows.sort(java.util.Comparator.comparingLong((Delivery d) -> d.id).reversed());
        return rows.size() > MAX_RESULTS ? rows.subList(0, MAX_RESULTS) : rows;
    }

    /**
     * The notice whose verification reference a caller reads out on the phone. Typing slips are forgiven as on
     * /verify (case, spaces, dashes, O for D, 1 for L...); a reference no sent notice carries is a 404.
     */
    public DeliveryView byReference(String reference, boolean whole) {
        List<String> candidates = TypedReference.candidates(reference);
        if (candidates.isEmpty()) {
            throw ApiException.badRequest("invalid_reference",
                    "A verification reference is TCS and ten letters or digits, e.g. TCS-7KQ2M-XH4PD.",
                    List.of(new FieldError("reference", "not a verification reference")));
        }
        List<DeliveryView> found = QuarkusTransaction.requiringNew().call(() ->
                views(Delivery.<Delivery>find("reference in ?1 order by id", candidates).page(0, 10).list(), whole));
        if (found.isEmpty()) {
            throw new ApiException(404, "reference_not_found", "No notice we sent carries the reference '"
                    + TypedReference.display(reference) + "'. Check it with the caller: a reference we did not issue"
                    + " means the message they have did not come from us.");
        }
        return found.get(0);
    }

    public DeliveryView get(String id, boolean whole) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Delivery d;
            try {
                d = Delivery.findById(Long.parseLong(id));
            } catch (NumberFormatException e) {
                d = null;
            }
            if (d == null) {
                throw ApiException.notFound("delivery", id);
            }
            return views(List.of(d), whole).get(0);
        });
    }

    /** One query for the events of all the deliveries shown, not one per delivery. */
    List<DeliveryView> views(List<Delivery> rows, boolean whole) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<Long> ids = rows.stream().map(d -> d.id).toList();
        java.util.Map<Long, List<DeliveryEvent>> events = DeliveryEvent.<DeliveryEvent>list(
                        "deliveryId in ?1 order by at, id", ids)
                .stream().collect(java.util.stream.Collectors.groupingBy(e -> e.deliveryId));
        java.util.Map<Long, NoticeEngagement> engagement = NoticeEngagement.<NoticeEngagement>list("deliveryId in ?1", ids)
                .stream().collect(java.util.stream.Collectors.toMap(e -> e.deliveryId, e -> e));
        return rows.stream().map(d -> view(d, events.getOrDefault(d.id, List.of()), engagement.get(d.id), whole)).toList();
    }

    private static DeliveryView view(Delivery d, List<DeliveryEvent> events, NoticeEngagement engaged, boolean whole) {
        // The row keeps the happy path's times; retries, failures and callbacks are events with their reasons.
        List<Transition> history = new ArrayList<>();
        history.add(new Transition("queued", d.createdAt, null));
        for (DeliveryEvent e : events) {
            history.add(new Transition(e.status.toLowerCase(Locale.ROOT), e.at, e.detail));
        }
        if (d.sendingAt != null) {
            history.add(new Transition("sending", d.sendingAt, "attempt " + d.attempts));
        }
        if (d.sentAt != null) {
            history.add(new Transition("sent", d.sentAt, d.providerResponse));
        }
        if (d.settledAt != null && history.stream().noneMatch(t -> t.status().equals(d.status.key()))) {
            history.add(new Transition(d.status.key(), d.settledAt, d.lastError));
        }
        if (engaged != null && engaged.openedAt != null) {
            history.add(new Transition("opened", engaged.openedAt, "advisory page viewed"));
        }
        if (engaged != null && engaged.acknowledgedAt != null) {
            history.add(new Transition("acknowledged", engaged.acknowledgedAt, "recipient said they read it"));
        }
        history.sort(java.util.Comparator.comparing(Transition::at,
                java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
        String address = whole ? d.address : Masking.address(Channel.fromCode(d.channel).orElse(Channel.EMAIL), d.address);
        return new DeliveryView(String.valueOf(d.id), d.campaignId, d.accountId, d.channel, d.status.key(), address,
                d.attempts, d.reference, d.resendOf == null ? null : d.resendOf.toString(), d.providerMessageId,
                d.lastError, history,
                engaged == null ? null : engaged.openedAt, engaged == null ? null : engaged.acknowledgedAt);
    }
}
