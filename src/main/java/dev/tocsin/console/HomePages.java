package dev.tocsin.console;

import dev.tocsin.audit.AuditLog;
import dev.tocsin.campaign.CampaignService;
import dev.tocsin.campaign.CampaignView;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Roles;
import dev.tocsin.incident.Incident;
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

import java.net.URI;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The console's home (open incidents with their deadline clocks, campaigns with their progress, what waits for
 * my approval, recent audit events) and the incident pages.
 */
@Path("/console")
@PermitAll
@Blocking
@ConsolePage
@Produces(MediaType.TEXT_HTML)
public class HomePages {

    @Inject
    ConsoleAccess access;

    @Inject
    Incidents incidents;

    @Inject
    CampaignService campaigns;

    @Inject
    AuditLog audit;

    @Inject
    dev.tocsin.audit.AuditContext auditContext;

    @io.quarkus.qute.Location("console/home.html")
    Template home;

    @io.quarkus.qute.Location("console/incident.html")
    Template incidentPage;

    @io.quarkus.qute.Location("console/incident-new.html")
    Template incidentNew;

    @io.quarkus.qute.Location("console/not-found.html")
    Template notFound;

    /** An incident on the home page: its deadline clocks. */
    public record IncidentRow(Incident incident, List<dev.tocsin.common.Deadlines.Deadline> deadlines) {
    }

    @GET
    public Response home() {
        return access.refuse("/console").orElseGet(() -> {
            List<IncidentRow> rows = incidents.recent(20).stream()
                    .map(i -> new IncidentRow(i, incidents.deadlines(i))).toList();
            List<CampaignView> recent = campaigns.recent(20);
            List<CampaignView> waiting = access.has(Roles.APPROVER) ? recent.stream()
                    .filter(c -> c.status().equals("DRAFT") && !access.user().equals(c.createdBy())
                            && !access.user().equals(c.lastEditedBy())).toList() : List.of();
            return Response.ok(access.page(home).data("incidents", rows).data("campaigns", recent)
                    .data("waiting", waiting).data("audit", access.has(Roles.AUDITOR) || access.has(Roles.ADMIN)
                            ? audit.recent(10) : List.of())).build();
        });
    }

    @GET
    @Path("incidents/new")
    public Response newIncident() {
        return access.refuse("/console/incidents/new", Roles.OPERATOR).orElseGet(() ->
                Response.ok(access.page(incidentNew).data("problems", List.of()).data("form", new IncidentForm("", "", "", ""))).build());
    }

    /** What the incident form holds (kept when it is shown again with its problems). */
    public record IncidentForm(String title, String description, String occurredAt, String discoveredAt) {
    }

    @POST
    @Path("incidents")
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
                auditContext.object("incident", created.id);
                return Response.seeOther(URI.create("/console/incidents/" + created.id)).build();
            } catch (ApiException e) {
                problems.add(e.getMessage());
            }
        }
        return Response.status(400).entity(access.page(incidentNew).data("problems", problems).data("form", form)).build();
    }

    @GET
    @Path("incidents/{id}")
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
                    .data("campaigns", campaigns.ofIncident(id, 100))).build();
        });
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
}
