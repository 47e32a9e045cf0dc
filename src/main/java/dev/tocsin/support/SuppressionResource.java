package dev.tocsin.support;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Channel;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Masking;
import dev.tocsin.common.Roles;
import dev.tocsin.delivery.Suppressions;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.sql.SQLException;
import java.util.List;

/**
 * The addresses campaigns skip because a provider or the person said so. Operators and auditors see them
 * whole; support, who answers "why did I get nothing?", sees them masked. Lifting one is an operator's
 * decision, kept in the audit trail with its reason.
 */
@Path("/api/suppressions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Suppressions")
public class SuppressionResource {

    @Inject
    Suppressions suppressions;

    @Inject
    SecurityIdentity identity;

    @Inject
    AuditContext audit;

    public record Page(List<Suppressions.Suppressed> suppressions, String nextAfterChannel, String nextAfterAddress) {
    }

    @GET
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR, Roles.SUPPORT})
    @Operation(operationId = "listSuppressions", summary = "Addresses campaigns no longer use",
            description = "Page by page in (channel, address) order: pass the last entry's channel and address as"
                    + " afterChannel and afterAddress for the next. Support sees addresses masked.")
    public Page list(@QueryParam("channel") String channel, @QueryParam("afterChannel") @DefaultValue("") String afterChannel,
                     @QueryParam("afterAddress") @DefaultValue("") String afterAddress,
                     @QueryParam("limit") @DefaultValue("100") int limit) throws SQLException {
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("invalid_request", "limit must be between 1 and 1000.",
                    List.of(new FieldError("limit", "between 1 and 1000")));
        }
        if (afterChannel.length() > 10 || afterAddress.length() > 320) {
            throw ApiException.badRequest("invalid_request", "afterChannel or afterAddress is too long.",
                    List.of(new FieldError("afterAddress", "at most 320 characters")));
        }
        Channel only = channel == null ? null : channel(channel);
        boolean whole = identity.hasRole(Roles.OPERATOR) || identity.hasRole(Roles.AUDITOR);
        List<Suppressions.Suppressed> found = suppressions.page(only, afterChannel, afterAddress, limit);
        List<Suppressions.Suppressed> shown = whole ? found : found.stream().map(s -> new Suppressions.Suppressed(s.channel(),
                Masking.address(Channel.fromCode(s.channel()).orElse(Channel.EMAIL), s.address()), s.reason(), s.createdAt()))
                .toList();
        Suppressions.Suppressed last = found.size() == limit ? found.get(found.size() - 1) : null;
        return new Page(shown, last == null ? null : last.channel(), last == null || !whole ? null : last.address());
    }

    @DELETE
    @Path("{address}")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "liftSuppression", summary = "Use an address again",
            description = "For a person who can be reached there again (a mailbox that was full, a number back in use):"
                    + " later campaigns use it. channel defaults to email; the reason (?reason=) is required and audited.")
    public Suppressions.Suppressed lift(@PathParam("address") String address, @QueryParam("channel") @DefaultValue("email")
                                        String channel, @QueryParam("reason") String reason) throws SQLException {
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw ApiException.badRequest("invalid_request", "Say why the address may be used again (?reason=..., at most"
                    + " 500 characters).", List.of(new FieldError("reason", "required, at most 500 characters")));
        }
        Channel ch = channel(channel);
        String key = ch == Channel.EMAIL ? dev.tocsin.common.EmailAddress.normalized(address) : address;
        Suppressions.Suppressed before = suppressions.find(ch, key)
                .orElseThrow(() -> ApiException.notFound("suppression", key));
        suppressions.lift(ch, key);
        audit.object("suppression", ch.code() + ":" + key).details("lifted: " + reason.strip()).before(before);
        return before;
    }

    private static Channel channel(String code) {
        return Channel.fromCode(code).orElseThrow(() -> ApiException.badRequest("invalid_request",
                "channel '" + code + "' is not one of email, sms, push, letter.", List.of(new FieldError("channel", "unknown"))));
    }
}
