package dev.tocsin.channel.sms;

import dev.tocsin.delivery.SendResult;

import java.util.List;

/** Where SMS notices go: Twilio, or the local outbox of the embedded default. */
public interface SmsGateway {

    List<SendResult> send(List<OutgoingSms> messages);

    String describe();
}
