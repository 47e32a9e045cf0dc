package dev.tocsin.channel.sms;

import dev.tocsin.channel.NoticeDataFactory;
import dev.tocsin.delivery.ClaimedDelivery;
import dev.tocsin.delivery.SendResult;
import dev.tocsin.template.NoticeTemplates;
import dev.tocsin.template.TemplateSet;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Renders each claimed SMS delivery in the recipient's language and sends the batch through the gateway. */
@ApplicationScoped
public class SmsDeliveryHandler {

    @Inject
    NoticeTemplates templates;

    @Inject
    NoticeDataFactory notices;

    @Inject
    SmsGateway gateway;

    @Inject
    MeterRegistry metrics;

    public List<SendResult> send(List<ClaimedDelivery> deliveries) {
        if (deliveries.isEmpty()) {
            return List.of();
        }
        List<SendResult> results = new ArrayList<>(deliveries.size());
        List<OutgoingSms> outgoing = new ArrayList<>(deliveries.size());
        for (ClaimedDelivery d : deliveries) {
            Optional<TemplateSet> set = templates.find(d.templateSet());
            if (set.isEmpty()) {
                results.add(SendResult.fail(d.id(), "template set '" + d.templateSet() + "' does not exist"));
                continue;
            }
            try {
                outgoing.add(new OutgoingSms(d.id(), d.campaignId(), d.address(),
                        templates.renderSms(set.get(), notices.forDelivery(d))));
            } catch (RuntimeException e) {
                results.add(SendResult.fail(d.id(), "the SMS could not be rendered: " + e.getMessage()));
            }
        }
        List<SendResult> sent = gateway.send(outgoing);
        for (SendResult r : sent) {
            metrics.counter("tocsin.deliveries.attempts", "channel", "sms", "outcome", r.outcome().name().toLowerCase()).increment();
        }
        results.addAll(sent);
        return results;
    }
}
