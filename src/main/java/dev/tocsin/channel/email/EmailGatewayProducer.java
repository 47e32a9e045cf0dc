package dev.tocsin.channel.email;

import dev.tocsin.channel.OutboxConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import java.nio.file.Path;
import java.util.Optional;

/** Picks the email gateway from configuration: SMTP when a host is set, the local outbox otherwise. */
@ApplicationScoped
public class EmailGatewayProducer {

    @Inject
    EmailConfig email;

    @Inject
    OutboxConfig outbox;

    @Produces
    @ApplicationScoped
    EmailGateway gateway(MimeMessageFactory factory) {
        // StartupBanner says where notices go.
        EmailConfig.Smtp smtp = email.smtp();
        return smtp.host().filter(h -> !h.isBlank())
                .<EmailGateway>map(h -> new SmtpEmailGateway(factory, h, smtp.port(), smtp.username().orElse(null),
                        smtp.password().orElse(null), smtp.starttls(), smtp.connections()))
                .orElseGet(() -> new OutboxEmailGateway(factory, Path.of(outbox.dir())));
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
