package dev.tocsin.console;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Roles;
import dev.tocsin.incident.Incident;
import dev.tocsin.incident.IncidentResource;
import dev.tocsin.incident.Incidents;
import io.quarkus.qute.Template;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the notices state about an incident, on one page: the incident itself (title, description, times, as
 * corrected), its facts (breach period, delay, what the company did, contact and DPO, the offer, how many) and
 * its text per language. Each form is validated as the API validates it; a refusal names the field and keeps
 * what was typed. Its own root path, so the incident pages' class stays small: /console/incidents/{id}/facts.
 */
@Path("/console/incidents/{id}/facts")
@PermitAll
@Blocking
@ConsolePage
@Produces(MediaType.TEXT_HTML)
public class IncidentFactsPages {

    @Inject
    ConsoleAccess access;

    @Inject
    ConsoleMessages msg;

    @Inject
    Incidents incidents;

    @Inject
    AuditContext audit;

    @io.quarkus.qute.Location("console/not-found.html")
    Template notFound;


    @io.quarkus.qute.Location("console/incident-facts.html")
    Template factsPage;

    @Inject
    jakarta.validation.Validator validator;

    /** The translation form's fields, kept as typed when shown again. */
    public record TranslationForm(String locale, String title, String description, String companyActions, String delayNote,
                                  String securityMeasures) {
    }

    private io.quarkus.qute.TemplateInstance factsPage(Incident incident, FactsForm facts, List<FieldError> factProblems,
                                                      TranslationForm translation, List<FieldError> translationProblems,
                                                      String saved) {
        return access.page(factsPage).data("incident", incident).data("own", ownForm(incident)).data("ownProblems", List.of())
                .data("f", facts).data("factProblems", factProblems)
                .data("t", translation).data("translationProblems", translationProblems)
                .data("translations", incidents.translations(incident.id)).data("saved", saved);
    }

    private static TranslationForm translationForm(String locale, dev.tocsin.template.IncidentText text) {
        return text == null ? new TranslationForm(locale, "", "", "", "", "")
                : new TranslationForm(locale, text.title(), text.description() == null ? "" : text.description(),
                text.companyActions() == null ? "" : String.join("\n\n", text.companyActions()),
                text.delayNote() == null ? "" : text.delayNote(), text.securityMeasures() == null ? "" : text.securityMeasures());
    }

