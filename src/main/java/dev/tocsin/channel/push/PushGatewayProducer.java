package dev.tocsin.channel.push;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;
import java.time.Duration;

/** Real push services unless the build keeps notices in the local outbox (the embedded default). */
@ApplicationScoped
public class PushGatewayProducer {

    @ConfigProperty(name = "tocsin.push.outbox")
    boolean outbox;
    @ConfigProperty(name = "tocsin.push.vapid.subject")
    String subject;
    @ConfigProperty(name = "tocsin.push.ttl")
    Duration ttl;
    @ConfigProperty(name = "tocsin.push.timeout")
    Duration timeout;
    @ConfigProperty(name = "tocsin.workers.concurrency")
    int workers;
    @ConfigProperty(name = "tocsin.outbox.dir")
    String outboxDir;

    @Produces
    @ApplicationScoped
    PushGateway gateway(VapidKeys keys, PushEndpointPolicy policy) {
        if (outbox) {
            return new OutboxPushGateway(Path.of(outboxDir));
        }
        return new WebPushGateway(keys, subject, ttl, timeout, Math.max(4, workers * 2), policy);
    }

    void close(@Disposes PushGateway gateway) throws Exception {
        if (gateway instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
