package dev.tocsin.delivery;

import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

/**
 * On the embedded default there is no broker: this joins the outgoing and incoming delivery channels
 * inside the process. Acknowledgements pass through, so the publisher still sees when a batch is done.
 */
@ApplicationScoped
@IfBuildProperty(name = "tocsin.messaging.in-process", stringValue = "true")
public class InProcessDeliveryRelay {

    @Incoming("deliveries-out")
    @Outgoing("deliveries-in")
    public Message<String> relay(Message<String> batch) {
        return batch;
    }
}
