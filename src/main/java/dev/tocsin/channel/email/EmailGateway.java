package dev.tocsin.channel.email;

import dev.tocsin.delivery.SendResult;
import dev.tocsin.delivery.SendWatch;
import java.util.List;

/** Where email notices go: a real SMTP server, or the local outbox of the embedded default. */
public interface EmailGateway {

    /**
     * Sends the emails in order over one connection and says what happened to each; asks the watch before each
     * notice and tells it each answer.
     */
    List<SendResult> send(List<OutgoingEmail> emails, SendWatch watch);

    default List<SendResult> send(List<OutgoingEmail> emails) {
        return send(emails, SendWatch.NONE);
    }

    /** Human-readable target for logs and health: "smtp://host:port" or the outbox folder. */
    String describe();
}
