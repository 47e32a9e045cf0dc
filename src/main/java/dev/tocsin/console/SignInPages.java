package dev.tocsin.console;

import dev.tocsin.security.ConsoleConfig;
import dev.tocsin.security.ConsoleSessions;
import io.quarkus.qute.Template;
import io.quarkus.security.AuthenticationFailedException;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.sql.SQLException;

/** Signing in to the console with a built-in user's password, and out again. */
@Path("/console")
@PermitAll
@Blocking
@ConsolePage
@Produces(MediaType.TEXT_HTML)
public class SignInPages {

    @Inject
    ConsoleSessions sessions;

    @Inject
    ConsoleConfig config;

    @Inject
    HttpServerRequest http;

    @Inject
    ConsoleAccess access;

    @io.quarkus.qute.Location("console/login.html")
    Template login;

    @GET
    @Path("login")
    public Response form(@QueryParam("next") String next, @QueryParam("ended") String ended) {
        if (access.signedIn()) {
            return Response.seeOther(URI.create(ConsoleAccess.safeNext(next))).build();
        }
        return Response.ok(access.page(login).data("next", ConsoleAccess.safeNext(next)).data("failed", false)
                .data("ended", ended != null).data("username", "")).build();
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(@FormParam("username") String username, @FormParam("password") String password,
                           @FormParam("next") String next) throws SQLException {
        String name = username == null ? "" : username.strip();
        String typed = password == null ? "" : password;
        try {
            if (name.isEmpty() || typed.isEmpty() || name.length() > 200 || typed.length() > 1000) {
                throw new AuthenticationFailedException("incomplete");
            }
            String secret = sessions.signIn(name, typed.toCharArray(), address());
            return Response.seeOther(URI.create(ConsoleAccess.safeNext(next)))
                    .cookie(sessionCookie(secret, -1)).build();
        } catch (AuthenticationFailedException e) {
            return Response.status(401).entity(access.page(login).data("next", ConsoleAccess.safeNext(next)).data("failed", true)
                    .data("ended", false).data("username", name.length() > 200 ? "" : name)).build();
        }
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signOut(@CookieParam(ConsoleSessions.COOKIE) String session) throws SQLException {
        sessions.signOut(session, address());
        return Response.seeOther(URI.create("/console/login")).cookie(sessionCookie("", 0)).build();
    }

    private NewCookie sessionCookie(String value, int maxAge) {
        return new NewCookie.Builder(ConsoleSessions.COOKIE).value(value).path("/console").httpOnly(true)
                .secure(config.console().secureCookie()).sameSite(NewCookie.SameSite.STRICT).maxAge(maxAge).build();
    }

    private String address() {
        return http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
    }
}
