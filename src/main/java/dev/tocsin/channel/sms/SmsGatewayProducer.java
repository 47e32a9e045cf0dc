package dev.tocsin.channel.sms;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.util.Optional;

/** Twilio when an account is configured, the local outbox otherwise. */
@ApplicationScoped
public class SmsGatewayProducer {

    @ConfigProperty(name = "tocsin.twilio.account-sid")
    Optional<String> accountSid;
    @ConfigProperty(name = "tocsin.twilio.auth-token")
    Optional<String> authToken;
    @ConfigProperty(name = "tocsin.twilio.messaging-service-sid")
    Optional<String> messagingServiceSid;
    @ConfigProperty(name = "tocsin.twilio.from")
    Optional<String> from;
    @ConfigProperty(name = "tocsin.twilio.status-callback-url")
    Optional<String> statusCallback;
    @ConfigProperty(name = "tocsin.twilio.api-base-url")
    Optional<String> apiBaseUrl;
    @ConfigProperty(name = "tocsin.workers.concurrency")
    int workers;
    @ConfigProperty(name = "tocsin.outbox.dir")
    String outboxDir;

    @Produces
    @ApplicationScoped
    SmsGateway gateway() {
        if (accountSid.filter(s -> !s.isBlank()).isPresent()) {
            return new TwilioSmsGateway(accountSid.get(), authToken.orElse(""), messagingServiceSid.orElse(null),
                    from.orElse(null), statusCallback.orElse(null), apiBaseUrl.orElse(null), workers);
        }
        return new OutboxSmsGateway(Path.of(outboxDir));
    }
}
