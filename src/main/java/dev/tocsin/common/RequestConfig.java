package dev.tocsin.common;

import io.smallrye.config.ConfigMapping;

/** Limits every request meets before a resource sees it (RequestGuard). */
@ConfigMapping(prefix = "tocsin.request")
public interface RequestConfig {

    /** Largest request body of any endpoint but the streamed account upload. */
    long maxBodyBytes();
}
