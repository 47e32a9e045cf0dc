package dev.tocsin.incident;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.Deadlines;
import dev.tocsin.common.Roles;
import dev.tocsin.template.IncidentText;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import dev.tocsin.template.NoticeFacts;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

@Path("/api/incidents")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Incidents")
public class IncidentResource {

    @Inject
    Incidents incidents;

    @Inject
    AuditContext audit;

    public record CreateIncident(
            @NotBlank @Size(max = 500) String title,
            @Size(max = 20000) String description,
            @NotNull OffsetDateTime occurredAt,
            @NotNull OffsetDateTime discoveredAt,
            /* The title, description and worded facts per locale tag (e.g. "ar", "ja"); the fields above are the set's default language. */
            @Size(max = 50) Map<String, @Valid @NotNull Translation> translations,
            /* What the notices state about the incident (optional here; PUT .../facts later). */
            @Valid Facts facts) {
    }

    /** The incident's text in one language: title, description, and the facts that are words. */
    public record Translation(@NotBlank @Size(max = 500) String title, @Size(max = 20000) String description,
                              @Size(max = 20) List<@NotBlank @Size(max = 2000) String> companyActions,
                              @Size(max = 2000) String delayNote, @Size(max = 4000) String securityMeasures) {
        public IncidentText text() {
            return new IncidentText(title, description, companyActions, delayNote, securityMeasures);
        }
    }

    /** A person or desk recipients can reach. */
    public record ContactPoint(@Size(max = 200) String name, @Size(max = 254) String email, @Size(max = 40) String phone,
                               @Size(max = 500) String postalAddress) {
        NoticeFacts.Contact fact() {
            return new NoticeFacts.Contact(strip(name), strip(email), strip(phone), strip(postalAddress));
        }
    }

    /** A protection service offered free of charge (credit monitoring, identity-theft protection). */
    public record Offer(@NotBlank @Size(max = 200) String service, @Min(1) @Max(120) int months,
                        @NotBlank @Size(max = 2000) String enrolmentUrl, LocalDate enrolBy) {
    }

    /**
     * What the law asks notices to state. occurredUntil and occurredEstimated: the breach period's end, and
     * whether its dates are estimates. lawEnforcementDelay: whether an investigation delayed the notice
     * (delayNote says why, in words). companyActions: what the company did, one paragraph each (no fixed
     * claims are printed otherwise). contact and dpo: where recipients ask (dpo: the data protection officer
     * GDPR Art. 34 and LGPD Art. 48 name). offer: a service offered free, with its enrolment link (on the
     * advisory domain or TOCSIN_LINK_DOMAINS). affectedCount: how many people (Rhode Island notices state it;
     * Illinois notices must not).
     */
    public record Facts(OffsetDateTime occurredUntil, Boolean occurredEstimated, Boolean lawEnforcementDelay,
                        @Size(max = 2000) String delayNote,
                        @Size(max = 20) List<@NotBlank @Size(max = 2000) String> companyActions,
                        @Size(max = 4000) String securityMeasures, @Valid ContactPoint contact, @Valid ContactPoint dpo,
                        @Valid Offer offer, @PositiveOrZero @Max(10_000_000_000L) Long affectedCount) {
        public NoticeFacts facts() {
            return new NoticeFacts(occurredUntil, Boolean.TRUE.equals(occurredEstimated),
                    Boolean.TRUE.equals(lawEnforcementDelay), contact == null ? null : contact.fact(),
                    dpo == null ? null : dpo.fact(), offer == null ? null
                    : new NoticeFacts.Offer(offer.service().strip(), offer.months(), offer.enrolmentUrl().strip(),
                    offer.enrolBy()), affectedCount);
        }
    }

    /** The facts as recorded, with their words in the incident's own language. */
    public record FactsView(NoticeFacts facts, List<String> companyActions, String delayNote, String securityMeasures) {
    }

    public record IncidentView(String id, String title, String description, OffsetDateTime occurredAt,
                               OffsetDateTime discoveredAt, OffsetDateTime createdAt,
                               Map<String, IncidentText> translations, FactsView facts,
                               List<Deadlines.Deadline> deadlines) {
    }

