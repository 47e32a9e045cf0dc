package dev.tocsin.template;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
                         OffsetDateTime updatesSentAt, NoticeFacts facts, List<String> companyActions, String delayNote,
                         String securityMeasures, LocalDate noticeDate, String enrolmentCode) {

    public NoticeData {
        facts = facts == null ? NoticeFacts.NONE : facts;
        companyActions = companyActions == null ? List.of() : List.copyOf(companyActions);
        noticeDate = noticeDate == null ? LocalDate.now(ZoneOffset.UTC) : noticeDate;
    }

    /**
     * Hashes the fields that tell one campaign's notices apart, not the incident's texts and facts they all share:
     * each notice's shape is looked up by its data (NoticeShapes), and the record's own hash walked every component,
     * facts and lists included, once per notice. Equal data still hash alike (a subset of what equals compares).
     */
    @Override
    public int hashCode() {
        int h = java.util.Objects.hashCode(locale);
        h = 31 * h + java.util.Objects.hashCode(timezone);
        h = 31 * h + java.util.Objects.hashCode(recipientName);
        h = 31 * h + java.util.Objects.hashCode(incidentTitle);
        h = 31 * h + java.util.Objects.hashCode(categories);
        h = 31 * h + java.util.Objects.hashCode(reference);
        h = 31 * h + java.util.Objects.hashCode(country);
        h = 31 * h + java.util.Objects.hashCode(region);
        h = 31 * h + java.util.Objects.hashCode(noticeDate);
        return 31 * h + java.util.Objects.hashCode(enrolmentCode);
    }

    /** A notice without recorded facts (tests, samples): they come with {@link #withFacts}. */
    public NoticeData(String locale, String timezone, String recipientName, String incidentTitle,
                      String incidentDescription, OffsetDateTime occurredAt, OffsetDateTime discoveredAt,
                      List<String> categories, String companyName, String companyContact, String reference,
                      String advisoryUrl, String country, String region, String updatesReference,
                      OffsetDateTime updatesSentAt) {
        this(locale, timezone, recipientName, incidentTitle, incidentDescription, occurredAt, discoveredAt, categories,
                companyName, companyContact, reference, advisoryUrl, country, region, updatesReference, updatesSentAt,
                NoticeFacts.NONE, List.of(), null, null, null, null);
    }

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
                reference, sentAt, facts, companyActions, delayNote, securityMeasures, noticeDate, enrolmentCode);
    }

    /**
     * The same notice with the incident's facts, its text facts in the notice's language, and the date it is
     * sent (the day in the recipient's time zone: the notice says "date of this notice").
     */
    public NoticeData withFacts(NoticeFacts facts, IncidentText text, LocalDate noticeDate) {
        return new NoticeData(locale, timezone, recipientName, incidentTitle, incidentDescription, occurredAt,
                discoveredAt, categories, companyName, companyContact, reference, advisoryUrl, country, region,
                updatesReference, updatesSentAt, facts, text == null ? List.of() : text.companyActions(),
                text == null ? null : text.delayNote(), text == null ? null : text.securityMeasures(), noticeDate,
                enrolmentCode);
    }

    /** The same notice for someone else's exposed data and place (the approval's check, tests). */
    public NoticeData about(List<String> categories, String country, String region) {
        return new NoticeData(locale, timezone, recipientName, incidentTitle, incidentDescription, occurredAt,
                discoveredAt, categories, companyName, companyContact, reference, advisoryUrl, country, region,
                updatesReference, updatesSentAt, facts, companyActions, delayNote, securityMeasures, noticeDate,
                enrolmentCode);
    }

    /** The same notice with the recipient's own values replaced (NoticeShapes renders with markers). */
    NoticeData withRecipientValues(String name, String reference, String link, String code) {
        return new NoticeData(locale, timezone, name, incidentTitle, incidentDescription, occurredAt, discoveredAt,
                categories, companyName, companyContact, reference, link, country, region, updatesReference, updatesSentAt,
                facts, companyActions, delayNote, securityMeasures, noticeDate, code);
    }

    /** The same notice with the recipient's code for the offered service (from the accounts file). */
    public NoticeData withEnrolmentCode(String code) {
        return withRecipientValues(recipientName, reference, advisoryUrl, code);
    }

    /** The day a notice sent now carries, in the recipient's time zone. */
    public static LocalDate today(String timezone) {
        try {
            return LocalDate.now(timezone == null ? ZoneOffset.UTC : ZoneId.of(timezone));
        } catch (java.time.DateTimeException e) {
            return LocalDate.now(ZoneOffset.UTC);
        }
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
                updatesSentAt, facts, companyActions, delayNote, securityMeasures, noticeDate, enrolmentCode);
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
        putFacts(model, dates, zone);
        return model;
    }

    /**
     * The facts as template values. Every name is always present (strict rendering: a template may test any of
     * them); a fact not recorded is empty, false or 0, so {#if offerService} reads "if there is an offer".
     */
    private void putFacts(Map<String, Object> model, DateTimeFormatter dates, ZoneId zone) {
        model.put("noticeOn", dates.format(noticeDate));
        model.put("occurredUntilOn", facts.occurredUntil() == null ? ""
                : dates.format(facts.occurredUntil().atZoneSameInstant(zone)));
        model.put("occurredEstimated", facts.occurredEstimated());
        model.put("lawEnforcementDelay", facts.lawEnforcementDelay());
        model.put("delayNote", delayNote == null ? "" : delayNote);
        model.put("companyActions", companyActions);
        model.put("securityMeasures", securityMeasures == null ? "" : securityMeasures);
        NoticeFacts.Contact contact = facts.contact();
        model.put("contactName", contact == null || contact.name() == null ? "" : contact.name());
        model.put("contactEmail", contact == null || contact.email() == null ? "" : contact.email());
        model.put("contactPhone", contact == null || contact.phone() == null ? "" : contact.phone());
        model.put("contactAddress", contact == null || contact.postalAddress() == null ? "" : contact.postalAddress());
        NoticeFacts.Contact dpo = facts.dpo();
        model.put("dpoName", dpo == null || dpo.name() == null ? "" : dpo.name());
        model.put("dpoEmail", dpo == null || dpo.email() == null ? "" : dpo.email());
        model.put("dpoPhone", dpo == null || dpo.phone() == null ? "" : dpo.phone());
        model.put("dpoAddress", dpo == null || dpo.postalAddress() == null ? "" : dpo.postalAddress());
        NoticeFacts.Offer offer = facts.offer();
        model.put("offerService", offer == null ? "" : offer.service());
        model.put("offerMonths", offer == null ? 0 : offer.months());
        model.put("offerUrl", offer == null || offer.enrolmentUrl() == null ? "" : offer.enrolmentUrl());
        model.put("offerEnrolBy", offer == null || offer.enrolBy() == null ? "" : dates.format(offer.enrolBy()));
        model.put("enrolmentCode", enrolmentCode == null ? "" : enrolmentCode);
        model.put("affectedCount", facts.affectedCount() == null ? ""
                : java.text.NumberFormat.getIntegerInstance(dates.getLocale()).format(facts.affectedCount()));
        // The codes of the exposed data (e.g. {#if exposed.ssn || exposed.drivers_license}): every known code is a
        // key, so a misspelt one is an error at upload rather than a block silently never shown.
        Map<String, Boolean> exposed = new java.util.TreeMap<>();
        for (String code : CATEGORY_CODES) {
            exposed.put(code, categories.contains(code));
        }
        model.put("exposed", exposed);
    }

    /** The data categories an accounts file may name (audience.ExposureCategory keeps the same list). */
    public static final List<String> CATEGORY_CODES = List.of("email", "password", "password_hash", "username", "name",
            "phone", "address", "date_of_birth", "ssn", "national_id", "passport", "drivers_license", "payment_card",
            "bank_account", "security_questions", "ip_address", "health", "biometric");
}
