package dev.tocsin.channel.sms;

import dev.tocsin.channel.OutboxFile;
import dev.tocsin.common.Channel;
import dev.tocsin.delivery.SendResult;
import dev.tocsin.delivery.SendWatch;

import java.nio.file.Path;
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
    public List<SendResult> send(List<OutgoingSms> messages, SendWatch watch) {
        return SendWatch.oneByOne(messages, OutgoingSms::deliveryId, sms -> OutboxFile.write(dir, sms.campaignId(),
                sms.deliveryId(), Channel.SMS, "To: " + sms.to() + "\n\n" + sms.text()), watch);
    }
}
