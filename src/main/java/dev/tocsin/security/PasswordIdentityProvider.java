package dev.tocsin.security;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** HTTP Basic against the built-in users. */
@ApplicationScoped
public class PasswordIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    @Inject
    UserDirectory users;

    @Inject
    Mfa mfa;

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
                                              AuthenticationRequestContext context) {
        String address = RemoteAddress.of(request);
        return context.runBlocking(() -> {
            UserDirectory.Principal p = users.authenticate(request.getUsername(), request.getPassword().getPassword(), address);
            if (mfa.passwordAloneRefused(p.username(), p.roles())) {
                // ErrorMappers answers this one with what to use instead (an API token)
                throw new io.quarkus.security.AuthenticationFailedException("user " + p.username()
                        + " signs in with a second factor", java.util.Map.of(dev.tocsin.common.ErrorMappers.MFA_REQUIRED, true));
            }
            return QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(p.username()))
                    .addRoles(new java.util.HashSet<>(p.roles()))
                    .addAttribute("auth", "password")
                    .build();
        });
    }
}
