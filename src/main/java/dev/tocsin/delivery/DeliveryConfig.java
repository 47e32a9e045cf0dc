package dev.tocsin.delivery;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Map;

/**
 * How the delivery core runs: batches and leases, retries, the workers, the broker hand-over and each
 * provider's throttle. Defaults and their reasons are in application.properties.
 */
@ConfigMapping(prefix = "tocsin")
public interface DeliveryConfig {

    Delivery delivery();

    Workers workers();

    Messaging messaging();

    /** Names of this deployment's exchange and queue (the broker channels read it from application.properties). */
    String queuePrefix();

    /** Per provider (smtp, twilio, push, or a new channel's): tocsin.throttle.{provider}.per-second / per-day. */
    @WithName("throttle")
    Map<String, ProviderLimits> throttles();

    interface Delivery {
        /** Delivery ids per broker message and per claim statement. */
        int batchSize();

        /** How long a claim holds a delivery before another worker may take it over. */
        Duration lease();

        /** A batch handed to the broker this long ago and still queued was lost: hand it over again. */
        Duration republishAfter();

        /** First retry wait (doubling, with jitter, up to retryMax). */
        Duration retryBase();

        Duration retryMax();

        /** How long a stopping instance waits for its workers to finish their chunk and hand the rest back. */
        Duration drainTimeout();

        /** How often each instance sweeps (a Quarkus scheduler interval read by the @Scheduled methods). */
        String sweepEvery();

        /**
         * How often each instance reads which campaigns may still send; a pause or cancel answers once every
         * live instance has read after it.
         */
        Duration controlEvery();

        /** Threads storing the workers' answers, each committing its own group of them. */
        int recorders();
    }

    interface Workers {
        /** Concurrent delivery batches per instance; each email batch holds one SMTP connection. */
        int concurrency();
    }

    interface Messaging {
        /** The embedded build joins the delivery channels in-process instead of through RabbitMQ. */
        boolean inProcess();
    }

    interface ProviderLimits {
        /** Messages per second across all instances; 0 = no limit. */
        @WithDefault("0")
        int perSecond();

        /** Messages per UTC day across all instances; 0 = no cap. */
        @WithDefault("0")
        int perDay();
    }
}
