package dev.tocsin.console;

import dev.tocsin.campaign.CampaignEvents;
import dev.tocsin.common.Roles;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The campaign's event stream for the console's chart: the same snapshots as GET /api/campaigns/{id}/events (one a
 * second, counts and notices settled per second, the last one says finished), behind the console's session.
 */
@Path("/console/campaigns/{id}/events")
@jakarta.annotation.security.PermitAll // the console's own check below: a page, not an API endpoint
public class CampaignEventPages {

    @Inject
    ConsoleAccess access;

    @Inject
    CampaignEvents events;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @io.smallrye.common.annotation.Blocking // looks the campaign up before the stream starts
    public Multi<String> follow(@PathParam("id") String id) {
        if (!access.signedIn()) {
            throw new WebApplicationException(401);
        }
        if (!(access.has(Roles.OPERATOR) || access.has(Roles.APPROVER) || access.has(Roles.AUDITOR))) {
            throw new WebApplicationException(403);
        }
        // a campaign that does not exist is a 404 (ApiException) before the stream starts
        return events.follow(id);
    }
}
