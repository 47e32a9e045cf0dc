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

    /** A reference no real notice can carry (real ones never contain 0): a preview is never mistaken for one. */
    public static final String PREVIEW_REFERENCE = "TCS-PREVW-00000";

    /** What a notice would show a recipient, before any delivery exists: preview and test send. */
    public NoticeData forPreview(String locale, String timezone, String name, dev.tocsin.incident.Incident incident,
                                 java.util.List<String> categories, String country, String region) {
        return new NoticeData(locale, timezone, name, incident.title, incident.description, incident.occurredAt,
                incident.discoveredAt, categories, companyName, companyContact, PREVIEW_REFERENCE,
                advisoryBaseUrl + "/a/preview.0000000000000000000000", // as long as a real token
                country, region);

    }

    public NoticeData forDelivery(ClaimedDelivery d) {
        return new NoticeData(d.locale(), d.timezone(), d.name(), d.incidentTitle(), d.incidentDescription(),
                d.occurredAt(), d.discoveredAt(), ExposureCategory.fromStored(d.categories()), companyName,
                companyContact, codes.verificationReference(d.id()), advisoryBaseUrl + "/a/" + codes.advisoryToken(d.id()),
                d.country(), d.region());
    }
}
