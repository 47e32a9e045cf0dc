package dev.tocsin.template;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * What the law asks a notice to state about the incident beyond its text, as the operator recorded it: the
 * end of the breach period and whether its dates are estimated, whether a law-enforcement investigation
 * delayed the notice, who to contact (and the data protection officer), the protection service offered and
 * how many people were affected. Shared by every notice of the incident; the wording around each fact is
 * the template's. The text facts (what the company did, why the notice was delayed, the security measures)
 * are per language in {@link IncidentText}.
 */
public record NoticeFacts(OffsetDateTime occurredUntil, boolean occurredEstimated, boolean lawEnforcementDelay,
                          Contact contact, Contact dpo, Offer offer, Long affectedCount) {

    public static final NoticeFacts NONE = new NoticeFacts(null, false, false, null, null, null, null);

    /** A person or desk a recipient can reach: any part may be missing, but not all. */
    public record Contact(String name, String email, String phone, String postalAddress) {
    }

    /** A protection service offered free of charge: what, for how long, where and by when to enrol. */
    public record Offer(String service, int months, String enrolmentUrl, LocalDate enrolBy) {
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);

    /** The facts as stored on the incident (null or blank: none recorded). */
    public static NoticeFacts fromStored(String json) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        try {
            return JSON.readValue(json, NoticeFacts.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the incident's stored facts cannot be read", e);
        }
    }

    public String toStored() {
        try {
            return JSON.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
