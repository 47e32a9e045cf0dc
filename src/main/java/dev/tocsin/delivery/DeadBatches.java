package dev.tocsin.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Batches the workers failed on as many times as the queue's delivery limit (a poison message): the broker
 * dead-letters them instead of handing them round forever. Here they are counted (readiness data, the
 * tocsin.batches.dead metric) and logged; their rows are not lost: still queued, the sweeper hands them over
 * again after republish-after.
 */
@ApplicationScoped
@IfBuildProperty(name = "tocsin.messaging.in-process", stringValue = "false")
public class DeadBatches {

    private static final Logger LOG = Logger.getLogger(DeadBatches.class);

    @Inject
    MeterRegistry registry;

    private final AtomicLong seen = new AtomicLong();
    private Counter counter;

    @PostConstruct
    void meters() {
        counter = registry.counter("tocsin.batches.dead");
    }

    @Incoming("deliveries-dead")
    public void onDead(String payload) {
        seen.incrementAndGet();
        counter.increment();
        String what;
        try {
            what = "a batch of " + DeliveryBatches.decode(payload).size() + " deliveries";
        } catch (RuntimeException unreadable) {
            what = "an unreadable batch (" + payload.length() + " characters)";
        }
        LOG.warnf("%s failed as many times as the queue allows and was dead-lettered; its rows that are still queued"
                + " are handed over again by the sweeper", what);
    }

    /** Dead-lettered batches this instance has seen since it started. */
    public long seen() {
        return seen.get();
    }
}
