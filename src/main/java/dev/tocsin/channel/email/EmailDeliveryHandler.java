package dev.tocsin.channel.email;

import dev.tocsin.delivery.SendResult;
import dev.tocsin.channel.NoticeDataFactory;
import dev.tocsin.delivery.ClaimedDelivery;
import dev.tocsin.template.NoticeData;
import dev.tocsin.template.NoticeTemplates;
import dev.tocsin.template.TemplateSet;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Renders each claimed email delivery in the recipient's language and sends the batch through the gateway. */
@ApplicationScoped
public class EmailDeliveryHandler {

    @Inject
    NoticeTemplates templates;

    @Inject
    NoticeDataFactory notices;

    @Inject
    EmailGateway gateway;

    @Inject
    MeterRegistry metrics;

    public List<SendResult> send(List<ClaimedDelivery> deliveries) {
        if (deliveries.isEmpty()) {
            return List.of();
        }
        List<SendResult> results = new ArrayList<>(deliveries.size());
        List<OutgoingEmail> outgoing = new ArrayList<>(deliveries.size());
        for (ClaimedDelivery d : deliveries) {
            Optional<TemplateSet> set = templates.find(d.templateSet());
            if (set.isEmpty()) {
                results.add(SendResult.fail(d.id(), "template set '" + d.templateSet() + "' does not exist"));
                continue;
            }
            NoticeData data = notices.forDelivery(d);
            try {
                outgoing.add(new OutgoingEmail(d.id(), d.campaignId(), d.address(), data.reference(),
                        templates.renderEmail(set.get(), data)));
            } catch (RuntimeException e) {
                results.add(SendResult.fail(d.id(), "the notice could not be rendered: " + e.getMessage()));
            }
        }
        List<SendResult> sent = gateway.send(outgoing);
        for (SendResult r : sent) {
            metrics.counter("tocsin.deliveries.attempts", "channel", "email",
                    "outcome", r.ok() ? "sent" : r.retryable() ? "retry" : "failed").increment();
        }
        results.addAll(sent);
        return results;
    }
}
