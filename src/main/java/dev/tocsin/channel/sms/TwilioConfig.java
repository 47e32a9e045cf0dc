package dev.tocsin.channel.sms;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** The Twilio account. Without an account SID, SMS notices go to the outbox folder. */
@ConfigMapping(prefix = "tocsin.twilio")
public interface TwilioConfig {

    Optional<String> accountSid();

    Optional<String> authToken();

    Optional<String> messagingServiceSid();

    Optional<String> from();

    /** Public URL of /webhooks/twilio/status as Twilio calls it (also what its signature covers). */
    Optional<String> statusCallbackUrl();

    /** Only for tests and API proxies: where the Twilio REST API is. */
    Optional<String> apiBaseUrl();
}
