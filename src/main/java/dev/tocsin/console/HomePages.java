package dev.tocsin.console;

import dev.tocsin.audit.AuditLog;
import dev.tocsin.campaign.CampaignService;
import dev.tocsin.campaign.CampaignView;
import dev.tocsin.common.Roles;
import dev.tocsin.incident.Incident;
import dev.tocsin.incident.Incidents;
import io.quarkus.qute.Template;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * The console's home: open incidents with their deadline clocks, campaigns with their status, what waits for my
 * approval, recent audit events.
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

    @io.quarkus.qute.Location("console/home.html")
    Template home;

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

}
