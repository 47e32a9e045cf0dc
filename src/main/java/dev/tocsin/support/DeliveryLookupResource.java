package dev.tocsin.support;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Channel;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Masking;
import dev.tocsin.common.Roles;
import dev.tocsin.delivery.Delivery;
import dev.tocsin.delivery.DeliveryEvent;
import dev.tocsin.delivery.DeliveryResends;
import dev.tocsin.tracking.NoticeEngagement;
import dev.tocsin.tracking.TypedReference;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * "Did I get the notice?": support looks a person up by account id, email or phone and sees every notice
 * sent to them. Support sees contact details masked; operators and auditors, who need proof, see them whole.
 */
@Path("/api/deliveries")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Support")
@RolesAllowed({Roles.SUPPORT, Roles.OPERATOR, Roles.AUDITOR})
public class DeliveryLookupResource {

    private static final int MAX_RESULTS = 200;

    @Inject
    SecurityIdentity identity;

    @Inject
    Resends resends;

    @Inject
    AuditContext audit;

    public record Transition(String status, OffsetDateTime at, String detail) {
    }

    public record DeliveryView(String id, String campaignId, String accountId, String channel, String status,
                               String address, int attempts, String reference, String resendOf, String providerMessageId,
                               String lastError, List<Transition> history, OffsetDateTime openedAt,
                               OffsetDateTime acknowledgedAt) {
    }

    @GET
    @Operation(operationId = "findDeliveries", summary = "Find the notices sent to a person", description = "Exactly one of accountId, email, phone. Newest first, at most 200.")
    public List<DeliveryView> find(@QueryParam("accountId") String accountId, @QueryParam("email") String email,
                                   @QueryParam("phone") String phone) {
        int given = (accountId != null ? 1 : 0) + (email != null ? 1 : 0) + (phone != null ? 1 : 0);
        if (given != 1) {
            throw ApiException.badRequest("invalid_query", "Give exactly one of accountId, email or phone.",
                    List.of(new FieldError("accountId|email|phone", given == 0 ? "missing" : "more than one given")));
        }
        List<Delivery> rows;
        if (accountId != null) {
            rows = Delivery.find("accountId = ?1 order by id desc", accountId).page(0, MAX_RESULTS).list();
        } else if (email != null) {
            rows = Delivery.find("channel = 'email' and lower(address) = ?1 order by id desc",
                    email.strip().toLowerCase(Locale.ROOT)).page(0, MAX_RESULTS).list();
        } else {
            rows = Delivery.find("channel = 'sms' and address = ?1 order by id desc", phone.strip()).page(0, MAX_RESULTS).list();
        }
        return views(rows);
    }

    public record ResendRequest(String channel, String reason) {
    }

    /**
     * Support on the phone: "I never got it". A new delivery of the same notice, on the same or another
     * channel, linked to this one and audited with the reason given.
     */
    @POST
    @Path("{id}/resend")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.SUPPORT, Roles.OPERATOR})
    @Operation(operationId = "resendDelivery", summary = "Send a person's notice again",
            description = "Body: {\"reason\": \"why\", \"channel\": \"email|sms|push\" (default: the same)}. 409 while the"
                    + " original is still on its way, when the address is suppressed or missing, or the campaign was cancelled.")
    public Response resend(@PathParam("id") String id, ResendRequest request) throws SQLException {
        long original = parseId(id);
        List<FieldError> problems = new ArrayList<>();
        if (request == null || request.reason() == null || request.reason().isBlank()) {
            problems.add(new FieldError("reason", "say why the notice is sent again (it goes into the audit trail)"));
        } else if (request.reason().length() > 1000) {
            problems.add(new FieldError("reason", "longer than 1000 characters"));
        }
        Channel channel = null;
        if (request != null && request.channel() != null) {
            channel = Channel.fromCode(request.channel()).orElse(null);
            if (channel == null) {
                problems.add(new FieldError("channel", "unknown channel (email, sms, push)"));
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("invalid_request", "The resend request is not complete.", problems);
        }
        DeliveryResends.Created created = resends.resend(original, channel);
        DeliveryView view = views(List.of(Delivery.<Delivery>findById(created.id()))).get(0);
        audit.object("delivery", Long.toString(created.id()))
                .details("resend of delivery " + original + " on " + created.channel().code() + ": " + request.reason().strip())
                .after(view);
        return Response.status(201).entity(view).location(java.net.URI.create("/api/deliveries/" + created.id())).build();
    }

    private static long parseId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("delivery", id);
        }
    }

    /**
     * The notice whose verification reference a caller reads out on the phone. Typing slips are forgiven as on
     * /verify (case, spaces, dashes, O for D, 1 for L...); a reference no sent notice carries is a 404.
     */
    @GET
    @Path("by-reference/{reference}")
    @Operation(operationId = "findDeliveryByReference", summary = "Find the notice that carries a verification reference")
    public DeliveryView byReference(@PathParam("reference") String reference) {
        List<String> candidates = TypedReference.candidates(reference);
        if (candidates.isEmpty()) {
            throw ApiException.badRequest("invalid_reference",
                    "A verification reference is TCS and ten letters or digits, e.g. TCS-7KQ2M-XH4PD.",
                    List.of(new FieldError("reference", "not a verification reference")));
        }
        List<Delivery> rows = Delivery.find("reference in ?1 order by id", candidates).page(0, 10).list();
        if (rows.isEmpty()) {
            throw new ApiException(404, "reference_not_found", "No notice we sent carries the reference '"
                    + TypedReference.display(reference) + "'. Check it with the caller: a reference we did not issue"
                    + " means the message they have did not come from us.");
        }
        return views(rows).get(0);
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getDelivery", summary = "Read one delivery")
    public DeliveryView get(@PathParam("id") String id) {
        Delivery d;
        try {
            d = Delivery.findById(Long.parseLong(id));
        } catch (NumberFormatException e) {
            d = null;
        }
        if (d == null) {
            throw ApiException.notFound("delivery", id);
        }
        return views(List.of(d)).get(0);
    }

    /** One query for the events of all the deliveries shown, not one per delivery. */
    private List<DeliveryView> views(List<Delivery> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<Long> ids = rows.stream().map(d -> d.id).toList();
        java.util.Map<Long, List<DeliveryEvent>> events = DeliveryEvent.<DeliveryEvent>list(
                        "deliveryId in ?1 order by at, id", ids)
                .stream().collect(java.util.stream.Collectors.groupingBy(e -> e.deliveryId));
        java.util.Map<Long, NoticeEngagement> engagement = NoticeEngagement.<NoticeEngagement>list("deliveryId in ?1", ids)
                .stream().collect(java.util.stream.Collectors.toMap(e -> e.deliveryId, e -> e));
        return rows.stream().map(d -> view(d, events.getOrDefault(d.id, List.of()), engagement.get(d.id))).toList();
    }

    private DeliveryView view(Delivery d, List<DeliveryEvent> events, NoticeEngagement engaged) {
        boolean whole = identity.hasRole(Roles.OPERATOR) || identity.hasRole(Roles.AUDITOR);
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
