package dev.tocsin.channel.email;

import dev.tocsin.channel.NoticeDataFactory;
import dev.tocsin.channel.RenderAndSend;
import dev.tocsin.common.Channel;
import dev.tocsin.delivery.ChannelSender;
import dev.tocsin.delivery.ClaimedDelivery;
import dev.tocsin.delivery.SendResult;
import dev.tocsin.delivery.SendWatch;
import dev.tocsin.template.NoticeData;
import dev.tocsin.template.NoticeTemplates;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/** Renders each claimed email delivery in the recipient's language and sends the batch through the gateway. */
@ApplicationScoped
public class EmailDeliveryHandler implements ChannelSender {

    @Override
    public Channel channel() {
        return Channel.EMAIL;
    }

    @Override
    public String provider() {
        return "smtp";
    }

    @Override
    public String describe() {
        return gateway.describe();
    }

    @Inject
    NoticeTemplates templates;

    @Inject
    NoticeDataFactory notices;

    @Inject
    EmailGateway gateway;

    @Inject
    MeterRegistry metrics;

    @Override
    public List<SendResult> send(List<ClaimedDelivery> deliveries, SendWatch watch) {
        return RenderAndSend.run(Channel.EMAIL, deliveries, templates, (d, set) -> {
            NoticeData data = notices.forDelivery(d, set);
            return new OutgoingEmail(d.id(), d.campaignId(), d.address(), data.reference(), templates.renderEmail(set, data));
        }, messages -> gateway.send(messages, watch), watch, metrics);
    }
}
