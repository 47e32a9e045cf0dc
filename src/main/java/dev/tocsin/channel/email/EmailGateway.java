package dev.tocsin.channel.email;

import dev.tocsin.delivery.SendResult;
import java.util.List;

/** Where email notices go: a real SMTP server, or the local outbox of the embedded default. */
public interface EmailGateway {

    /** Sends the emails in order over one connection and says what happened to each. */
    List<SendResult> send(List<OutgoingEmail> emails);

    /** Human-readable target for logs and health: "smtp://host:port" or the outbox folder. */
    String describe();
}
