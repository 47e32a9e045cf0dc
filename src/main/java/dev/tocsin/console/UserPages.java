package dev.tocsin.console;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Roles;
import dev.tocsin.security.AppUser;
import dev.tocsin.security.UserDirectory;
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

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Users for admins: create one, change roles, disable (kept for the audit trail). */
@Path("/console/users")
@PermitAll
@Blocking
@ConsolePage
@Produces(MediaType.TEXT_HTML)
public class UserPages {

    @Inject
    ConsoleAccess access;

    @Inject
    ConsoleMessages msg;

    @Inject
    UserDirectory users;

    @Inject
    AuditContext audit;

    @Inject
    dev.tocsin.security.Mfa mfa;

    @io.quarkus.qute.Location("console/users.html")
    Template page;

    /** A user as the page lists them. */
    public record Row(String username, List<String> roles, boolean enabled, boolean secondFactor) {
        static Row of(AppUser u) {
            return new Row(u.username, u.roleList(), u.enabled, u.totpSecret != null);
        }
    }

    private Response show(int status, String problem, String done) {
        return Response.status(status).entity(access.page(page).data("users", users.list().stream().map(Row::of).toList())
                .data("allRoles", Roles.ALL).data("problem", problem).data("done", done)).build();
    }

    @GET
    public Response list() {
        return access.refuse("/console/users", Roles.ADMIN).orElseGet(() -> show(200, null, null));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@FormParam("username") String username, @FormParam("password") String password,
                           @FormParam("roles") List<String> roles) {
        Optional<Response> refused = access.refuse("/console/users", Roles.ADMIN);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            String name = username == null ? "" : username.strip();
            if (name.isEmpty() || password == null || password.isEmpty()) {
                throw ApiException.badRequest("invalid_request", msg.page_user_give_a_user_name_and(), List.of());
            }
            AppUser user = users.create(name, password, roles == null ? List.of() : roles);
            audit.object("user", user.username).after(Row.of(user));
            return Response.seeOther(URI.create("/console/users")).build();
        } catch (ApiException e) {
            return show(e.status(), e.getMessage(), null);
        }
    }

    @POST
    @Path("{username}/roles")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response setRoles(@PathParam("username") String username, @FormParam("roles") List<String> roles) {
        Optional<Response> refused = access.refuse("/console/users", Roles.ADMIN);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            Row before = Row.of(users.find(username));
            Row after = Row.of(users.setRoles(username, roles == null ? List.of() : roles));
            audit.object("user", username).before(before).after(after);
            return show(200, null, msg.page_user_roles_now(after.username(), String.join(", ", after.roles())));
        } catch (ApiException e) {
            return show(e.status(), e.getMessage(), null);
        }
    }

    @POST
    @Path("{username}/disable")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response disable(@PathParam("username") String username) {
        Optional<Response> refused = access.refuse("/console/users", Roles.ADMIN);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            if (username.equalsIgnoreCase(access.user())) {
                throw ApiException.conflict("own_account", msg.page_user_you_cannot_disable_yourself_another());
            }
            Row before = Row.of(users.find(username));
            Row after = Row.of(users.disable(username));
            audit.object("user", username).before(before).after(after);
            return show(200, null, after.username() + " is disabled: they can no longer sign in, and their API tokens"
                    + " are revoked.");
        } catch (ApiException e) {
            return show(e.status(), e.getMessage(), null);
        }
    }

    /** A lost phone: the user's second factor is turned off; they set up a new one at their next sign-in. */
    @POST
    @Path("{username}/mfa-reset")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response resetMfa(@PathParam("username") String username) {
        Optional<Response> refused = access.refuse("/console/users", Roles.ADMIN);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            Row before = Row.of(users.find(username));
            mfa.reset(before.username());
            audit.object("user", before.username()).details("second factor reset").before(before)
                    .after(Row.of(users.find(username)));
            return show(200, null, msg.page_user_second_factor_reset(before.username()));
        } catch (ApiException e) {
            return show(e.status(), e.getMessage(), null);
        }
    }
}
