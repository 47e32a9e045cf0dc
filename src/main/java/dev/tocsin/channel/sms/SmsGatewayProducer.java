package dev.tocsin.channel.sms;

import dev.tocsin.channel.OutboxConfig;
import dev.tocsin.delivery.DeliveryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import java.nio.file.Path;
import java.util.Optional;

/** Twilio when an account is configured, the local outbox otherwise. */
@ApplicationScoped
public class SmsGatewayProducer {

    @Inject
    TwilioConfig twilio;

    @Inject
    DeliveryConfig delivery;

    @Inject
    OutboxConfig outbox;

    @Produces
    @ApplicationScoped
    SmsGateway gateway() {
        if (twilio.accountSid().filter(s -> !s.isBlank()).isPresent()) {
            return new TwilioSmsGateway(twilio.accountSid().get(), twilio.authToken().orElse(""), twilio.messagingServiceSid().orElse(null),
                    twilio.from().orElse(null), twilio.statusCallbackUrl().orElse(null), twilio.apiBaseUrl().orElse(null), delivery.workers().concurrency());
        }
        return new OutboxSmsGateway(Path.of(outbox.dir()));
    }
}
