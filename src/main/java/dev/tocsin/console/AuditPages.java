package dev.tocsin.console;

import dev.tocsin.audit.AuditLog;
import dev.tocsin.common.Roles;
import io.quarkus.qute.Template;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The audit trail for auditors and admins: filter by actor, action or object; each entry opens to its before/after. */
@Path("/console/audit")
@PermitAll
@Blocking
@ConsolePage
@Produces(MediaType.TEXT_HTML)
public class AuditPages {

    @Inject
    ConsoleAccess access;

    @Inject
    AuditLog audit;

    @io.quarkus.qute.Location("console/audit.html")
    Template page;

    @GET
    public Response list(@QueryParam("actor") String actor, @QueryParam("action") String action,
                         @QueryParam("objectId") String objectId) {
        return access.refuse("/console/audit", Roles.AUDITOR, Roles.ADMIN).orElseGet(() ->
                Response.ok(access.page(page).data("actor", clean(actor)).data("action", clean(action))
                        .data("objectId", clean(objectId))
                        .data("events", audit.search(clean(actor), clean(action), clean(objectId), null, null, 200))).build());
    }

    private static String clean(String value) {
        if (value == null || value.isBlank()) {
            return "";
        }
        String v = value.strip();
        return v.length() > 300 ? v.substring(0, 300) : v;
    }
}
