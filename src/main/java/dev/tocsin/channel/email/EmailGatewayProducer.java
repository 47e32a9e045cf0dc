package dev.tocsin.channel.email;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.util.Optional;

/** Picks the email gateway from configuration: SMTP when a host is set, the local outbox otherwise. */
@ApplicationScoped
public class EmailGatewayProducer {

    @ConfigProperty(name = "tocsin.smtp.host")
    Optional<String> host;
    @ConfigProperty(name = "tocsin.smtp.port")
    int port;
    @ConfigProperty(name = "tocsin.smtp.username")
    Optional<String> username;
    @ConfigProperty(name = "tocsin.smtp.password")
    Optional<String> password;
    @ConfigProperty(name = "tocsin.smtp.starttls")
    boolean startTls;
    @ConfigProperty(name = "tocsin.smtp.connections")
    int connections;
    @ConfigProperty(name = "tocsin.outbox.dir")
    String outboxDir;

    @Produces
    @ApplicationScoped
    EmailGateway gateway(MimeMessageFactory factory) {
        // StartupBanner says where notices go.
        return host.filter(h -> !h.isBlank())
                .<EmailGateway>map(h -> new SmtpEmailGateway(factory, h, port, username.orElse(null),
                        password.orElse(null), startTls, connections))
                .orElseGet(() -> new OutboxEmailGateway(factory, Path.of(outboxDir)));
    }

    void close(@Disposes EmailGateway gateway) {
        if (gateway instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }
    }
}
