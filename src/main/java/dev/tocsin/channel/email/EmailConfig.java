package dev.tocsin.channel.email;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** The SMTP relay and the sender. Without a host, notices go to the outbox folder. */
@ConfigMapping(prefix = "tocsin")
public interface EmailConfig {

    Smtp smtp();

    Email email();

    interface Smtp {
        Optional<String> host();

        int port();

        Optional<String> username();

        Optional<String> password();

        boolean starttls();

        /** Pooled connections to the relay (one per concurrent email batch). */
        int connections();
    }

    interface Email {
        String from();

        /** The right-hand side of our Message-IDs. */
        String messageIdDomain();

        /**
         * The domain of the bounce addresses (VERP): each notice goes out with MAIL FROM
         * bounces+{signed delivery token}@{domain}, so a bounce names its delivery and cannot be forged for another.
         * Unset: the plain sender.
         */
        Optional<String> bounceDomain();

        /** The shared secret of the generic email-events webhook (HMAC-SHA256 of the body); unset: no webhook. */
        Optional<String> webhookSecret();
    }
}
