package dev.tocsin.template;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** Where the template library is read from (unset: the sets shipped inside the application). */
@ConfigMapping(prefix = "tocsin.templates")
public interface TemplateConfig {

    Optional<String> dir();
}
