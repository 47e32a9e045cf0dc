package dev.tocsin.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The dialect of the build's database (Quarkus fixes the database kind at build time). */
@ApplicationScoped
class DeliveryDialects {

    @ConfigProperty(name = "quarkus.datasource.db-kind")
    String dbKind;

    @Produces
    @ApplicationScoped
    DeliveryDialect dialect() {
        return "postgresql".equals(dbKind) ? new PostgresDeliveryDialect() : new H2DeliveryDialect();
    }
}
