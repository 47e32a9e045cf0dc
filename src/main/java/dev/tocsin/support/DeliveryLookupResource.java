package dev.tocsin.support;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Channel;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Roles;
import dev.tocsin.delivery.DeliveryResends;
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
import java.util.ArrayList;
import java.util.List;

/**
 * "Did I get the notice?": support looks a person up by account id, email or phone and sees every notice
 * sent to them. Support sees contact details masked; operators and auditors, who need proof, see them whole.
 */
@Path("/api/deliveries")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Support")
@RolesAllowed({Roles.SUPPORT, Roles.OPERATOR, Roles.AUDITOR})
public class DeliveryLookupResource {

    @Inject
    SecurityIdentity identity;

    @Inject
    Resends resends;

    @Inject
    DeliveryLookup lookup;

    @Inject
    AuditContext audit;

    @GET
    @Operation(operationId = "findDeliveries", summary = "Find the notices sent to a person", description = "Exactly one of accountId, email, phone. Newest first, at most 200.")
    public List<DeliveryLookup.DeliveryView> find(@QueryParam("accountId") String accountId, @QueryParam("email") String email,
                                   @QueryParam("phone") String phone) {
        return lookup.find(accountId, email, phone, whole());
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
        DeliveryLookup.DeliveryView view = lookup.get(Long.toString(created.id()), whole());
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
    public DeliveryLookup.DeliveryView byReference(@PathParam("reference") String reference) {
        return lookup.byReference(reference, whole());
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getDelivery", summary = "Read one delivery")
    public DeliveryLookup.DeliveryView get(@PathParam("id") String id) {
        return lookup.get(id, whole());
    }

    /** Operators and auditors, who need proof, see contact details whole; support sees them masked. */
    private boolean whole() {
        return identity.hasRole(Roles.OPERATOR) || identity.hasRole(Roles.AUDITOR);
    }
}
