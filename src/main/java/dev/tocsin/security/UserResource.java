package dev.tocsin.security;

import dev.tocsin.common.Roles;
import dev.tocsin.audit.AuditContext;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;

@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Users")
@RolesAllowed(Roles.ADMIN)
public class UserResource {

    @Inject
    UserDirectory users;

    @Inject
    AuditContext audit;

    public record CreateUser(@NotBlank String username, @NotBlank String password, @NotEmpty List<String> roles) {
    }

    public record RolesRequest(@NotNull List<String> roles) {
    }

    public record UserView(String username, List<String> roles, boolean enabled) {
        static UserView of(AppUser u) {
            return new UserView(u.username, u.roleList(), u.enabled);
        }
    }

    @POST
    @Operation(operationId = "createUser", summary = "Create a built-in user", description = "Password at least 12 characters; roles from admin, operator, approver, support, auditor.")
    public Response create(@Valid @NotNull CreateUser request) {
        AppUser user = users.create(request.username(), request.password(), request.roles());
        audit.object("user", user.username).after(UserView.of(user));
        return Response.status(201).entity(UserView.of(user)).build();
    }

    @GET
    @Operation(operationId = "listUsers", summary = "List built-in users")
    public List<UserView> list() {
        return AppUser.<AppUser>listAll().stream().map(UserView::of).toList();
    }

    @PUT
    @Path("{username}/roles")
    @Operation(operationId = "setUserRoles", summary = "Replace a user's roles")
    public UserView setRoles(@PathParam("username") String username, @Valid @NotNull RolesRequest request) {
        UserView before = UserView.of(users.find(username));
        UserView after = UserView.of(users.setRoles(username, request.roles()));
        audit.object("user", username).before(before).after(after);
        return after;
    }

    @DELETE
    @Path("{username}/login-delays")
    @Operation(operationId = "clearLoginDelays", summary = "Clear a user's login delays",
            description = "After 5 failed logins from one address, that address waits before each next try for that"
                    + " user (1 s, doubling, at most 15 min). This clears the waits of every address for that user.")
    public Map<String, Object> clearLoginDelays(@PathParam("username") String username) {
        long cleared = users.clearLoginDelays(username);
        audit.object("user", users.find(username).username).after(Map.of("loginDelaysCleared", cleared));
        return Map.of("username", users.find(username).username, "addressesCleared", cleared);
    }

    @DELETE
    @Path("{username}")
    @Operation(operationId = "disableUser", summary = "Disable a user", description = "The user can no longer sign in and their API tokens are revoked. Kept for the audit trail.")
    public UserView disable(@PathParam("username") String username) {
        UserView before = UserView.of(users.find(username));
        UserView after = UserView.of(users.disable(username));
        audit.object("user", username).before(before).after(after);
        return after;
    }

    @Inject
    Mfa mfa;

    @DELETE
    @Path("{username}/mfa")
    @Operation(operationId = "resetUserMfa", summary = "Reset a user's second factor",
            description = "For a lost phone: the user's TOTP and recovery codes are removed; they set up a new one at"
                    + " their next console sign-in if their roles require it.")
    public UserView resetMfa(@PathParam("username") String username) {
        UserView before = UserView.of(users.find(username));
        mfa.reset(before.username());
        UserView after = UserView.of(users.find(username));
        audit.object("user", username).details("second factor reset").before(before).after(after);
        return after;
    }
}
