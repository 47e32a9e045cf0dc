package dev.tocsin.channel.push;

import dev.tocsin.channel.OutboxConfig;
import dev.tocsin.delivery.DeliveryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import java.nio.file.Path;
import java.time.Duration;

/** Real push services unless the build keeps notices in the local outbox (the embedded default). */
@ApplicationScoped
public class PushGatewayProducer {

    @Inject
    PushConfig push;

    @Inject
    DeliveryConfig delivery;

    @Inject
    OutboxConfig outboxConfig;

    @Produces
    @ApplicationScoped
    PushGateway gateway(VapidKeys keys, PushEndpointPolicy policy) {
        if (push.outbox()) {
            return new OutboxPushGateway(Path.of(outboxConfig.dir()));
        }
        return new WebPushGateway(keys, push.vapid().subject(), push.ttl(), push.timeout(), Math.max(4, delivery.workers().concurrency() * 2), policy);
    }

    void close(@Disposes PushGateway gateway) throws Exception {
        if (gateway instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
