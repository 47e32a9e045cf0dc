package dev.tocsin.delivery;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MetricsCollector;
import com.rabbitmq.client.NoOpMetricsCollector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.ClientCustomizer;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMessage;
import io.vertx.rabbitmq.RabbitMQOptions;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Acknowledges a batch only on the broker channel that delivered it.
 *
 * <p>A delivery tag means something only on its own channel. When the connection drops (a broker node dies, a
 * network cut), the client reconnects on a new channel while the workers are still sending the batches the old
 * one delivered; the broker has already put those back in the queue. Acknowledging them through the client's
 * current channel would name tags that channel never gave out: RabbitMQ answers {@code PRECONDITION_FAILED -
 * unknown delivery tag} and closes it, the consumer restarts, and the batches it held come round again and
 * again until they are dead-lettered. So the consumer's channels are followed here (the RabbitMQ client reports
 * each consumer's channel to its metrics collector, which this installs on the batches' connection), and an
 * answer for a batch whose channel has closed is dropped: the copy the broker put back finds its rows claimed
 * and is acknowledged, on its own channel, by whichever worker gets it.
 */
@ApplicationScoped
public class BatchAcknowledgements implements ClientCustomizer<RabbitMQOptions> {

    private static final Logger LOG = Logger.getLogger(BatchAcknowledgements.class);

    /** The messaging channel whose broker channels are followed: the one the workers consume. */
    static final String CONSUMED = "deliveries-in";

    @Inject
    MeterRegistry registry;

    private Counter dropped;

    /** Consumer tag to the broker channel it consumes on; a closed channel's entries go at the next consume. */
    private final Map<String, Channel> consumers = new ConcurrentHashMap<>();

    /** Deliveries of our consumers not yet answered, per broker channel (a closed channel's went back). */
    private final Map<Channel, AtomicInteger> unanswered = new ConcurrentHashMap<>();

    /**
     * Batches the broker has delivered to this instance (on channels still open) that it has not answered:
     * being sent, or waiting in the client for a free worker. Not lost, though no longer in the queue.
     */
    public int batchesHeld() {
        int held = 0;
        for (Map.Entry<Channel, AtomicInteger> e : unanswered.entrySet()) {
            if (e.getKey().isOpen()) {
                held += Math.max(0, e.getValue().get());
            }
        }
        return held;
    }

    /** Whether the RabbitMQ client of the workers' queue reports to us (not in the in-process build). */
    private volatile boolean following;

    @PostConstruct
    void meters() {
        dropped = registry.counter("tocsin.batches.stale.answers");
    }

    @Override
    public RabbitMQOptions customize(String channel, Config channelConfig, RabbitMQOptions options) {
        if (CONSUMED.equals(channel)) {
            MetricsCollector before = options.getMetricsCollector();
            options.setMetricsCollector(new Follower(before == null ? new NoOpMetricsCollector() : before));
            following = true;
        }
        return options;
    }

    /** Done with the batch: acknowledged, unless the channel that delivered it is gone. */
    public CompletionStage<Void> done(Message<?> batch) {
        return stale(batch) ? CompletableFuture.completedFuture(null) : batch.ack();
    }

    /** Failed on the batch: handed back for another try, unless the broker already did so. */
    public CompletionStage<Void> failed(Message<?> batch, Throwable why) {
        return stale(batch) ? CompletableFuture.completedFuture(null) : batch.nack(why);
    }

    private boolean stale(Message<?> batch) {
        if (!following || !(batch instanceof IncomingRabbitMQMessage<?> incoming)) {
            return false;
        }
        Channel channel = consumers.get(incoming.getRabbitMQMessage().consumerTag());
        if (channel != null && channel.isOpen()) {
            return false;
        }
        dropped.increment();
        LOG.infof("a batch arrived on a broker channel that has since closed: not answered there (the broker has"
                + " put it back; the copy finds its rows claimed or settled)");
        return true;
    }

    private void answered(Channel channel) {
        AtomicInteger count = unanswered.get(channel);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    /** Passes everything on to the collector that was there, and notes which channel each consumer uses. */
    private final class Follower implements MetricsCollector {

        private final MetricsCollector next;

        Follower(MetricsCollector next) {
            this.next = next;
        }

        @Override
        public void basicConsume(Channel channel, String consumerTag, boolean autoAck) {
            consumers.values().removeIf(c -> !c.isOpen());
            unanswered.keySet().removeIf(c -> !c.isOpen());
            consumers.put(consumerTag, channel);
            next.basicConsume(channel, consumerTag, autoAck);
        }

        @Override
        public void basicCancel(Channel channel, String consumerTag) {
            consumers.remove(consumerTag);
            next.basicCancel(channel, consumerTag);
        }

        @Override
        public void newConnection(Connection connection) {
            next.newConnection(connection);
        }

        @Override
        public void closeConnection(Connection connection) {
            next.closeConnection(connection);
        }

        @Override
        public void newChannel(Channel channel) {
            next.newChannel(channel);
        }

        @Override
        public void closeChannel(Channel channel) {
            unanswered.remove(channel);
            next.closeChannel(channel);
        }

        @Override
        public void basicPublish(Channel channel) {
            next.basicPublish(channel);
        }

        @Override
        public void consumedMessage(Channel channel, long deliveryTag, boolean autoAck) {
            next.consumedMessage(channel, deliveryTag, autoAck);
        }

        @Override
        public void consumedMessage(Channel channel, long deliveryTag, String consumerTag) {
            unanswered.computeIfAbsent(channel, c -> new AtomicInteger()).incrementAndGet();
            next.consumedMessage(channel, deliveryTag, consumerTag);
        }

        @Override
        public void basicAck(Channel channel, long deliveryTag, boolean multiple) {
            answered(channel);
            next.basicAck(channel, deliveryTag, multiple);
        }

        @Override
        public void basicNack(Channel channel, long deliveryTag) {
            answered(channel);
            next.basicNack(channel, deliveryTag);
        }

        @Override
        public void basicReject(Channel channel, long deliveryTag) {
            answered(channel);
            next.basicReject(channel, deliveryTag);
        }
    }
}
