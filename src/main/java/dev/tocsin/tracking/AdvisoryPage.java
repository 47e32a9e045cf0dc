package dev.tocsin.tracking;

import dev.tocsin.audience.ExposureCategory;
import dev.tocsin.common.AdvisoryLinks;
import dev.tocsin.common.CompanyConfig;
import dev.tocsin.template.IncidentText;
import dev.tocsin.template.NoticeData;
import dev.tocsin.template.NoticeTemplates;
import dev.tocsin.template.TemplateSet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Safelist;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Optional;

/**
 * The notice a recipient got, shown again on the advisory page: the same template set and locale, rendered
 * from the email part (it carries every required element), without the person's name (the page is reached by
 * a link that may be forwarded), and cleaned to plain document elements, so nothing in a template can run
 * or load anything on the page.
 */
@ApplicationScoped
public class AdvisoryPage {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(AdvisoryPage.class);

    /** Elements and attributes a notice body keeps on the page; links only to http(s) and mail addresses. */
    private static final Safelist NOTICE_ELEMENTS = new Safelist()
            .addTags("p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i", "span", "div",
                    "section", "bdi", "table", "thead", "tbody", "tr", "th", "td", "small", "a")
            .addAttributes(":all", "dir", "lang")
            .addAttributes("a", "href")
            .addProtocols("a", "href", "https", "http", "mailto")
            .addEnforcedAttribute("a", "rel", "noopener noreferrer");

    @Inject
    NoticeTemplates templates;

    @Inject
    NoticeCodes codes;

    @Inject
    CompanyConfig company;

    @Inject
    AdvisoryLinks links;

    public record Shown(String localeTag, String bodyHtml, List<RecipientNotices.Listed> incidentNotices) {
    }

    /** The notice's body for the page, in the locale the notice was rendered in; empty if its set is gone. */
    @Inject
    RecipientNotices notices;

    public Optional<Shown> render(RecipientNotices.Notice n) throws java.sql.SQLException {
        Optional<TemplateSet> set = templates.forCampaign(n.campaignId(), n.templateSet(), n.templatesVersion());
        if (set.isEmpty()) {
            return Optional.empty();
        }
        String tag = set.get().resolveTag(n.locale());
        String reference = n.reference() != null ? n.reference() : codes.verificationReference(n.deliveryId());
        IncidentText text = IncidentText.forLocale(notices.translations(n.campaignId()), tag, n.incidentText());
        NoticeData data = new NoticeData(tag, n.timezone(), null, text.title(), text.description(),
                n.occurredAt(), n.discoveredAt(), ExposureCategory.fromStored(n.categories()), company.company().name(),
                company.company().contact(), reference,
                links.baseUrl() + "/a/" + codes.advisoryToken(n.deliveryId()), n.country(), n.region(), null, null)
                .withFacts(n.facts(), text, n.sentAt() == null ? NoticeData.today(n.timezone())
                        : n.sentAt().atZoneSameInstant(zoneOf(n.timezone())).toLocalDate())
                .withEnrolmentCode(n.enrolmentCode());
        List<RecipientNotices.Listed> all = notices.incidentNotices(n.deliveryId());
        if (n.followUpOf() != null) {
            // the notice it updates: this person's first one of the earlier campaign
            Optional<RecipientNotices.Listed> original = all.stream()
                    .filter(l -> l.campaignId().equals(n.followUpOf()) && l.reference() != null)
                    .reduce((newer, older) -> older);
            if (original.isPresent()) {
                data = data.updating(original.get().reference(), original.get().sentAt());
            }
        }
        String body;
        try {
            body = clean(templates.renderEmail(set.get(), data).html());
        } catch (RuntimeException e) {
            // a campaign's uploaded template that cannot render for this person: the page still shows the
            // reference, the acknowledgement and how to reach the company
            LOG.warnf("advisory page of delivery %d: the notice could not be rendered: %s", n.deliveryId(), e.getMessage());
            body = "";
        }
        return Optional.of(new Shown(tag, body, all));
    }

    /** The locale tag the notice was rendered in (the set's fallback chain), for the pages around it. */
    public String localeOf(RecipientNotices.Notice n) {
        return templates.forCampaign(n.campaignId(), n.templateSet(), n.templatesVersion())
                .map(set -> set.resolveTag(n.locale())).orElse(n.locale());
    }

    static String clean(String noticeHtml) {
        Document parsed = Jsoup.parse(noticeHtml);
        Document.OutputSettings compact = new Document.OutputSettings().prettyPrint(false);
        String body = Jsoup.clean(parsed.body().html(), "", NOTICE_ELEMENTS, compact);
        Document cleaned = Jsoup.parseBodyFragment(body);
        cleaned.outputSettings(compact);
        // The page has its own h1; the notice's headings sit below it.
        for (Element h1 : cleaned.select("h1")) {
            h1.tagName("h2");
        }
        return cleaned.body().html();
    }

    /** A date as the recipient reads it: their time zone, their language's long form. */
    static String date(OffsetDateTime at, String timezone, PageText text) {
        if (at == null) {
            return "";
        }
        ZoneId zone;
        try {
            zone = timezone == null || timezone.isBlank() ? ZoneOffset.UTC : ZoneId.of(timezone);
        } catch (DateTimeException e) {
            zone = ZoneOffset.UTC;
        }
        return DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(text.locale())
                .format(at.atZoneSameInstant(zone));
    }

    private static java.time.ZoneId zoneOf(String timezone) {
        try {
            return timezone == null ? java.time.ZoneOffset.UTC : java.time.ZoneId.of(timezone);
        } catch (java.time.DateTimeException e) {
            return java.time.ZoneOffset.UTC;
        }
    }
}
