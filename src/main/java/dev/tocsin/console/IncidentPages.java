package dev.tocsin.console;

import dev.tocsin.audience.AccountImporter;
import dev.tocsin.audience.UploadConfig;
import dev.tocsin.audience.UploadHistory;
import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Roles;
import dev.tocsin.incident.IncidentResource;
import dev.tocsin.incident.Incidents;
import io.quarkus.qute.Template;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import dev.tocsin.incident.Incident;
import jakarta.ws.rs.FormParam;

import java.io.InputStream;
import java.net.URI;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An incident's pages: open one, read it (deadlines, campaigns, uploads), and upload its affected accounts from
 * the browser: the page's script streams the file as the API takes it, with
 * a progress bar for the bytes sent and then the rows taken in (read from the upload's record while it runs);
 * when done, the accepted and rejected counts and every rejected line, downloadable as CSV. Past uploads, and
 * where a broken one stopped, are listed on the incident page.
 */
@Path("/console/incidents")
@PermitAll
@Blocking
@ConsolePage
@Produces(MediaType.TEXT_HTML)
public class IncidentPages {

    @Inject
    ConsoleAccess access;

    @Inject
    AccountImporter importer;

    @Inject
    UploadConfig config;

    @Inject
    UploadHistory history;

    @Inject
    Incidents incidents;

    @Inject
    AuditContext audit;

    @io.quarkus.qute.Location("console/upload.html")
    Template uploadPage;

    @io.quarkus.qute.Location("console/not-found.html")
    Template notFound;

    @io.quarkus.qute.Location("console/incident.html")
    Template incidentPage;

    @io.quarkus.qute.Location("console/incident-new.html")
    Template incidentNew;

    @Inject
    dev.tocsin.campaign.CampaignService campaigns;

    private boolean incidentExists(String incidentId) {
        try {
            io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> incidents.find(incidentId));
            return true;
        } catch (ApiException e) {
            return false;
        }
    }

    @GET
    @Path("new")
    public Response newIncident() {
        return access.refuse("/console/incidents/new", Roles.OPERATOR).orElseGet(() ->
                Response.ok(access.page(incidentNew).data("problems", List.of()).data("form", new IncidentForm("", "", "", ""))).build());
    }

    /** What the incident form holds (kept when it is shown again with its problems). */
    public record IncidentForm(String title, String description, String occurredAt, String discoveredAt) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response createIncident(@FormParam("title") String title, @FormParam("description") String description,
                                   @FormParam("occurredAt") String occurredAt, @FormParam("discoveredAt") String discoveredAt) {
        var refused = access.refuse("/console/incidents/new", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        IncidentForm form = new IncidentForm(cut(title, 500), cut(description, 20000), cut(occurredAt, 40), cut(discoveredAt, 40));
        List<String> problems = new ArrayList<>();
        if (form.title().isBlank()) {
            problems.add("Give the incident a title (up to 500 characters): it names the breach in every list.");
        }
        OffsetDateTime occurred = time(form.occurredAt(), "When the breach happened", problems);
        OffsetDateTime discovered = time(form.discoveredAt(), "When it was discovered", problems);
        if (problems.isEmpty()) {
            try {
                Incident created = incidents.open(form.title(), form.description().isBlank() ? null : form.description(),
                        occurred, discovered);
                audit.object("incident", created.id);
                return Response.seeOther(URI.create("/console/incidents/" + created.id)).build();
            } catch (ApiException e) {
                problems.add(e.getMessage());
            }
        }
        return Response.status(400).entity(access.page(incidentNew).data("problems", problems).data("form", form)).build();
    }

    @GET
    @Path("{id}")
    public Response incident(@PathParam("id") String id) {
        return access.refuse("/console/incidents/" + id, Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR).orElseGet(() -> {
            Incident incident;
            try {
                incident = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> incidents.find(id));
            } catch (ApiException e) {
                return Response.status(404).entity(access.page(notFound).data("what", "incident " + id)).build();
            }
            return Response.ok(access.page(incidentPage).data("incident", incident)
                    .data("deadlines", incidents.deadlines(incident))
                    .data("campaigns", campaigns.ofIncident(id, 100)).data("uploads", uploads(id))).build();
        });
    }

    @Inject
    dev.tocsin.audience.UploadHistory uploadHistory;

    private List<dev.tocsin.audience.UploadHistory.UploadSummary> uploads(String incidentId) {
        try {
            List<dev.tocsin.audience.UploadHistory.UploadSummary> all = uploadHistory.list(incidentId);
            return all.subList(0, Math.min(all.size(), 20));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("the incident's uploads could not be read", e);
        }
    }

    /** A time from the form's datetime-local field (taken as UTC) or an ISO-8601 offset time. */
    private static OffsetDateTime time(String value, String label, List<String> problems) {
        if (value == null || value.isBlank()) {
            problems.add(label + ": give a date and time.");
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(value).atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                problems.add(label + ": '" + value + "' is not a date and time (e.g. 2026-11-20T08:30).");
                return null;
            }
        }
    }

    private static String cut(String value, int max) {
        String v = value == null ? "" : value.strip();
        return v.length() > max ? v.substring(0, max) : v;
    }

    /**
     * The file itself, as text/csv or application/x-ndjson, sent by the page's script with the CSRF token in the
     * X-CSRF-TOKEN header ({@link ConsoleCsrf} refuses it otherwise). Answers JSON: the upload's id, or what went
     * wrong.
     */
    @POST
    @Path("{incidentId}/accounts")
    @Consumes({"text/csv", "application/x-ndjson"})
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(@PathParam("incidentId") String incidentId, @HeaderParam("Content-Type") String contentType,
                           @HeaderParam("Content-Length") Long length,
                           InputStream body) throws SQLException {
        if (!access.signedIn() || !access.has(Roles.OPERATOR)) {
            return Response.status(access.signedIn() ? 403 : 401).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("message", access.signedIn() ? "Uploading accounts takes the operator role."
                            : "Your session has ended: sign in again, then upload the file.")).build();
        }
        if (!incidentExists(incidentId)) {
            return Response.status(404).type(MediaType.APPLICATION_JSON).entity(Map.of("message", "There is no incident " + incidentId + ".")).build();
        }
        if (length != null && length > config.maxBytes()) {
            return Response.status(413).type(MediaType.APPLICATION_JSON).entity(Map.of("message", "The file is " + length
                    + " bytes; the limit is " + config.maxBytes() + " bytes. Split it and upload the parts.")).build();
        }
        AccountImporter.Format format = AccountImporter.Format.of(contentType);
        try {
            AccountImporter.Result result = importer.importWithinLimit(incidentId, body, format);
            audit.object("incident", incidentId).details("upload " + result.uploadId() + " (" + format + "): "
                    + result.accepted() + " accepted, " + result.rejected() + " rejected");
            return Response.ok(Map.of("uploadId", result.uploadId())).type(MediaType.APPLICATION_JSON).build();
        } catch (AccountImporter.UploadInterrupted e) {
            AccountImporter.Result partial = e.result;
            audit.object("incident", incidentId).details("upload " + partial.uploadId() + " stopped at line "
                    + partial.stoppedAtLine() + ": " + partial.accepted() + " accepted, " + partial.rejected() + " rejected");
            // the page shows the upload's record, which says where it stopped and what was kept
            return Response.ok(Map.of("uploadId", partial.uploadId())).type(MediaType.APPLICATION_JSON).build();
        }
    }

    /**
     * The accounts file from the page's plain form (JavaScript off): multipart/form-data, read as a stream part by
     * part (the file is never written to disk first), its format from the file's type or name. Answers with the
     * upload's report page, as the script does.
     */
    @POST
    @Path("{incidentId}/accounts-file")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response uploadForm(@PathParam("incidentId") String incidentId, @HeaderParam("Content-Type") String contentType,
                               InputStream body) throws SQLException, java.io.IOException {
        Optional<Response> refused = access.refuse("/console/incidents/" + incidentId, Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (!incidentExists(incidentId)) {
            return Response.status(404).entity(access.page(notFound).data("what", "incident " + incidentId)).build();
        }
        Optional<MultipartReader> form = MultipartReader.of(body, contentType);
        Optional<MultipartReader.Part> file = Optional.empty();
        try {
            if (form.isPresent()) {
                for (Optional<MultipartReader.Part> part = form.get().next(); part.isPresent(); part = form.get().next()) {
                    if ("file".equals(part.get().name())) {
                        file = part;
                        break;
                    }
                }
            }
        } catch (java.io.IOException e) {
            file = Optional.empty();
        }
        if (file.isEmpty() || file.get().filename() == null || file.get().filename().isEmpty()) {
            return Response.status(400).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).entity("No file came with the"
                    + " form. Choose the accounts file (CSV or NDJSON), then press Upload again.").build();
        }
        MultipartReader.Part part = file.get();
        String name = part.filename().toLowerCase(java.util.Locale.ROOT);
        AccountImporter.Format format = part.contentType() != null && part.contentType().toLowerCase(java.util.Locale.ROOT)
                .startsWith("application/x-ndjson") || name.endsWith(".ndjson") || name.endsWith(".jsonl")
                ? AccountImporter.Format.NDJSON : AccountImporter.Format.CSV;
        String uploadId;
        try {
            AccountImporter.Result result = importer.importWithinLimit(incidentId, part.content(), format);
            uploadId = result.uploadId();
            audit.object("incident", incidentId).details("upload " + uploadId + " (" + format + ", from the form): "
                    + result.accepted() + " accepted, " + result.rejected() + " rejected");
        } catch (AccountImporter.UploadInterrupted e) {
            uploadId = e.result.uploadId();
            audit.object("incident", incidentId).details("upload " + uploadId + " stopped at line "
                    + e.result.stoppedAtLine() + ": " + e.result.accepted() + " accepted, " + e.result.rejected() + " rejected");
        }
        return Response.seeOther(URI.create("/console/incidents/" + incidentId + "/uploads/" + uploadId)).build();
    }

    /** The newest upload's progress while it runs (rows taken in so far), for the page's progress bar. */
    @GET
    @Path("{incidentId}/uploads/latest.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response latest(@PathParam("incidentId") String incidentId) throws SQLException {
        if (!access.signedIn() || !(access.has(Roles.OPERATOR) || access.has(Roles.AUDITOR))) {
            return Response.status(access.signedIn() ? 403 : 401).build();
        }
        if (!incidentExists(incidentId)) {
            return Response.status(404).build();
        }
        List<UploadHistory.UploadSummary> uploads = history.list(incidentId);
        return Response.ok(uploads.isEmpty() ? Map.of() : uploads.get(0)).type(MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("{incidentId}/uploads/{uploadId}")
    public Response show(@PathParam("incidentId") String incidentId, @PathParam("uploadId") String uploadId) throws SQLException {
        Optional<Response> refused = access.refuse("/console/incidents/" + incidentId + "/uploads/" + uploadId,
                Roles.OPERATOR, Roles.AUDITOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            return Response.ok(access.page(uploadPage).data("incidentId", incidentId)
                    .data("u", history.get(incidentId, uploadId))).build();
        } catch (ApiException e) {
            return Response.status(404).entity(access.page(notFound).data("what", "upload " + uploadId)).build();
        }
    }

    /** The rejected lines as CSV (line, account_id, reason), for whoever fixes the file. */
    @GET
    @Path("{incidentId}/uploads/{uploadId}/errors.csv")
    @Produces("text/csv")
    public Response errors(@PathParam("incidentId") String incidentId, @PathParam("uploadId") String uploadId) throws SQLException {
        Optional<Response> refused = access.refuse("/console/incidents/" + incidentId + "/uploads/" + uploadId,
                Roles.OPERATOR, Roles.AUDITOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        UploadHistory.UploadView view;
        try {
            view = history.get(incidentId, uploadId);
        } catch (ApiException e) {
            return Response.status(404).type(MediaType.TEXT_PLAIN).entity("There is no upload " + uploadId + ".").build();
        }
        StreamingOutput csv = out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write("line,account_id,reason\r\n");
            for (var error : view.errors()) {
                w.write(error.line() + "," + dev.tocsin.common.CsvField.of(error.accountId()) + ","
                        + dev.tocsin.common.CsvField.of(error.reason()) + "\r\n");
            }
            w.flush();
        };
        return Response.ok(csv, "text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"rejected-lines-" + uploadId + ".csv\"").build();
    }

    // ---- the incident's facts and its text per language ----

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
    @Path("{id}/facts")
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
    @Path("{id}/facts")
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
                return Response.ok(factsPage(after, facts, List.of(), noTranslation, List.of(), "The facts are recorded."
                        + " Campaigns not yet launched show them; check their required content again.")).build();
            } catch (ApiException e) {
                problems.addAll(fieldErrors(e));
            }
        }
        return Response.status(400).entity(factsPage(incident.get(), facts, problems, noTranslation, List.of(), null)).build();
    }

    @POST
    @Path("{id}/translations")
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
                        "The text in " + tag + " is recorded: notices in that language show it.")).build();
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

    private static IncidentForm ownForm(Incident i) {
        java.util.function.Function<OffsetDateTime, String> local = t -> t == null ? ""
                : t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().withSecond(0).withNano(0).toString();
        return new IncidentForm(i.title, i.description == null ? "" : i.description, local.apply(i.occurredAt),
                local.apply(i.discoveredAt));
    }

    /** Corrects the incident's own title, description and times (the API's PUT /api/incidents/{id}). */
    @POST
    @Path("{id}/edit")
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
        IncidentForm form = new IncidentForm(cut(title, 500), cut(description, 20000), cut(occurredAt, 40), cut(discoveredAt, 40));
        List<String> problems = new ArrayList<>();
        if (form.title().isBlank()) {
            problems.add("Give the incident a title (up to 500 characters): it names the breach in every list.");
        }
        OffsetDateTime occurred = time(form.occurredAt(), "When the breach happened", problems);
        OffsetDateTime discovered = time(form.discoveredAt(), "When it was discovered", problems);
        Incident i = incident.get();
        FactsForm facts = FactsForm.of(dev.tocsin.template.NoticeFacts.fromStored(i.facts), Incidents.ownText(i));
        if (problems.isEmpty()) {
            try {
                Incident before = i;
                IncidentForm was = ownForm(before);
                Incident after = incidents.edit(id, form.title(), form.description().isBlank() ? null : form.description(),
                        occurred, discovered);
                audit.object("incident", id).details("edited").before(was).after(ownForm(after));
                return Response.ok(factsPage(after, facts, List.of(), translationForm("", null), List.of(),
                        "The incident is corrected; its deadline clocks follow the new times.")).build();
            } catch (ApiException e) {
                problems.add(e.getMessage());
            }
        }
        return Response.status(400).entity(factsPage(i, facts, List.of(), translationForm("", null), List.of(), null)
                .data("own", form).data("ownProblems", problems)).build();
    }
}
