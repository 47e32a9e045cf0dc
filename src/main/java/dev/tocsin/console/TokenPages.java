package dev.tocsin.console;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.ApiException;
import dev.tocsin.security.ApiToken;
import dev.tocsin.security.ApiTokens;
import io.quarkus.qute.Template;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Optional;

/**
 * My API tokens, for scripts: made here after a sign-in (with the second factor where it applies), shown once,
 * revoked here. A user who signs in with a second factor cannot use HTTP Basic, so this is how their scripts work.
 */
@Path("/console/tokens")
@PermitAll
@Blocking
@ConsolePage
@Produces(MediaType.TEXT_HTML)
public class TokenPages {

    @Inject
    ConsoleAccess access;

    @Inject
    ConsoleMessages msg;

    @Inject
    ApiTokens tokens;

    @Inject
    AuditContext audit;

    @io.quarkus.qute.Location("console/tokens.html")
    Template page;

    /** A token as listed: never its secret. */
    public record Row(String id, String name, String createdAt, String lastUsedAt, boolean revoked) {
        static Row of(ApiToken t) {
            return new Row(t.id, t.name, t.createdAt.toLocalDate().toString(),
                    t.lastUsedAt == null ? "never" : t.lastUsedAt.toLocalDate().toString(), t.revokedAt != null);
        }
    }

    private Response show(int status, String problem, String secret) {
        return Response.status(status).entity(access.page(page).data("tokens", tokens.listFor(access.user()).stream()
                .map(Row::of).toList()).data("problem", problem).data("secret", secret)).build();
    }

    @GET
    public Response list() {
        return access.refuse("/console/tokens").orElseGet(() -> show(200, null, null));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@FormParam("name") String name) {
        Optional<Response> refused = access.refuse("/console/tokens");
        if (refused.isPresent()) {
            return refused.get();
        }
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > 200) {
            return show(400, msg.page_token_name_the_token_up_to(), null);
        }
        try {
            ApiTokens.Created created = tokens.create(access.user(), n);
            audit.object("api_token", created.token().id).after(Row.of(created.token()));
            return show(200, null, created.secret());
        } catch (ApiException e) {
            return show(e.status(), e.getMessage(), null);
        }
    }

    @POST
    @Path("{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(@PathParam("id") String id) {
        Optional<Response> refused = access.refuse("/console/tokens");
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            ApiToken revoked = tokens.revoke(id, access.user(), false);
            audit.object("api_token", id).after(Row.of(revoked));
            return show(200, null, null);
        } catch (ApiException e) {
            return show(e.status(), e.getMessage(), null);
        }
    }
}
