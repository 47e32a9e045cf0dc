package dev.tocsin.console;

import dev.tocsin.audience.AccountImporter;
import dev.tocsin.audience.UploadConfig;
import dev.tocsin.audience.UploadHistory;
import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Roles;
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
    ConsoleMessages msg;

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
            problems.add(msg.incident_title_missing());
        }
        OffsetDateTime occurred = time(form.occurredAt(), msg.occurred_at(), problems);
        OffsetDateTime discovered = time(form.discoveredAt(), msg.discovered_at(), problems);
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
    static OffsetDateTime time(String value, String label, List<String> problems) {
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

    static String cut(String value, int max) {
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
                    .entity(Map.of("message", access.signedIn() ? msg.page_incident_uploading_accounts_takes_the_operator()
                            : msg.page_incident_your_session_has_ended_sign())).build();
        }
        if (!incidentExists(incidentId)) {
            return Response.status(404).type(MediaType.APPLICATION_JSON).entity(Map.of("message", msg.page_no_such("incident " + incidentId))).build();
        }
        if (length != null && length > config.maxBytes()) {
            return Response.status(413).type(MediaType.APPLICATION_JSON).entity(Map.of("message", msg.page_incident_file_too_large(Long.toString(length), Long.toString(config.maxBytes())))).build();
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
            return Response.status(400).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).entity(msg.page_incident_no_file_came_with_the()).build();
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
            return Response.status(404).type(MediaType.TEXT_PLAIN).entity(msg.page_no_such("upload " + uploadId)).build();
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
}
