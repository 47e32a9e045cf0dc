package dev.tocsin.channel.push;

import dev.tocsin.delivery.SendResult;

import java.util.List;

/** Where push notices go: the browsers' push services, or the local outbox of the embedded default. */
public interface PushGateway {

    List<SendResult> send(List<OutgoingPush> messages);

    String describe();
}
