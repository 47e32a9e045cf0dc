package dev.tocsin.security;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;
import java.util.Optional;

/** Built-in users: the first admin, password hashing and sign-in delays. */
@ConfigMapping(prefix = "tocsin")
public interface SecurityConfig {

    Admin admin();

    Login login();

    Security security();

    interface Admin {
        /** First start with no users: the 'admin' password (unset: a random one, printed once). */
        Optional<String> password();
    }

    interface Login {
        /** Failed sign-ins per user name and client address before the delays start. */
        int maxFailures();

        /** The longest delay after repeated failures. */
        Duration lockout();
    }

    interface Security {
        int bcryptCost();
    }
}
