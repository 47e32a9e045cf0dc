package dev.tocsin.audit;

import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.util.Set;

/**
 * Writes one audit line for every state-changing API request, whatever its outcome (refusals included):
 * who, what, which object, when, from where, and before/after when the handler supplied them.
 */
public class AuditFilter {

    private static final Set<String> READ_ONLY = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    AuditLog log;

    @Inject
    AuditContext context;

    @Inject
    SecurityIdentity identity;

    @Inject
    HttpServerRequest http;

    /** "campaigns" -> "campaign", so path-derived types match the ones handlers set. */
    private static String singular(String segment) {
        return segment.endsWith("s") ? segment.substring(0, segment.length() - 1) : segment;
    }

    /** Console POSTs that change nothing (the wizard's "Count again" without JavaScript) are not in the trail. */
    private static final java.util.Set<String> NOT_CHANGES = java.util.Set.of("/console/campaigns/new");

    @ServerResponseFilter
    public void audit(ContainerRequestContext request, ContainerResponseContext response) {
        String method = request.getMethod();
        String requested = request.getUriInfo().getPath();
        // The console's forms do what the API does and are audited as the API call they stand for (sign-in and
        // sign-out are audited where they happen).
        boolean console = requested.startsWith("/console/") && !requested.equals("/console/login")
                && !requested.equals("/console/logout") && !NOT_CHANGES.contains(requested);
        if (READ_ONLY.contains(method) || !(requested.startsWith("/api/") || requested.startsWith("/webhooks/") || console)) {
            return;
        }
        String path = console ? "/api" + requested.substring("/console".length()).replaceFirst("^/support/deliveries/", "/deliveries/")
                : requested;
        String actor;
        try {
            actor = identity.isAnonymous() ? null : identity.getPrincipal().getName();
        } catch (RuntimeException authenticationFailed) {
            actor = null; // bad credentials: the identity provider already audited the attempt
        }
        String address = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        String objectId = context.objectId();
        String objectType = context.objectType();
        if (objectId == null) {
            // Fall back to the path: /api/campaigns/{id}/launch names its object.
            String[] parts = path.split("/");
            if (parts.length > 2) {
                objectType = singular(parts[2]);
            }
            if (parts.length > 3) {
                objectId = parts[3];
            }
        }
        String details = context.details();
        if (console) {
            details = details == null ? "from the console" : details + " (from the console)";
        }
        log.record(actor, method + " " + path, objectType, objectId, address, response.getStatus(), details,
                context.beforeState(), context.afterState());
    }
}
