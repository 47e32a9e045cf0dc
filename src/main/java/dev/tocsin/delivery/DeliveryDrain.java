package dev.tocsin.delivery;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A rolling update's SIGTERM: the instance stops taking work and gives back what it claimed but has not sent,
 * so nothing waits for a lease to run out and nothing is sent twice. Workers finish the chunk they are sending
 * (its outcomes are recorded), hand the rest back, and batches that arrive meanwhile are left for the other
 * instances' sweeps. Shutdown waits for that, up to tocsin.delivery.drain-timeout.
 */
@ApplicationScoped
public class DeliveryDrain {

    private static final Logger LOG = Logger.getLogger(DeliveryDrain.class);

    @Inject
    DeliveryConfig config;

    private volatile boolean draining;
    private final AtomicInteger working = new AtomicInteger();
    private final AtomicLong handedBack = new AtomicLong();
    private final Object idle = new Object();

    boolean draining() {
        return draining;
    }

    void enter() {
        working.incrementAndGet();
    }

    void leave() {
        if (working.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    void handedBack(int count) {
        handedBack.addAndGet(count);
    }

    /** Early in shutdown (before the broker's connection and the pools close). */
    void onStop(@Observes @Priority(1) ShutdownEvent stop) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + config.delivery().drainTimeout().toNanos();
        synchronized (idle) {
            while (working.get() > 0 && System.nanoTime() < deadline) {
                idle.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        }
        if (working.get() > 0) {
            LOG.warnf("stopping with %d delivery batches still sending after %s: their leases hand them over",
                    working.get(), config.delivery().drainTimeout());
        } else {
            LOG.infof("stopped sending: %d claimed deliveries handed back to the queue for the other instances",
                    handedBack.get());
        }
    }
}
