package dev.tocsin.channel;

import dev.tocsin.audience.ExposureCategory;
import dev.tocsin.common.AdvisoryLinks;
import dev.tocsin.common.CompanyConfig;
import dev.tocsin.delivery.ClaimedDelivery;
import dev.tocsin.template.NoticeData;
import dev.tocsin.tracking.NoticeCodes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** What every channel's notice for one delivery may show, including its verification reference and link. */
@ApplicationScoped
public class NoticeDataFactory {

    @Inject
    CompanyConfig company;

    @Inject
    AdvisoryLinks links;

    @Inject
    NoticeCodes codes;

    /** A reference no real notice can carry (real ones never contain 0): a preview is never mistaken for one. */
    public static final String PREVIEW_REFERENCE = "TCS-PREVW-00000";

    /** What a notice would show a recipient, before any delivery exists: preview and test send. */
    public NoticeData forPreview(String locale, String timezone, String name, dev.tocsin.incident.Incident incident,
                                 java.util.List<String> categories, String country, String region) {
        return new NoticeData(locale, timezone, name, incident.title, incident.description, incident.occurredAt,
                incident.discoveredAt, categories, company.company().name(), company.company().contact(), PREVIEW_REFERENCE,
                links.baseUrl() + "/a/preview.0000000000000000000000", // as long as a real token
                country, region);

    }

    public NoticeData forDelivery(ClaimedDelivery d) {
        return new NoticeData(d.locale(), d.timezone(), d.name(), d.incidentTitle(), d.incidentDescription(),
                d.occurredAt(), d.discoveredAt(), ExposureCategory.fromStored(d.categories()), company.company().name(),
                company.company().contact(), codes.verificationReference(d.id()), links.baseUrl() + "/a/" + codes.advisoryToken(d.id()),
                d.country(), d.region());
    }
}
