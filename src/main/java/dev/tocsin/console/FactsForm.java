package dev.tocsin.console;

import dev.tocsin.common.FieldError;
import dev.tocsin.incident.IncidentResource;
import dev.tocsin.template.IncidentText;
import dev.tocsin.template.NoticeFacts;
import jakarta.ws.rs.core.MultivaluedMap;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The incident's facts as the console's form holds them: every field a string, kept as typed when the form is
 * shown again with its problems; read into the API's request, so the same validation and rules apply.
 */
public record FactsForm(Map<String, String> values) {

    /** Each field with the most it may hold (longer input is cut, the API's own limits then say what is too long). */
    static final Map<String, Integer> FIELDS = fields();

    private static Map<String, Integer> fields() {
        Map<String, Integer> f = new LinkedHashMap<>();
        f.put("occurredUntil", 40);
        f.put("occurredEstimated", 5);
        f.put("lawEnforcementDelay", 5);
        f.put("delayNote", 2001);
        f.put("companyActions", 45_000);
        f.put("securityMeasures", 4001);
        for (String who : List.of("contact", "dpo")) {
            f.put(who + ".name", 201);
            f.put(who + ".email", 255);
            f.put(who + ".phone", 41);
            f.put(who + ".postalAddress", 501);
        }
        f.put("offer.service", 201);
        f.put("offer.months", 10);
        f.put("offer.enrolmentUrl", 2001);
        f.put("offer.enrolBy", 20);
        f.put("affectedCount", 20);
        return f;
    }

    public String get(String field) {
        return values.getOrDefault(field, "");
    }

    /** A person or desk of the form (contact, dpo) with what it holds. */
    public record Person(String key, String legend, String name, String email, String phone, String postalAddress) {
    }

    public List<Person> people() {
        ConsoleMessages msg = io.quarkus.qute.i18n.MessageBundles.get(ConsoleMessages.class);
        return List.of(person("contact", msg.page_facts_form_where_recipients_ask()),
                person("dpo", msg.page_facts_form_data_protection_officer_gdpr_art()));
    }

    private Person person(String who, String legend) {
        return new Person(who, legend, get(who + ".name"), get(who + ".email"), get(who + ".phone"), get(who + ".postalAddress"));
    }

    public boolean checked(String field) {
        return "true".equals(values.get(field));
    }

    static FactsForm of(MultivaluedMap<String, String> form) {
        Map<String, String> v = new LinkedHashMap<>();
        FIELDS.forEach((field, max) -> {
            String given = form.getFirst(field);
            String value = given == null ? "" : given.replace("\r\n", "\n").strip();
            v.put(field, value.length() > max ? value.substring(0, max) : value);
        });
        return new FactsForm(v);
    }

    /** The recorded facts, as the form shows them. */
    static FactsForm of(NoticeFacts facts, IncidentText own) {
        Map<String, String> v = new LinkedHashMap<>();
        FIELDS.keySet().forEach(field -> v.put(field, ""));
        NoticeFacts f = facts == null ? NoticeFacts.NONE : facts;
        v.put("occurredUntil", f.occurredUntil() == null ? ""
                : f.occurredUntil().withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().withSecond(0).withNano(0).toString());
        v.put("occurredEstimated", String.valueOf(f.occurredEstimated()));
        v.put("lawEnforcementDelay", String.valueOf(f.lawEnforcementDelay()));
        v.put("delayNote", own.delayNote() == null ? "" : own.delayNote());
        v.put("companyActions", own.companyActions() == null ? "" : String.join("\n\n", own.companyActions()));
        v.put("securityMeasures", own.securityMeasures() == null ? "" : own.securityMeasures());
        put(v, "contact", f.contact());
        put(v, "dpo", f.dpo());
        if (f.offer() != null) {
            v.put("offer.service", f.offer().service());
            v.put("offer.months", String.valueOf(f.offer().months()));
            v.put("offer.enrolmentUrl", f.offer().enrolmentUrl());
            v.put("offer.enrolBy", f.offer().enrolBy() == null ? "" : f.offer().enrolBy().toString());
        }
        v.put("affectedCount", f.affectedCount() == null ? "" : String.valueOf(f.affectedCount()));
        return new FactsForm(v);
    }

    private static void put(Map<String, String> v, String who, NoticeFacts.Contact c) {
        if (c != null) {
            v.put(who + ".name", c.name() == null ? "" : c.name());
            v.put(who + ".email", c.email() == null ? "" : c.email());
            v.put(who + ".phone", c.phone() == null ? "" : c.phone());
            v.put(who + ".postalAddress", c.postalAddress() == null ? "" : c.postalAddress());
        }
    }

    /** The API's request; what cannot even be read (a date, a number) is added to problems, by field. */
    IncidentResource.Facts request(List<FieldError> problems) {
        OffsetDateTime until = null;
        if (!get("occurredUntil").isEmpty()) {
            try {
                until = LocalDateTime.parse(get("occurredUntil")).atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                problems.add(new FieldError("occurredUntil", "'" + get("occurredUntil") + "' is not a date and time (e.g. 2026-11-20T08:30)"));
            }
        }
        IncidentResource.Offer offer = null;
        if (!(get("offer.service").isEmpty() && get("offer.months").isEmpty() && get("offer.enrolmentUrl").isEmpty())) {
            int months = 0;
            try {
                months = Integer.parseInt(get("offer.months"));
            } catch (NumberFormatException e) {
                problems.add(new FieldError("offer.months", "give the offer's length in whole months (1 to 120)"));
            }
            LocalDate by = null;
            if (!get("offer.enrolBy").isEmpty()) {
                try {
                    by = LocalDate.parse(get("offer.enrolBy"));
                } catch (DateTimeParseException e) {
                    problems.add(new FieldError("offer.enrolBy", "'" + get("offer.enrolBy") + "' is not a date (e.g. 2027-03-31)"));
                }
            }
            offer = new IncidentResource.Offer(get("offer.service"), months, get("offer.enrolmentUrl"), by);
        }
        Long affected = null;
        if (!get("affectedCount").isEmpty()) {
            try {
                affected = Long.parseLong(get("affectedCount").replace(",", "").replace(" ", ""));
            } catch (NumberFormatException e) {
                problems.add(new FieldError("affectedCount", "'" + get("affectedCount") + "' is not a whole number"));
            }
        }
        return new IncidentResource.Facts(until, checked("occurredEstimated"), checked("lawEnforcementDelay"),
                blank(get("delayNote")), paragraphs(get("companyActions")), blank(get("securityMeasures")),
                contact("contact"), contact("dpo"), offer, affected);
    }

    private IncidentResource.ContactPoint contact(String who) {
        String name = get(who + ".name");
        String email = get(who + ".email");
        String phone = get(who + ".phone");
        String address = get(who + ".postalAddress");
        if (name.isEmpty() && email.isEmpty() && phone.isEmpty() && address.isEmpty()) {
            return null;
        }
        return new IncidentResource.ContactPoint(blank(name), blank(email), blank(phone), blank(address));
    }

    /** Paragraphs are separated by an empty line. */
    static List<String> paragraphs(String text) {
        if (text.isBlank()) {
            return null;
        }
        List<String> all = new ArrayList<>(Arrays.stream(text.split("\n\\s*\n")).map(String::strip).filter(p -> !p.isEmpty()).toList());
        return all.size() > 21 ? all.subList(0, 21) : all;
    }

    private static String blank(String value) {
        return value.isEmpty() ? null : value;
    }
}
