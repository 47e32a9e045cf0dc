package dev.tocsin.incident;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.Deadlines;
import dev.tocsin.common.Roles;
import dev.tocsin.template.IncidentText;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
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
            /* The title and description per locale tag (e.g. "ar", "ja"); the fields above are the set's default language. */
            @Size(max = 50) Map<String, @Valid @NotNull Translation> translations) {
    }

    /** The incident's title and description in one language. */
    public record Translation(@NotBlank @Size(max = 500) String title, @Size(max = 20000) String description) {
    }

    public record IncidentView(String id, String title, String description, OffsetDateTime occurredAt,
                               OffsetDateTime discoveredAt, OffsetDateTime createdAt,
                               Map<String, IncidentText> translations, List<Deadlines.Deadline> deadlines) {
    }

    private IncidentView view(Incident i) {
        return new IncidentView(i.id, i.title, i.description, i.occurredAt, i.discoveredAt, i.createdAt,
                incidents.translations(i.id), incidents.deadlines(i));
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "createIncident", summary = "Open an incident", description = "Records what happened and when; campaigns and affected accounts hang off it.")
    public Response create(@Valid @NotNull CreateIncident request) {
        Map<String, Translation> given = request.translations() == null ? Map.of() : request.translations();
        Map<String, Translation> translations = new java.util.TreeMap<>();
        given.forEach((tag, t) -> translations.put(Incidents.localeTag("translations." + tag, tag), t));
        Incident incident = incidents.open(request.title(), request.description(), request.occurredAt(),
                request.discoveredAt());
        translations.forEach((tag, t) -> incidents.translate(incident.id, tag, t.title(), t.description()));
        audit.object("incident", incident.id).after(view(incident));
        return Response.status(201).entity(view(incident)).build();
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
        incidents.translate(id, tag, request.title(), request.description());
        IncidentView after = view(incidents.find(id));
        audit.object("incident", id).details("translation " + tag).before(before).after(after);
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
