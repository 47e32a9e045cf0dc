package dev.tocsin.tracking;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** The key behind verification references and advisory tokens (unset: made on first start, kept in the database). */
@ConfigMapping(prefix = "tocsin")
public interface TrackingConfig {

    Optional<String> signingKey();
}
