package dev.tocsin.incident;

import dev.tocsin.common.ApiException;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Ids;
import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
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
    AuditContext audit;

    public record CreateIncident(
            @NotBlank @Size(max = 500) String title,
            @Size(max = 20000) String description,
            @NotNull OffsetDateTime occurredAt,
            @NotNull OffsetDateTime discoveredAt) {
    }

    public record IncidentView(String id, String title, String description, OffsetDateTime occurredAt,
                               OffsetDateTime discoveredAt, OffsetDateTime createdAt) {
        static IncidentView of(Incident i) {
            return new IncidentView(i.id, i.title, i.description, i.occurredAt, i.discoveredAt, i.createdAt);
        }
    }

    @POST
    @Transactional
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "createIncident", summary = "Open an incident", description = "Records what happened and when; campaigns and affected accounts hang off it.")
    public Response create(@Valid @NotNull CreateIncident request) {
        List<FieldError> times = new java.util.ArrayList<>();
        String occurred = dev.tocsin.common.TimeWindow.problem(request.occurredAt());
        String discovered = dev.tocsin.common.TimeWindow.problem(request.discoveredAt());
        if (occurred != null) {
            times.add(new FieldError("occurredAt", occurred));
        }
        if (discovered != null) {
            times.add(new FieldError("discoveredAt", discovered));
        } else if (request.discoveredAt().isAfter(OffsetDateTime.now().plusDays(1))) {
            times.add(new FieldError("discoveredAt", "is in the future"));
        }
        if (!times.isEmpty()) {
            throw ApiException.badRequest("invalid_request", "The incident's times are not plausible: "
                    + times.stream().map(f -> f.field() + " " + f.reason()).reduce((a, b) -> a + "; " + b).orElse("") + ".", times);
        }
        if (request.discoveredAt().isBefore(request.occurredAt())) {
            throw ApiException.badRequest("invalid_request", "discoveredAt cannot be before occurredAt.",
                    List.of(new FieldError("discoveredAt", "before occurredAt")));
        }
        Incident incident = new Incident();
        incident.id = Ids.newId();
        incident.title = request.title().strip();
        incident.description = request.description();
        incident.occurredAt = request.occurredAt();
        incident.discoveredAt = request.discoveredAt();
        incident.createdAt = OffsetDateTime.now();
        incident.persist();
        audit.object("incident", incident.id).after(IncidentView.of(incident));
        return Response.status(201).entity(IncidentView.of(incident)).build();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR})
    @Operation(operationId = "getIncident", summary = "Read an incident")
    public IncidentView get(@PathParam("id") String id) {
        return IncidentView.of(find(id));
    }

    public static Incident find(String id) {
        Incident incident = Incident.findById(id);
        if (incident == null) {
            throw ApiException.notFound("incident", id);
        }
        return incident;
    }
}
