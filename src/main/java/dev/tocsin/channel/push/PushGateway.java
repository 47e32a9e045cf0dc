package dev.tocsin.channel.push;

import dev.tocsin.delivery.SendResult;
import dev.tocsin.delivery.SendWatch;

import java.util.List;

/** Where push notices go: the browsers' push services, or the local outbox of the embedded default. */
public interface PushGateway {

    /** Sends each message, asking the watch before each and telling it each answer. */
    List<SendResult> send(List<OutgoingPush> messages, SendWatch watch);

    default List<SendResult> send(List<OutgoingPush> messages) {
        return send(messages, SendWatch.NONE);
    }

    String describe();
}
