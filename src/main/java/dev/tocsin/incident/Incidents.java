package dev.tocsin.incident;

import dev.tocsin.common.ApiException;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Ids;
import dev.tocsin.common.Deadlines;
import dev.tocsin.template.IncidentText;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;

/** Opening incidents, and finding them as other features need them: found, or a 404 that names the id. */
@ApplicationScoped
public class Incidents {

    /** Opens an incident after checking its times are plausible (from 1970 on, discovered after it occurred). */
    @Transactional
    public Incident open(String title, String description, OffsetDateTime occurredAt, OffsetDateTime discoveredAt) {
        checkTimes(occurredAt, discoveredAt);
        Incident incident = new Incident();
        incident.id = Ids.newId();
        incident.title = title.strip();
        incident.description = description;
        incident.occurredAt = occurredAt;
        incident.discoveredAt = discoveredAt;
        incident.createdAt = OffsetDateTime.now();
        incident.persist();
        return incident;
    }

    /**
     * Corrects the incident's own title, description and times (what was known changes in the first days). The
     * deadline clocks follow the new times; notices already sent keep the text they had (their hash proves it).
     */
    @Transactional
    public Incident edit(String id, String title, String description, OffsetDateTime occurredAt, OffsetDateTime discoveredAt) {
        Incident incident = find(id);
        checkTimes(occurredAt, discoveredAt);
        incident.title = title.strip();
        incident.description = description;
        incident.occurredAt = occurredAt;
        incident.discoveredAt = discoveredAt;
        return incident;
    }

    private static void checkTimes(OffsetDateTime occurredAt, OffsetDateTime discoveredAt) {
        List<FieldError> times = new java.util.ArrayList<>();
        String occurred = dev.tocsin.common.TimeWindow.problem(occurredAt);
        String discovered = dev.tocsin.common.TimeWindow.problem(discoveredAt);
        if (occurred != null) {
            times.add(new FieldError("occurredAt", occurred));
        }
        if (discovered != null) {
            times.add(new FieldError("discoveredAt", discovered));
        } else if (discoveredAt.isAfter(OffsetDateTime.now().plusDays(1))) {
            times.add(new FieldError("discoveredAt", "is in the future"));
        }
        if (!times.isEmpty()) {
            throw ApiException.badRequest("invalid_request", "The incident's times are not plausible: "
                    + times.stream().map(f -> f.field() + " " + f.reason()).reduce((a, b) -> a + "; " + b).orElse("") + ".", times);
        }
        if (discoveredAt.isBefore(occurredAt)) {
            throw ApiException.badRequest("invalid_request", "discoveredAt cannot be before occurredAt.",
                    List.of(new FieldError("discoveredAt", "before occurredAt")));
        }
    }

    /**
     * Opens an incident with its translations and facts, all or nothing: a refused translation or fact leaves
     * no incident behind.
     */
    @Transactional
    public Incident openWith(String title, String description, OffsetDateTime occurredAt, OffsetDateTime discoveredAt,
                             java.util.Map<String, IncidentText> translations, dev.tocsin.template.NoticeFacts facts,
                             List<String> companyActions, String delayNote, String securityMeasures) {
        Incident incident = open(title, description, occurredAt, discoveredAt);
        translations.forEach((tag, text) -> translate(incident.id, tag, text));
        if (facts != null) {
            recordFacts(incident.id, facts, companyActions, delayNote, securityMeasures);
        }
        return incident;
    }

    /** Each campaign took its last notice's time as it completed (V37): no delivery is read. */
    static final String LAST_NOTICE = "SELECT MAX(c.last_notice_sent_at),"
            + " (SELECT COUNT(*) FROM campaign w WHERE w.incident_id = ? AND w.status IN ('RUNNING', 'PAUSED', 'SCHEDULED'))"
            + " FROM campaign c WHERE c.incident_id = ? AND c.status = 'COMPLETED'";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Deadlines deadlines;

