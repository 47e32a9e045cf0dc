package dev.tocsin.channel;

import dev.tocsin.common.Channel;
import dev.tocsin.delivery.SendResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The embedded default's outbox for text notices (SMS, push): one file per delivery, marked as never sent. */
public final class OutboxFile {

    private OutboxFile() {
    }

    /** Writes dir/{campaign}/delivery-{id}.{kind}.txt; a write failure is retried like a provider outage. */
    public static SendResult write(Path dir, String campaignId, long deliveryId, Channel channel, String body) {
        String kind = channel.code();
        try {
            Path campaignDir = dir.resolve(campaignId);
            Files.createDirectories(campaignDir);
            Path file = campaignDir.resolve("delivery-" + deliveryId + "." + kind + ".txt");
            Files.writeString(file, "NOT SENT - written to the local outbox only; no real person received this\n" + body + "\n");
            return SendResult.sent(deliveryId, "outbox-" + kind + "-" + deliveryId,
                    "written to local outbox, not sent: " + dir.relativize(file))
                    .withContent(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            return SendResult.retry(deliveryId, "could not write to the local outbox: " + e.getMessage());
        }
    }
}
