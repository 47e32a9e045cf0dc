package dev.tocsin.channel;

import dev.tocsin.audience.ExposureCategory;
import dev.tocsin.delivery.ClaimedDelivery;
import dev.tocsin.template.NoticeData;
import dev.tocsin.tracking.NoticeCodes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** What every channel's notice for one delivery may show, including its verification reference and link. */
@ApplicationScoped
public class NoticeDataFactory {

    @Inject
    NoticeCodes codes;

    @ConfigProperty(name = "tocsin.company.name")
    String companyName;

    @ConfigProperty(name = "tocsin.company.contact")
    String companyContact;

    @ConfigProperty(name = "tocsin.advisory.base-url")
    String advisoryBaseUrl;

    public NoticeData forDelivery(ClaimedDelivery d) {
        return new NoticeData(d.locale(), d.timezone(), d.name(), d.incidentTitle(), d.incidentDescription(),
                d.occurredAt(), d.discoveredAt(), ExposureCategory.fromStored(d.categories()), companyName,
                companyContact, codes.verificationReference(d.id()), advisoryBaseUrl + "/a/" + codes.advisoryToken(d.id()));
    }
}
