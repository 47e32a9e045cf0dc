package dev.tocsin.channel.sms;

import dev.tocsin.delivery.SendResult;
import dev.tocsin.delivery.SendWatch;

import java.util.List;

/** Where SMS notices go: Twilio, or the local outbox of the embedded default. */
public interface SmsGateway {

    /** Sends each message, asking the watch before each and telling it each answer. */
    List<SendResult> send(List<OutgoingSms> messages, SendWatch watch);

    default List<SendResult> send(List<OutgoingSms> messages) {
        return send(messages, SendWatch.NONE);
    }

    String describe();
}
