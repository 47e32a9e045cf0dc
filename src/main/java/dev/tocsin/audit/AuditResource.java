package dev.tocsin.audit;

import dev.tocsin.common.ApiException;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Read-only view of the audit trail. There is deliberately no endpoint that changes or deletes it. */
@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit")
public class AuditResource {

    @jakarta.inject.Inject
    AuditLog log;

    public record AuditView(long id, OffsetDateTime at, String actor, String action, String objectType, String objectId,
                            String remoteAddress, int outcome, String details, String before, String after) {
        static AuditView of(AuditEvent e) {
            return new AuditView(e.id, e.at, e.actor, e.action, e.objectType, e.objectId, e.remoteAddress, e.outcome,
                    e.details, e.beforeState, e.afterState);
        }
    }

    @GET
    @RolesAllowed({Roles.AUDITOR, Roles.ADMIN})
    @Operation(operationId = "searchAuditTrail", summary = "Search the audit trail", description = "Newest first. Filters: actor, action (substring), objectId, from, to (ISO-8601), limit (max 1000).")
    public List<AuditView> search(@QueryParam("actor") String actor, @QueryParam("action") String action,
                                  @QueryParam("objectId") String objectId, @QueryParam("from") String fromText,
                                  @QueryParam("to") String toText, @QueryParam("limit") @DefaultValue("200") String limitText) {
        // Parsed here rather than by JAX-RS, which answers a malformed query parameter with a bare 404.
        OffsetDateTime from = time("from", fromText);
        OffsetDateTime to = time("to", toText);
        int limit;
        try {
            limit = Integer.parseInt(limitText.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid_query", "limit must be a whole number from 1 to 1000, not '" + limitText + "'.",
                    List.of(new FieldError("limit", "not a whole number")));
        }
        return log.search(actor, action, objectId, from, to, limit).stream().map(AuditView::of).toList();
    }

    private static OffsetDateTime time(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            OffsetDateTime time = OffsetDateTime.parse(text.strip());
            if (time.getYear() < 1900 || time.getYear() > 9999) {
                throw ApiException.badRequest("invalid_query", field + " must be between the years 1900 and 9999, not '"
                        + text + "'.", List.of(new FieldError(field, "outside 1900-9999")));
            }
            return time;
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_query", field + " must be an ISO-8601 time with offset, e.g."
                    + " 2026-11-25T09:00:00Z, not '" + text + "'.", List.of(new FieldError(field, "not an ISO-8601 time")));
        }
    }
}
