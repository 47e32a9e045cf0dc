package dev.tocsin.channel.sms;

import dev.tocsin.channel.NoticeDataFactory;
import dev.tocsin.channel.RenderAndSend;
import dev.tocsin.common.Channel;
import dev.tocsin.delivery.ChannelSender;
import dev.tocsin.delivery.ClaimedDelivery;
import dev.tocsin.delivery.SendResult;
import dev.tocsin.delivery.SendWatch;
import dev.tocsin.template.NoticeTemplates;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/** Renders each claimed SMS delivery in the recipient's language and sends the batch through the gateway. */
@ApplicationScoped
public class SmsDeliveryHandler implements ChannelSender {

    @Override
    public Channel channel() {
        return Channel.SMS;
    }

    @Override
    public String provider() {
        return "twilio";
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
    SmsGateway gateway;

    @Inject
    MeterRegistry metrics;

    @Override
    public List<SendResult> send(List<ClaimedDelivery> deliveries, SendWatch watch) {
        return RenderAndSend.run(Channel.SMS, deliveries, templates, (d, set) ->
                new OutgoingSms(d.id(), d.campaignId(), d.address(), templates.renderSms(set, notices.forDelivery(d, set))),
                messages -> gateway.send(messages, watch), watch, metrics);
    }
}
