package dev.tocsin.template;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a notice may show, and nothing else: templates receive plain maps and lists built from this,
 * never entities or beans.
 */
public record NoticeData(String locale, String timezone, String recipientName, String incidentTitle,
                         String incidentDescription, OffsetDateTime occurredAt, OffsetDateTime discoveredAt,
                         List<String> categories, String companyName, String companyContact, String reference,
                         String advisoryUrl, String country, String region, String updatesReference,
                         OffsetDateTime updatesSentAt) {

    /** A first notice (not a follow-up). */
    public NoticeData(String locale, String timezone, String recipientName, String incidentTitle,
                      String incidentDescription, OffsetDateTime occurredAt, OffsetDateTime discoveredAt,
                      List<String> categories, String companyName, String companyContact, String reference,
                      String advisoryUrl, String country, String region) {
        this(locale, timezone, recipientName, incidentTitle, incidentDescription, occurredAt, discoveredAt, categories,
                companyName, companyContact, reference, advisoryUrl, country, region, null, null);
    }

    /** The same notice as a follow-up: it updates the one sent on that date with that reference. */
    public NoticeData updating(String reference, OffsetDateTime sentAt) {
        return new NoticeData(locale, timezone, recipientName, incidentTitle, incidentDescription, occurredAt,
                discoveredAt, categories, companyName, companyContact, this.reference, advisoryUrl, country, region,
                reference, sentAt);
    }

    /** Where the recipient lives, most specific first (US-CA, then US): picks the jurisdiction block. */
    List<String> jurisdictionKeys() {
        if (country == null || country.isBlank()) {
            return List.of();
        }
        String c = country.toUpperCase(Locale.ROOT);
        return region == null || region.isBlank() ? List.of(c) : List.of(c + "-" + region.toUpperCase(Locale.ROOT), c);
    }

    /** The same data for another recipient locale (the required-content check renders every locale). */
    public NoticeData inLocale(String tag) {
        return new NoticeData(tag, timezone, recipientName, incidentTitle, incidentDescription, occurredAt, discoveredAt,
                categories, companyName, companyContact, reference, advisoryUrl, country, region, updatesReference,
                updatesSentAt);
    }

    /** One formatter per locale: building one per notice showed in the fan-out profile. */
    private static final Map<String, DateTimeFormatter> DATES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<String, DateTimeFormatter> DATE_TIMES = new java.util.concurrent.ConcurrentHashMap<>();

    Map<String, Object> toModel(String resolvedLocale, List<String> categoryNames) {
        Locale loc = Locale.forLanguageTag(resolvedLocale);
        ZoneId zone = timezone == null ? ZoneId.of("UTC") : ZoneId.of(timezone);
        DateTimeFormatter dates = DATES.computeIfAbsent(resolvedLocale,
                tag -> DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(loc));
        Map<String, Object> model = new HashMap<>();
        model.put("name", recipientName == null ? "" : recipientName);
        model.put("incidentTitle", incidentTitle);
        model.put("incidentDescription", incidentDescription == null ? "" : incidentDescription);
        model.put("occurredOn", occurredAt == null ? "" : dates.format(occurredAt.atZoneSameInstant(zone)));
        model.put("discoveredOn", discoveredAt == null ? "" : dates.format(discoveredAt.atZoneSameInstant(zone)));
        DateTimeFormatter times = DATE_TIMES.computeIfAbsent(resolvedLocale,
                tag -> new java.time.format.DateTimeFormatterBuilder()
                        .append(DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT))
                        .appendLiteral(' ').appendZoneText(java.time.format.TextStyle.SHORT).toFormatter(loc));
        // With the time and the recipient's zone, e.g. "November 2, 2026, 12:30 AM CET" (the template chooses)
        model.put("occurredAt", occurredAt == null ? "" : times.format(occurredAt.atZoneSameInstant(zone)));
        model.put("discoveredAt", discoveredAt == null ? "" : times.format(discoveredAt.atZoneSameInstant(zone)));
        model.put("categories", categoryNames);
        model.put("company", companyName);
        model.put("contact", companyContact);
        model.put("reference", reference);
        model.put("advisoryUrl", advisoryUrl);
        model.put("locale", resolvedLocale);
        // a follow-up names the notice it updates ({#if updatesReference} in the templates)
        model.put("updatesReference", updatesReference == null ? "" : updatesReference);
        model.put("updatesOn", updatesSentAt == null ? "" : dates.format(updatesSentAt.atZoneSameInstant(zone)));
        return model;
    }
}
