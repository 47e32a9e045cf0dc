package dev.tocsin.delivery;

import dev.tocsin.common.Channel;

import java.util.List;

/**
 * One way of reaching a person, as the worker sees it: which channel, which provider's throttle it draws on,
 * and "render and send these claimed deliveries, one result each". Each package under channel/ provides one;
 * the worker finds them by injection, so the delivery core knows no channel by name.
 */
public interface ChannelSender {

    Channel channel();

    /** The provider whose rate limit and daily cap the sends count against (tocsin.throttle.{provider}.*). */
    String provider();

    /** Where notices go, for the startup banner (e.g. "SMTP mail.example.com:25" or "local outbox ..."). */
    String describe();

    /**
     * Renders and sends; one result per delivery, in any order. Asks the watch before each notice and tells it
     * each answer as it comes.
     */
    List<SendResult> send(List<ClaimedDelivery> deliveries, SendWatch watch);
}
