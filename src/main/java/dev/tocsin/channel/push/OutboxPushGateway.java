package dev.tocsin.channel.push;

import dev.tocsin.channel.OutboxFile;
import dev.tocsin.common.Channel;
import dev.tocsin.delivery.SendResult;
import dev.tocsin.delivery.SendWatch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** The embedded default's stand-in for push services: each push notice becomes a file marked as never sent. */
public class OutboxPushGateway implements PushGateway {

    private final Path dir;

    public OutboxPushGateway(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return "local outbox " + dir + " (NOT SENT to real people)";
    }

    @Override
    public List<SendResult> send(List<OutgoingPush> messages, SendWatch watch) {
        // The hash covers the payload a push service would get (before encryption), as with WebPushGateway.
        return SendWatch.oneByOne(messages, OutgoingPush::deliveryId, push -> {
            SendResult r = OutboxFile.write(dir, push.campaignId(), push.deliveryId(), Channel.PUSH,
                    "Push subscription: " + push.subscriptionId() + "\n\n" + new String(push.payload(), StandardCharsets.UTF_8));
            return r.ok() ? r.withContent(push.payload()) : r;
        }, watch);
    }
}
