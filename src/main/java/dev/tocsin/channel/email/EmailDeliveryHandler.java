package dev.tocsin.channel.email;

import dev.tocsin.audience.ExposureCategory;
import dev.tocsin.delivery.ClaimedDelivery;
import dev.tocsin.template.NoticeData;
import dev.tocsin.template.NoticeTemplates;
import dev.tocsin.template.TemplateSet;
import dev.tocsin.tracking.NoticeCodes;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Renders each claimed email delivery in the recipient's language and sends the batch through the gateway. */
@ApplicationScoped
public class EmailDeliveryHandler {

    @Inject
    NoticeTemplates templates;

    @Inject
    NoticeCodes codes;

    @Inject
    EmailGateway gateway;

    @Inject
    MeterRegistry metrics;

    @ConfigProperty(name = "tocsin.company.name")
    String companyName;

    @ConfigProperty(name = "tocsin.company.contact")
    String companyContact;

    @ConfigProperty(name = "tocsin.advisory.base-url")
    String advisoryBaseUrl;

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
            String reference = codes.verificationReference(d.id());
            NoticeData data = new NoticeData(d.locale(), d.timezone(), d.name(), d.incidentTitle(),
                    d.incidentDescription(), d.occurredAt(), d.discoveredAt(), ExposureCategory.fromStored(d.categories()),
                    companyName, companyContact, reference, advisoryBaseUrl + "/a/" + codes.advisoryToken(d.id()));
            try {
                outgoing.add(new OutgoingEmail(d.id(), d.campaignId(), d.address(), reference,
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
