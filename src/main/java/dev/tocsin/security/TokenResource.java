package dev.tocsin.security;

import dev.tocsin.common.Roles;
import dev.tocsin.audit.AuditContext;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.util.List;

/** Personal API tokens: each user manages their own; the token acts with its owner's current roles. */
@Path("/api/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "API tokens")
@Authenticated
public class TokenResource {

    @Inject
    ApiTokens tokens;

    @Inject
    SecurityIdentity identity;

    @Inject
    AuditContext audit;

    public record CreateToken(@NotBlank @Size(max = 200) String name) {
    }

    /** The token value appears only in the answer to its creation. */
    public record CreatedToken(String id, String name, String token) {
    }

    public record TokenView(String id, String name, OffsetDateTime createdAt, OffsetDateTime lastUsedAt,
                            OffsetDateTime revokedAt) {
        static TokenView of(ApiToken t) {
            return new TokenView(t.id, t.name, t.createdAt, t.lastUsedAt, t.revokedAt);
        }
    }

    @POST
    @Operation(operationId = "createApiToken", summary = "Create a personal API token", description = "Use it as 'Authorization: Bearer <token>'. Shown once; store it safely.")
    public Response create(@Valid @NotNull CreateToken request) {
        ApiTokens.Created created = tokens.create(identity.getPrincipal().getName(), request.name().strip());
        audit.object("api_token", created.token().id).after(TokenView.of(created.token()));
        return Response.status(201).entity(new CreatedToken(created.token().id, created.token().name, created.secret())).build();
    }

    @GET
    @Operation(operationId = "listApiTokens", summary = "List your API tokens", description = "Without their values.")
    public List<TokenView> list() {
        return tokens.listFor(identity.getPrincipal().getName()).stream().map(TokenView::of).toList();
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "revokeApiToken", summary = "Revoke an API token", description = "Your own; an admin may revoke anyone's.")
    public Response revoke(@PathParam("id") String id) {
        ApiToken token = tokens.revoke(id, identity.getPrincipal().getName(), identity.hasRole(Roles.ADMIN));
        audit.object("api_token", id).after(TokenView.of(token));
        return Response.noContent().build();
    }
}
