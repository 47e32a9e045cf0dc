package dev.tocsin.security;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

/** The console's sign-in sessions. */
@ConfigMapping(prefix = "tocsin")
public interface ConsoleConfig {

    Console console();

    interface Console {
        /** A session unused this long ends. */
        Duration idleTimeout();

        /** A session ends this long after sign-in, however busy. */
        Duration maxAge();

        /** Mark the session cookie Secure (only sent over HTTPS): on behind TLS. */
        boolean secureCookie();
    }
}
