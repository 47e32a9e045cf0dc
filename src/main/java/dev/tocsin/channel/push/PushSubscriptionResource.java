package dev.tocsin.channel.push;

import dev.tocsin.audience.Account;
import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Roles;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the company's web app hands over a browser's push subscription (what pushManager.subscribe()
 * returned) for one of its accounts, and where it reads the VAPID key to subscribe with.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Push subscriptions")
public class PushSubscriptionResource {

    @Inject
    VapidKeys vapid;

    @Inject
    AuditContext audit;

    @Inject
    PushEndpointPolicy endpoints;

    public record Keys(String p256dh, String auth) {
    }

    public record SubscriptionRequest(String endpoint, Keys keys) {
    }

    /** The endpoint is shown only by host: the full URL is a capability to push to that browser. */
    public record SubscriptionView(long id, String accountId, String endpointHost, OffsetDateTime createdAt,
                                   OffsetDateTime updatedAt) {
        static SubscriptionView of(PushSubscription s) {
            return new SubscriptionView(s.id, s.accountId, URI.create(s.endpoint).getHost(), s.createdAt, s.updatedAt);
        }
    }

    @POST
    @Path("accounts/{accountId}/push-subscriptions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "registerPushSubscription", summary = "Register a browser's push subscription for an account",
            description = "201 for a new subscription; 200 when the endpoint was known (its keys and account are updated).")
    public Response register(@PathParam("accountId") String accountId, @NotNull SubscriptionRequest request) {
        if (Account.findById(accountId) == null) {
            throw new ApiException(404, "account_not_found", "No account with id '" + accountId
                    + "'. Upload the account with an incident first, then register its push subscription.");
        }
        validate(request);
        OffsetDateTime now = OffsetDateTime.now();
        PushSubscription existing = PushSubscription.find("endpoint", request.endpoint()).firstResult();
        boolean created = existing == null;
        PushSubscription s = created ? new PushSubscription() : existing;
        if (created) {
            s.endpoint = request.endpoint();
            s.createdAt = now;
        }
        s.accountId = accountId;
        s.p256dh = PushCrypto.encode(PushCrypto.decode(request.keys().p256dh()));
        s.auth = PushCrypto.encode(PushCrypto.decode(request.keys().auth()));
        s.updatedAt = now;
        s.persist();
        PushSubscription.flush();
        audit.object("push_subscription", String.valueOf(s.id)).after(SubscriptionView.of(s));
        return Response.status(created ? 201 : 200).entity(SubscriptionView.of(s)).build();
    }

    // Public: no sign-in (the document says so with an empty security requirement)
    @org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet
    @GET
    @Path("push/vapid-public-key")
    @PermitAll
    @Operation(operationId = "getVapidPublicKey", summary = "The VAPID public key browsers subscribe with (applicationServerKey)")
    public Map<String, String> vapidPublicKey() {
        return Map.of("publicKey", vapid.publicKey());
    }

    private void validate(SubscriptionRequest r) {
        List<FieldError> problems = new ArrayList<>();
        String endpoint = r.endpoint();
        if (endpoint == null || endpoint.isBlank()) {
            problems.add(new FieldError("endpoint", "is required"));
        } else if (endpoint.length() > 2000) {
            problems.add(new FieldError("endpoint", "is longer than 2000 characters"));
        } else {
            try {
                endpoints.check(endpoint);
            } catch (PushEndpointPolicy.Refused e) {
                problems.add(new FieldError("endpoint", e.getMessage()));
            }
        }
        if (r.keys() == null) {
            problems.add(new FieldError("keys", "is required: {\"p256dh\": ..., \"auth\": ...} as the browser returned them"));
        } else {
            byte[] key = PushCrypto.decode(r.keys().p256dh());
            if (key == null || key.length != 65 || key[0] != 0x04 || !PushCrypto.isP256Point(key)) {
                problems.add(new FieldError("keys.p256dh", "must be the browser's P-256 public key: 65 bytes, uncompressed, base64url"));
            }
            byte[] auth = PushCrypto.decode(r.keys().auth());
            if (auth == null || auth.length != 16) {
                problems.add(new FieldError("keys.auth", "must be the 16-byte authentication secret, base64url"));
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("invalid_push_subscription", "The push subscription cannot be registered.", problems);
        }
    }
}
