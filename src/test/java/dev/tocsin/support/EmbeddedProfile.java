package dev.tocsin.support;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.nio.file.Path;
import java.util.Map;

/**
 * Runs the application exactly as the embedded default build does (profile "embedded": H2 on disk,
 * in-process delivery channel, local outbox), with its data under target/ so runs do not mix.
 */
public class EmbeddedProfile implements QuarkusTestProfile {

    public static final Path DATA = Path.of("target", "embedded-test").toAbsolutePath();

    @Override
    public String getConfigProfile() {
        return "embedded";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tocsin.admin.password", TestUsers.ADMIN_PASSWORD,
                "tocsin.security.bcrypt-cost", "4",
                "quarkus.datasource.jdbc.url", "jdbc:h2:file:" + DATA.resolve("db/tocsin") + ";DB_CLOSE_ON_EXIT=FALSE",
                "tocsin.outbox.dir", DATA.resolve("outbox").toString(),
                "quarkus.flyway.clean-at-start", "true",
                "quarkus.flyway.clean-disabled", "false",
                "quarkus.http.test-port", "0",
                "tocsin.delivery.republish-after", "PT5S");
    }
}
