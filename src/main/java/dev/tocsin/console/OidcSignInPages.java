package dev.tocsin.console;

import dev.tocsin.audit.AuditLog;
import dev.tocsin.common.ApiException;
import dev.tocsin.security.ConsoleConfig;
import dev.tocsin.security.ConsoleSessions;
import io.quarkus.oidc.AuthorizationCodeFlow;
import io.quarkus.oidc.IdToken;
import io.quarkus.oidc.OidcSession;
import io.quarkus.oidc.Tenant;
import io.quarkus.qute.Template;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.sql.SQLException;

/**
 * Console sign-in through the company's OIDC provider (authorization-code flow, quarkus-oidc's "console" tenant,
 * on when TOCSIN_OIDC_ENABLED=true). The provider signs the person in (and asks their second factor); this page
 * makes them a Tocsin user with the roles the provider's claim gives, opens the console's own session, and ends
 * the OIDC session so its cookie stays only as long as this hand-over.
 */
@Path("/console/oidc")
@Blocking
@ConsolePage
@Produces(MediaType.TEXT_HTML)
public class OidcSignInPages {

    @Inject
    SecurityIdentity identity;

    @Inject
    @IdToken
    JsonWebToken idToken;

    @Inject
    OidcSession oidcSession;

    @Inject
    ConsoleSessions sessions;

    @Inject
    ConsoleConfig config;

    @Inject
    HttpServerRequest http;

    @Inject
    ConsoleAccess access;

    @Inject
    AuditLog audit;

    @io.quarkus.qute.Location("console/oidc-signed-in.html")
    Template signedIn;

    @io.quarkus.qute.Location("console/oidc-refused.html")
    Template refused;

    @GET
    @Path("sign-in")
    @Tenant("console")
    @AuthorizationCodeFlow
    @Authenticated
    public Response signIn() throws SQLException {
        String address = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        String username = idToken.getClaim("preferred_username");
        if (username == null) {
            username = idToken.getSubject();
        }
        // the OIDC session was only the way in: the console's own session (idle timeout, sign-out) takes over
        oidcSession.logout().await().indefinitely();
        try {
            String secret = sessions.openFromIdentityProvider(username, identity.getRoles(), address);
            NewCookie cookie = SignInPages.sessionCookie(config, secret, -1);
            // A page, not a redirect: the way here began at the provider (another site), and a browser does not
            // send a SameSite=Strict cookie along a redirect chain that did; the link below is followed from here.
            return Response.ok(access.page(signedIn).data("user", username.strip().toLowerCase())).cookie(cookie).build();
        } catch (ApiException e) {
            audit.record(username, "console.sign-in", "user", username, address, e.status(), "through the OIDC provider: "
                    + e.code());
            return Response.status(e.status()).entity(access.page(refused).data("problem", e.getMessage())).build();
        }
    }
}