    private IncidentView view(Incident i) {
        return new IncidentView(i.id, i.title, i.description, i.occurredAt, i.discoveredAt, i.createdAt,
                incidents.translations(i.id), factsView(i), incidents.deadlines(i));
    }

    private static FactsView factsView(Incident i) {
        IncidentText own = Incidents.ownText(i);
        return new FactsView(NoticeFacts.fromStored(i.facts), own.companyActions(), own.delayNote(), own.securityMeasures());
    }

    private static String strip(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "createIncident", summary = "Open an incident", description = "Records what happened and when; campaigns and affected accounts hang off it.")
    public Response create(@Valid @NotNull CreateIncident request) {
        Map<String, Translation> given = request.translations() == null ? Map.of() : request.translations();
        Map<String, Translation> translations = new java.util.TreeMap<>();
        given.forEach((tag, t) -> translations.put(Incidents.localeTag("translations." + tag, tag), t));
        Map<String, IncidentText> texts = new java.util.TreeMap<>();
        translations.forEach((tag, t) -> texts.put(tag, t.text()));
        Facts f = request.facts();
        // one transaction: an incident whose translations or facts are refused is not kept half made
        Incident incident = incidents.openWith(request.title(), request.description(), request.occurredAt(),
                request.discoveredAt(), texts, f == null ? null : f.facts(), f == null ? null : f.companyActions(),
                f == null ? null : f.delayNote(), f == null ? null : f.securityMeasures());
        audit.object("incident", incident.id).after(view(incident));
        return Response.status(201).entity(view(incident)).build();
    }

    /** The incident's own title, description and times, as corrected. */
    public record EditIncident(@NotBlank @Size(max = 500) String title, @Size(max = 20000) String description,
                               @NotNull OffsetDateTime occurredAt, @NotNull OffsetDateTime discoveredAt) {
    }

    @PUT
    @Path("{id}")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "editIncident", summary = "Correct the incident's title, description and times",
            description = "What was known changes in the first days. The deadline clocks follow the new times; notices"
                    + " already sent keep the text they had. Translations and facts have their own calls.")
    public IncidentView edit(@PathParam("id") String id, @Valid @NotNull EditIncident request) {
        IncidentView before = view(incidents.find(id));
        IncidentView after = view(incidents.edit(id, request.title(), request.description(), request.occurredAt(),
                request.discoveredAt()));
        audit.object("incident", id).before(before).after(after);
        return after;
    }

    @PUT
    @Path("{id}/translations/{locale}")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "translateIncident", summary = "Give the incident's title and description in one language",
            description = "Notices in that language (and its variants without their own) show this text instead of the incident's own.")
    public IncidentView translate(@PathParam("id") String id, @PathParam("locale") String locale,
                                  @Valid @NotNull Translation request) {
        String tag = Incidents.localeTag("locale", locale);
        Incident incident = incidents.find(id);
        IncidentView before = view(incident);
        incidents.translate(id, tag, request.text());
        IncidentView after = view(incidents.find(id));
        audit.object("incident", id).details("translation " + tag).before(before).after(after);
        return after;
    }

    @PUT
    @Path("{id}/facts")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "recordIncidentFacts", summary = "Record what the notices state about the incident",
            description = "Replaces the recorded facts: breach period, law-enforcement delay, what the company did, contact,"
                    + " data protection officer, offer, number affected. Notices render them in the words of their"
                    + " templates; the approval check refuses a campaign whose readers' law needs a fact not recorded.")
    public IncidentView recordFacts(@PathParam("id") String id, @Valid @NotNull Facts request) {
        IncidentView before = view(incidents.find(id));
        // the incident as the transaction left it (a find() here could return this request's copy from before)
        IncidentView after = view(incidents.recordFacts(id, request.facts(), request.companyActions(), request.delayNote(),
                request.securityMeasures()));
        audit.object("incident", id).details("facts").before(before).after(after);
        return after;
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR})
    @Operation(operationId = "getIncident", summary = "Read an incident", description = "With its deadline clocks (regulator, individuals): due when, and whether the notices were out in time.")
    public IncidentView get(@PathParam("id") String id) {
        return view(incidents.find(id));
    }

}
