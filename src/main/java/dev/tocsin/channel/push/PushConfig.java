package dev.tocsin.channel.push;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Web Push: VAPID keys, how long a push service keeps a notice, and which push services we call. */
@ConfigMapping(prefix = "tocsin.push")
public interface PushConfig {

    Vapid vapid();

    Duration ttl();

    Duration timeout();

    /** Host names subscriptions may point at ('*' = any public host). */
    List<String> allowedHosts();

    /** Only tests: plain http endpoints. */
    boolean allowHttpEndpoints();

    /** Only tests: host names that may resolve to private addresses (a local stand-in). */
    Optional<List<String>> privateHostsAllowed();

    /** Write push notices to the outbox instead of calling push services. */
    boolean outbox();

    interface Vapid {
        Optional<String> publicKey();

        Optional<String> privateKey();

        String subject();
    }
}
