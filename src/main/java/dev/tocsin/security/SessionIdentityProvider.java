package dev.tocsin.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A console session's user, with the roles they have now (a role taken away counts at once). */
@ApplicationScoped
public class SessionIdentityProvider implements IdentityProvider<SessionAuthenticationRequest> {

    @Inject
    ConsoleSessions sessions;

    @Override
    public Class<SessionAuthenticationRequest> getRequestType() {
        return SessionAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(SessionAuthenticationRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> {
            UserDirectory.Principal p;
            try {
                p = sessions.authenticate(request.secret())
                        .orElseThrow(() -> new AuthenticationFailedException("no such session, or it has ended"));
            } catch (java.sql.SQLException e) {
                throw new AuthenticationFailedException("the session could not be checked: " + e.getMessage());
            }
            return QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(p.username()))
                    .addRoles(new java.util.HashSet<>(p.roles()))
                    .addAttribute("auth", "console-session")
                    .build();
        });
    }
}