    private Optional<Incident> found(String id) {
        try {
            return Optional.of(io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> incidents.find(id)));
        } catch (ApiException e) {
            return Optional.empty();
        }
    }

    @GET
    @Path("")
    public Response facts(@PathParam("id") String id, @jakarta.ws.rs.QueryParam("locale") String locale) {
        Optional<Response> refused = access.refuse("/console/incidents/" + id + "/facts", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<Incident> incident = found(id);
        if (incident.isEmpty()) {
            return Response.status(404).entity(access.page(notFound).data("what", "incident " + id)).build();
        }
        Incident i = incident.get();
        String tag = locale != null && locale.matches("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}") ? locale : "";
        TranslationForm t = translationForm(tag, tag.isEmpty() ? null : incidents.translations(id).get(tag));
        return Response.ok(factsPage(i, FactsForm.of(dev.tocsin.template.NoticeFacts.fromStored(i.facts), Incidents.ownText(i)),
                List.of(), t, List.of(), null)).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response recordFacts(@PathParam("id") String id, jakarta.ws.rs.core.MultivaluedMap<String, String> form) {
        Optional<Response> refused = access.refuse("/console/incidents/" + id + "/facts", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<Incident> incident = found(id);
        if (incident.isEmpty()) {
            return Response.status(404).entity(access.page(notFound).data("what", "incident " + id)).build();
        }
        FactsForm facts = FactsForm.of(form);
        List<FieldError> problems = new ArrayList<>();
        IncidentResource.Facts request = facts.request(problems);
        validator.validate(request).forEach(v -> problems.add(new FieldError(v.getPropertyPath().toString(), v.getMessage())));
        TranslationForm noTranslation = translationForm("", null);
        if (problems.isEmpty()) {
            try {
                Incident before = incident.get();
                Incident after = incidents.recordFacts(id, request.facts(), request.companyActions(), request.delayNote(),
                        request.securityMeasures());
                audit.object("incident", id).details("facts").before(FactsForm.of(dev.tocsin.template.NoticeFacts
                        .fromStored(before.facts), Incidents.ownText(before)).values()).after(facts.values());
                return Response.ok(factsPage(after, facts, List.of(), noTranslation, List.of(), msg.page_incident_facts_the_facts_are_recorded_campaigns())).build();
            } catch (ApiException e) {
                problems.addAll(fieldErrors(e));
            }
        }
        return Response.status(400).entity(factsPage(incident.get(), facts, problems, noTranslation, List.of(), null)).build();
    }

    @POST
    @Path("translation")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response translate(@PathParam("id") String id, jakarta.ws.rs.core.MultivaluedMap<String, String> form) {
        Optional<Response> refused = access.refuse("/console/incidents/" + id + "/facts", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<Incident> incident = found(id);
        if (incident.isEmpty()) {
            return Response.status(404).entity(access.page(notFound).data("what", "incident " + id)).build();
        }
        java.util.function.BiFunction<String, Integer, String> field = (name, max) -> {
            String v = form.getFirst(name);
            v = v == null ? "" : v.replace("\r\n", "\n").strip();
            return v.length() > max ? v.substring(0, max) : v;
        };
        TranslationForm t = new TranslationForm(field.apply("locale", 36), field.apply("title", 501),
                field.apply("description", 20001), field.apply("companyActions", 45_000), field.apply("delayNote", 2001),
                field.apply("securityMeasures", 4001));
        Incident i = incident.get();
        FactsForm facts = FactsForm.of(dev.tocsin.template.NoticeFacts.fromStored(i.facts), Incidents.ownText(i));
        List<FieldError> problems = new ArrayList<>();
        IncidentResource.Translation request = new IncidentResource.Translation(t.title(),
                t.description().isEmpty() ? null : t.description(), FactsForm.paragraphs(t.companyActions()),
                t.delayNote().isEmpty() ? null : t.delayNote(), t.securityMeasures().isEmpty() ? null : t.securityMeasures());
        validator.validate(request).forEach(v -> problems.add(new FieldError(v.getPropertyPath().toString(), v.getMessage())));
        if (problems.isEmpty()) {
            try {
                String tag = Incidents.localeTag("locale", t.locale());
                Map<String, dev.tocsin.template.IncidentText> before = incidents.translations(id);
                incidents.translate(id, tag, request.text());
                audit.object("incident", id).details("translation " + tag).before(before.get(tag)).after(request);
                return Response.ok(factsPage(i, facts, List.of(), translationForm(tag, request.text()), List.of(),
                        msg.page_incident_facts_translation_recorded(tag))).build();
            } catch (ApiException e) {
                problems.addAll(fieldErrors(e));
            }
        }
        return Response.status(400).entity(factsPage(i, facts, List.of(), t, problems, null)).build();
    }

    private static List<FieldError> fieldErrors(ApiException e) {
        List<FieldError> found = e.details() == null ? List.of()
                : e.details().stream().filter(d -> d instanceof FieldError).map(d -> (FieldError) d).toList();
        return found.isEmpty() ? List.of(new FieldError("", e.getMessage())) : found;
    }

    private static IncidentPages.IncidentForm ownForm(Incident i) {
        java.util.function.Function<OffsetDateTime, String> local = t -> t == null ? ""
                : t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().withSecond(0).withNano(0).toString();
        return new IncidentPages.IncidentForm(i.title, i.description == null ? "" : i.description, local.apply(i.occurredAt),
                local.apply(i.discoveredAt));
    }

    /** Corrects the incident's own title, description and times (the API's PUT /api/incidents/{id}). */
    @POST
    @Path("incident")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response edit(@PathParam("id") String id, @FormParam("title") String title, @FormParam("description") String description,
                         @FormParam("occurredAt") String occurredAt, @FormParam("discoveredAt") String discoveredAt) {
        Optional<Response> refused = access.refuse("/console/incidents/" + id + "/facts", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<Incident> incident = found(id);
        if (incident.isEmpty()) {
            return Response.status(404).entity(access.page(notFound).data("what", "incident " + id)).build();
        }
        IncidentPages.IncidentForm form = new IncidentPages.IncidentForm(IncidentPages.cut(title, 500),
                IncidentPages.cut(description, 20000), IncidentPages.cut(occurredAt, 40), IncidentPages.cut(discoveredAt, 40));
        List<String> problems = new ArrayList<>();
        if (form.title().isBlank()) {
            problems.add(msg.incident_title_missing());
        }
        OffsetDateTime occurred = IncidentPages.time(form.occurredAt(), msg.occurred_at(), problems);
        OffsetDateTime discovered = IncidentPages.time(form.discoveredAt(), msg.discovered_at(), problems);
        Incident i = incident.get();
        FactsForm facts = FactsForm.of(dev.tocsin.template.NoticeFacts.fromStored(i.facts), Incidents.ownText(i));
        if (problems.isEmpty()) {
            try {
                Incident before = i;
                IncidentPages.IncidentForm was = ownForm(before);
                Incident after = incidents.edit(id, form.title(), form.description().isBlank() ? null : form.description(),
                        occurred, discovered);
                audit.object("incident", id).details("edited").before(was).after(ownForm(after));
                return Response.ok(factsPage(after, facts, List.of(), translationForm("", null), List.of(),
                        msg.page_incident_facts_the_incident_is_corrected_its())).build();
            } catch (ApiException e) {
                problems.add(e.getMessage());
            }
        }
        return Response.status(400).entity(factsPage(i, facts, List.of(), translationForm("", null), List.of(), null)
                .data("own", form).data("ownProblems", problems)).build();
    }
}
