package dev.tocsin.security;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

/** Multi-factor sign-in: which roles must use it (none by default, so the README's curl walk-through works). */
@ConfigMapping(prefix = "tocsin.mfa")
public interface MfaConfig {

    /** Users holding any of these roles must sign in to the console with a code, and cannot use HTTP Basic. */
    Optional<List<String>> requiredRoles();

    /** The name authenticator apps show beside the code. */
    String issuer();
}
