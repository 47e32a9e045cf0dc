package dev.tocsin.channel;

import io.smallrye.config.ConfigMapping;

/** Where notices are written when a channel has no provider configured. */
@ConfigMapping(prefix = "tocsin.outbox")
public interface OutboxConfig {

    String dir();
}
