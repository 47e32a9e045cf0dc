package dev.tocsin.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.nio.file.Path;
import java.util.Map;

/**
 * Runs the application exactly as the embedded default build does (profile "embedded": H2 on disk,
 * in-process delivery channel, local outbox), with its data under target/ so runs do not mix.
 */
public class EmbeddedProfile implements QuarkusTestProfile {

    public static final Path DATA = Path.of("target", "embedded-test").toAbsolutePath();
    public static final Path LOG = Path.of("target", "tocsin-embedded-test.log").toAbsolutePath();

    @Override
    public String getConfigProfile() {
        return "embedded";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("quarkus.log.file.enabled", "true"),
                Map.entry("quarkus.log.file.path", LOG.toString()),
                Map.entry("tocsin.admin.password", TestUsers.ADMIN_PASSWORD),
                Map.entry("tocsin.security.bcrypt-cost", "4"),
                Map.entry("quarkus.datasource.jdbc.url", "jdbc:h2:file:" + DATA.resolve("db/tocsin") + ";DB_CLOSE_ON_EXIT=FALSE"),
                Map.entry("tocsin.outbox.dir", DATA.resolve("outbox").toString()),
                Map.entry("quarkus.flyway.clean-at-start", "true"),
                Map.entry("quarkus.flyway.clean-disabled", "false"),
                Map.entry("quarkus.http.test-port", "0"),
                Map.entry("tocsin.delivery.republish-after", "PT5S"));
    }
}
