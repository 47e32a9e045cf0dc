package dev.tocsin.channel.sms;

import dev.tocsin.delivery.SendResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The embedded default's stand-in for Twilio: each SMS becomes a text file marked as never sent. */
public class OutboxSmsGateway implements SmsGateway {

    private final Path dir;

    public OutboxSmsGateway(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return "local outbox " + dir + " (NOT SENT to real people)";
    }

    @Override
    public List<SendResult> send(List<OutgoingSms> messages) {
        List<SendResult> results = new ArrayList<>(messages.size());
        for (OutgoingSms sms : messages) {
            try {
                Path campaignDir = dir.resolve(sms.campaignId());
                Files.createDirectories(campaignDir);
                Path file = campaignDir.resolve("delivery-" + sms.deliveryId() + ".sms.txt");
                Files.writeString(file, "NOT SENT - written to the local outbox only; no real person received this\n"
                        + "To: " + sms.to() + "\n\n" + sms.text() + "\n");
                results.add(SendResult.sent(sms.deliveryId(), "outbox-sms-" + sms.deliveryId(),
                        "written to local outbox, not sent: " + dir.relativize(file)));
            } catch (IOException e) {
                results.add(SendResult.retry(sms.deliveryId(), "could not write to the local outbox: " + e.getMessage()));
            }
        }
        return results;
    }
}
