package dev.tocsin.common;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Where the advisory pages are, as notices link to them: the configured public address, or else this
 * instance's own (http://localhost:{port}). The port is read when first needed, not at start-up: with a
 * random port (tests) it is known only once the server listens.
 */
@ApplicationScoped
public class AdvisoryLinks {

    @Inject
    CompanyConfig config;

    private volatile String served;

    public String baseUrl() {
        var configured = config.advisory().baseUrl().filter(url -> !url.isBlank());
        if (configured.isPresent()) {
            return configured.get();
        }
        String known = served;
        if (known != null) {
            return known;
        }
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
        String url = "http://localhost:" + port;
        if (port != 0) {
            served = url;
        }
        return url;
    }
}
