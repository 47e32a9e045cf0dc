package dev.tocsin.channel.push;

import dev.tocsin.delivery.SendResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    public List<SendResult> send(List<OutgoingPush> messages) {
        List<SendResult> results = new ArrayList<>(messages.size());
        for (OutgoingPush push : messages) {
            try {
                Path campaignDir = dir.resolve(push.campaignId());
                Files.createDirectories(campaignDir);
                Path file = campaignDir.resolve("delivery-" + push.deliveryId() + ".push.txt");
                Files.writeString(file, "NOT SENT - written to the local outbox only; no real person received this\n"
                        + "Push subscription: " + push.subscriptionId() + "\n\n"
                        + new String(push.payload(), StandardCharsets.UTF_8) + "\n");
                results.add(SendResult.sent(push.deliveryId(), "outbox-push-" + push.deliveryId(),
                        "written to local outbox, not sent: " + dir.relativize(file)));
            } catch (IOException e) {
                results.add(SendResult.retry(push.deliveryId(), "could not write to the local outbox: " + e.getMessage()));
            }
        }
        return results;
    }
}
