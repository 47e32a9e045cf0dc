package dev.tocsin.incident;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.Deadlines;
import dev.tocsin.common.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.util.List;

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
            @NotNull OffsetDateTime discoveredAt) {
    }

    public record IncidentView(String id, String title, String description, OffsetDateTime occurredAt,
                               OffsetDateTime discoveredAt, OffsetDateTime createdAt,
                               List<Deadlines.Deadline> deadlines) {
    }

    private IncidentView view(Incident i) {
        return new IncidentView(i.id, i.title, i.description, i.occurredAt, i.discoveredAt, i.createdAt,
                incidents.deadlines(i));
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "createIncident", summary = "Open an incident", description = "Records what happened and when; campaigns and affected accounts hang off it.")
    public Response create(@Valid @NotNull CreateIncident request) {
        Incident incident = incidents.open(request.title(), request.description(), request.occurredAt(),
                request.discoveredAt());
        audit.object("incident", incident.id).after(view(incident));
        return Response.status(201).entity(view(incident)).build();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR})
    @Operation(operationId = "getIncident", summary = "Read an incident", description = "With its deadline clocks (regulator, individuals): due when, and whether the notices were out in time.")
    public IncidentView get(@PathParam("id") String id) {
        return view(incidents.find(id));
    }

}
