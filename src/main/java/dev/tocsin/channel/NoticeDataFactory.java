package dev.tocsin.channel;

import dev.tocsin.template.TemplateSet;
import dev.tocsin.template.IncidentText;
import dev.tocsin.incident.Incidents;
import dev.tocsin.audience.ExposureCategory;
import dev.tocsin.common.AdvisoryLinks;
import dev.tocsin.common.CompanyConfig;
import dev.tocsin.delivery.ClaimedDelivery;
import dev.tocsin.template.NoticeData;
import dev.tocsin.template.NoticeFacts;
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

    @Inject
    Incidents incidents;

    /**
     * What a notice would show a recipient, before any delivery exists: preview, test send and the approval's
     * check. The incident's text is its translation for the locale the set renders the notice in.
     */
    public NoticeData forPreview(TemplateSet set, String locale, String timezone, String name,
                                 dev.tocsin.incident.Incident incident, java.util.List<String> categories,
                                 String country, String region) {
        IncidentText text = IncidentText.forLocale(incidents.translations(incident.id), set.resolveTag(locale),
                Incidents.ownText(incident));
        return new NoticeData(locale, timezone, name, text.title(), text.description(), incident.occurredAt,
                incident.discoveredAt, categories, company.company().name(), company.company().contact(), PREVIEW_REFERENCE,
                links.baseUrl() + "/a/preview.0000000000000000000000", // as long as a real token
                country, region, null, null)
                .withFacts(NoticeFacts.fromStored(incident.facts), text, NoticeData.today(timezone));

    }

    /** The incident's text is its translation for the locale the set renders this notice in, if it has one. */
    public NoticeData forDelivery(ClaimedDelivery d, TemplateSet set) {
        IncidentText text = IncidentText.forLocale(d.campaign().translations(), set.resolveTag(d.locale()),
                d.campaign().incidentText());
        return new NoticeData(d.locale(), d.timezone(), d.name(), text.title(), text.description(),
                d.occurredAt(), d.discoveredAt(), ExposureCategory.fromStored(d.categories()), company.company().name(),
                company.company().contact(), codes.verificationReference(d.id()), links.baseUrl() + "/a/" + codes.advisoryToken(d.id()),
                d.country(), d.region(), d.updatesReference(), d.updatesSentAt())
                .withFacts(d.campaign().facts(), text, NoticeData.today(d.timezone()))
                .withEnrolmentCode(d.enrolmentCode());
    }
}