    /**
     * The incident's deadline clocks: met when the last notice of its completed campaigns went out in time,
     * with none still running, paused or scheduled.
     */
    public List<Deadlines.Deadline> deadlines(Incident incident) {
        OffsetDateTime last = null;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LAST_NOTICE)) {
            ps.setString(1, incident.id);
            ps.setString(2, incident.id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(2) == 0) {
                    last = rs.getObject(1, OffsetDateTime.class);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the incident's notices could not be read", e);
        }
        return deadlines.of(incident.discoveredAt, last, OffsetDateTime.now());
    }

    /** The incident's title and description per locale tag. */
    public java.util.Map<String, IncidentText> translations(String incidentId) {
        java.util.Map<String, IncidentText> found = new java.util.TreeMap<>();
        IncidentTranslation.<IncidentTranslation>list("key.incidentId", incidentId)
                .forEach(t -> found.put(t.key.locale, words(t.words).withTitle(t.title, t.description)));
        return found;
    }

    /** The incident's own text: the template set's default language. */
    public static IncidentText ownText(Incident incident) {
        return words(incident.words).withTitle(incident.title, incident.description);
    }

    /**
     * Checks a locale tag a translation is given for: a well-formed BCP 47 tag with a language (ar, pt-BR),
     * returned in its canonical case; or an ApiException naming the field.
     */
    public static String localeTag(String field, String tag) {
        String canonical = null;
        if (tag != null && tag.length() <= 35) {
            try {
                java.util.Locale locale = new java.util.Locale.Builder().setLanguageTag(tag.strip()).build();
                canonical = locale.getLanguage().isEmpty() ? null : locale.toLanguageTag();
            } catch (java.util.IllformedLocaleException e) {
                canonical = null;
            }
        }
        if (canonical == null) {
            throw ApiException.badRequest("invalid_request", "'" + tag + "' is not a language tag (e.g. ar, ja, pt-BR).",
                    List.of(new FieldError(field, "not a BCP 47 language tag")));
        }
        return canonical;
    }

    /** Adds or replaces the incident's text in one locale. */
    @Transactional
    public void translate(String incidentId, String locale, IncidentText text) {
        find(incidentId);
        IncidentFactsRules.checkActionsFit("translations." + locale + ".companyActions", text.companyActions());
        IncidentTranslation t = IncidentTranslation.findById(new IncidentTranslation.Key(incidentId, locale));
        boolean created = t == null;
        if (created) {
            t = new IncidentTranslation();
            t.key = new IncidentTranslation.Key(incidentId, locale);
        }
        t.title = text.title().strip();
        t.description = text.description();
        t.words = words(t.words);
        t.words.set(text.companyActions(), text.delayNote(), text.securityMeasures());
        if (created) {
            t.persist();
        }
    }

    @Inject
    IncidentFactsRules factsRules;

    /**
     * Records what the notices state about the incident (replacing what was recorded): the facts, and their
     * words in the incident's own language. Refused, with every field at fault, when a fact is implausible or
     * an offer's enrolment link leads outside the domains notices may link to.
     */
    @Transactional
    public Incident recordFacts(String incidentId, dev.tocsin.template.NoticeFacts facts, List<String> companyActions,
                                String delayNote, String securityMeasures) {
        Incident incident = find(incidentId);
        factsRules.check(incident, facts);
        IncidentFactsRules.checkActionsFit("facts.companyActions", companyActions);
        incident.facts = facts.equals(dev.tocsin.template.NoticeFacts.NONE) ? null : facts.toStored();
        incident.words = words(incident.words);
        incident.words.set(companyActions, delayNote, securityMeasures);
        return incident;
    }

    /** Hibernate leaves an embedded value null when all its columns are: none recorded is no words. */
    private static WordedFacts words(WordedFacts words) {
        return words == null ? new WordedFacts() : words;
    }

    /** The newest incidents (the console's home), newest first. */
    public List<Incident> recent(int limit) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() ->
                Incident.<Incident>find("order by createdAt desc").page(0, limit).list());
    }

    public Incident find(String id) {
        Incident incident = Incident.findById(id);
        if (incident == null) {
            throw ApiException.notFound("incident", id);
        }
        return incident;
    }
}
