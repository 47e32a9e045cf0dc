package dev.tocsin.delivery;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;

/**
 * How many batches wait in the broker's queue, asked on a small connection of its own (a passive declare).
 * The sweeper hands queued rows over again only when nothing waits there: a batch still in the queue is not
 * lost, and during a long throttled campaign republishing "old" rows would put every remaining row in the
 * queue again every republish-after.
 */
@ApplicationScoped
@IfBuildProperty(name = "tocsin.messaging.in-process", stringValue = "false")
public class BrokerQueueDepth {

    private static final Logger LOG = Logger.getLogger(BrokerQueueDepth.class);

    @ConfigProperty(name = "rabbitmq-host")
    String host;

    @ConfigProperty(name = "rabbitmq-port")
    int port;

    @ConfigProperty(name = "rabbitmq-addresses")
    Optional<String> addresses;

    @ConfigProperty(name = "rabbitmq-username")
    String username;

    @ConfigProperty(name = "rabbitmq-password")
    String password;

    @ConfigProperty(name = "tocsin.queue-prefix")
    String prefix;

    private Connection connection;
    private Channel channel;
    private boolean failedBefore;

    /** Batches ready in the queue, or empty when the broker cannot be asked now. */
    public synchronized OptionalLong ready() {
        try {
            if (channel == null || !channel.isOpen()) {
                open();
            }
            long ready = channel.queueDeclarePassive(prefix + ".batches").getMessageCount();
            failedBefore = false;
            return OptionalLong.of(ready);
        } catch (IOException | TimeoutException | RuntimeException e) {
            if (!failedBefore) {
                LOG.infof("could not ask the broker how many batches wait (%s); lost batches are handed over again"
                        + " once it answers", e.toString());
            }
            failedBefore = true;
            close();
            return OptionalLong.empty();
        }
    }

    private void open() throws IOException, TimeoutException {
        close();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setConnectionTimeout(2000);
        factory.setHandshakeTimeout(2000);
        factory.setAutomaticRecoveryEnabled(false);
        List<Address> nodes = addresses.filter(a -> !a.isBlank())
                .map(a -> List.of(Address.parseAddresses(a)))
                .orElse(List.of(new Address(host, port)));
        connection = factory.newConnection(nodes, "tocsin queue depth");
        channel = connection.createChannel();
    }

    @PreDestroy
    synchronized void close() {
        try {
            if (connection != null) {
                connection.close(1000);
            }
        } catch (IOException | RuntimeException ignored) {
            // closing what may already be gone
        }
        connection = null;
        channel = null;
    }
}
