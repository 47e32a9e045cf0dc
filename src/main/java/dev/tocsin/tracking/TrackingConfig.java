package dev.tocsin.tracking;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;
import java.util.Optional;

/** The codes a notice carries and the public pages recipients reach with them. */
@ConfigMapping(prefix = "tocsin")
public interface TrackingConfig {

    /** Key behind verification references and advisory tokens (unset: made on first start, kept in the database). */
    Optional<String> signingKey();

    RecipientPages recipientPages();

    interface RecipientPages {
        /** How long after its campaign ended an advisory link still shows the notice (then: 410 Gone). */
        Duration linkLifetime();

        /** Reference checks on /verify per client address and minute, across all instances. */
        int verifyPerMinute();
    }
}
