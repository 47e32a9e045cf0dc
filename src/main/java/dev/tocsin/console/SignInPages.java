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

    /** The company's OIDC provider signs console users in too (quarkus-oidc's "console" tenant, TOCSIN_OIDC_ENABLED). */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.oidc.console.tenant-enabled", defaultValue = "false")
    boolean oidcEnabled;

    @io.quarkus.qute.Location("console/login.html")
    Template login;

    @GET
    @Path("login")
    public Response form(@QueryParam("next") String next, @QueryParam("ended") String ended,
                         @QueryParam("tries") String tries) {
        if (access.signedIn()) {
            return Response.seeOther(URI.create(ConsoleAccess.safeNext(next))).build();
        }
        return Response.ok(access.page(login).data("oidc", oidcEnabled).data("next", ConsoleAccess.safeNext(next)).data("failed", false)
                .data("ended", ended != null).data("tries", tries != null).data("username", "")).build();
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
            ConsoleSessions.Opened opened = sessions.signIn(name, typed.toCharArray(), address());
            String then = ConsoleAccess.safeNext(next);
            String to = switch (opened.next()) {
                case NONE -> then;
                case VERIFY -> "/console/mfa?next=" + java.net.URLEncoder.encode(then, java.nio.charset.StandardCharsets.UTF_8);
                case ENROL -> "/console/mfa/enrol?next=" + java.net.URLEncoder.encode(then, java.nio.charset.StandardCharsets.UTF_8);
            };
            return Response.seeOther(URI.create(to)).cookie(sessionCookie(opened.secret(), -1)).build();
        } catch (AuthenticationFailedException e) {
            return Response.status(401).entity(access.page(login).data("oidc", oidcEnabled).data("next", ConsoleAccess.safeNext(next)).data("failed", true)
                    .data("ended", false).data("tries", false).data("username", name.length() > 200 ? "" : name)).build();
        }
    }

    @Inject
    dev.tocsin.security.Mfa mfa;

    @io.quarkus.qute.Location("console/mfa.html")
    Template codePage;

    @io.quarkus.qute.Location("console/mfa-enrol.html")
    Template enrolPage;

    @io.quarkus.qute.Location("console/mfa-recovery.html")
    Template recoveryPage;

    /** The code page of a session that has passed its password; anything else goes back to sign in. */
    @GET
    @Path("mfa")
    public Response codeForm(@CookieParam(ConsoleSessions.COOKIE) String session, @QueryParam("next") String next)
            throws SQLException {
        return sessions.waitingForCode(session).map(user -> Response.ok(access.page(codePage).data("user", user)
                .data("next", ConsoleAccess.safeNext(next)).data("failed", false)).build())
                .orElseGet(() -> Response.seeOther(URI.create("/console/login")).build());
    }

    @POST
    @Path("mfa")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response code(@CookieParam(ConsoleSessions.COOKIE) String session, @FormParam("code") String code,
                         @FormParam("next") String next) throws SQLException {
        java.util.Optional<String> user = sessions.waitingForCode(session);
        if (user.isEmpty()) {
            return Response.seeOther(URI.create("/console/login?ended=1")).build();
        }
        if (!mfa.verify(user.get(), code, address())) {
            if (!sessions.codeFailed(session)) {
                return Response.seeOther(URI.create("/console/login?tries=1")).cookie(sessionCookie("", 0)).build();
            }
            return Response.status(401).entity(access.page(codePage).data("user", user.get())
                    .data("next", ConsoleAccess.safeNext(next)).data("failed", true)).build();
        }
        sessions.passedCode(session);
        return Response.seeOther(URI.create(ConsoleAccess.safeNext(next))).build();
    }

    /** Enrolment, for a user whose roles require a second factor and who has none yet. */
    @GET
    @Path("mfa/enrol")
    public Response enrolForm(@CookieParam(ConsoleSessions.COOKIE) String session, @QueryParam("next") String next)
            throws SQLException {
        java.util.Optional<String> user = sessions.waitingForCode(session);
        if (user.isEmpty()) {
            return Response.seeOther(URI.create("/console/login")).build();
        }
        dev.tocsin.security.Mfa.Enrolment e = mfa.pending(user.get()).orElseGet(() -> mfa.startEnrolment(user.get()));
        return Response.ok(enrolment(user.get(), e, next, null)).build();
    }

    private io.quarkus.qute.TemplateInstance enrolment(String user, dev.tocsin.security.Mfa.Enrolment e, String next, String problem) {
        return access.page(enrolPage).data("user", user).data("secret", e.secret().replaceAll("(.{4})", "$1 ").strip())
                .data("qr", QrCode.svg(e.otpauthUri())).data("next", ConsoleAccess.safeNext(next)).data("problem", problem);
    }

    @POST
    @Path("mfa/enrol")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response enrol(@CookieParam(ConsoleSessions.COOKIE) String session, @FormParam("code") String code,
                          @FormParam("next") String next) throws SQLException {
        java.util.Optional<String> user = sessions.waitingForCode(session);
        if (user.isEmpty()) {
            return Response.seeOther(URI.create("/console/login?ended=1")).build();
        }
        try {
            java.util.List<String> codes = mfa.confirmEnrolment(user.get(), code, address());
            sessions.passedCode(session);
            return Response.ok(access.page(recoveryPage).data("codes", codes).data("next", ConsoleAccess.safeNext(next))).build();
        } catch (dev.tocsin.common.ApiException wrong) {
            if (!sessions.codeFailed(session)) {
                return Response.seeOther(URI.create("/console/login?tries=1")).cookie(sessionCookie("", 0)).build();
            }
            dev.tocsin.security.Mfa.Enrolment e = mfa.pending(user.get()).orElseGet(() -> mfa.startEnrolment(user.get()));
            return Response.status(400).entity(enrolment(user.get(), e, next, wrong.getMessage())).build();
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
        return sessionCookie(config, value, maxAge);
    }

    /** The console's session cookie: HttpOnly, SameSite=Strict, on /console only, Secure behind TLS. */
    static NewCookie sessionCookie(ConsoleConfig config, String value, int maxAge) {
        return new NewCookie.Builder(ConsoleSessions.COOKIE).value(value).path("/console").httpOnly(true)
                .secure(config.console().secureCookie()).sameSite(NewCookie.SameSite.STRICT).maxAge(maxAge).build();
    }

    private String address() {
        return http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
    }
}
