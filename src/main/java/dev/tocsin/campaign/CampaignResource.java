package dev.tocsin.campaign;

import dev.tocsin.audience.AudienceQuery;
import dev.tocsin.delivery.DeliveryStats;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
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

import java.sql.SQLException;
import java.util.Map;

@Path("/api/campaigns")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Campaigns")
public class CampaignResource {

    @Inject
    CampaignService campaigns;

    @Inject
    DeliveryStats stats;

    public record ApproveRequest(@Size(max = 2000) String comment) {
    }

    public record StatsView(String status, long total, Map<String, Long> byStatus,
                            Map<String, Map<String, Long>> byChannel, long unreachable) {
    }

    @POST
    @Operation(summary = "Create a campaign", description = "A DRAFT campaign: which template set, channels and segment of an incident's affected accounts.")
    public Response create(@Valid @NotNull CampaignRequest request) {
        return Response.status(201).entity(CampaignView.of(campaigns.create(request))).build();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Read a campaign")
    public CampaignView get(@PathParam("id") String id) {
        return QuarkusTransaction.requiringNew().call(() -> CampaignView.of(campaigns.find(id)));
    }

    @GET
    @Path("{id}/audience")
    @Operation(summary = "Size the audience", description = "Accounts the segment matches, by channel and locale, with a masked sample.")
    public AudienceQuery.Audience audience(@PathParam("id") String id) throws SQLException {
        return QuarkusTransaction.requiringNew().call(() -> campaigns.audience(id));
    }

    @POST
    @Path("{id}/approve")
    @Operation(summary = "Approve a draft campaign")
    public CampaignView approve(@PathParam("id") String id, @Valid ApproveRequest request) {
        return CampaignView.of(campaigns.approve(id, request == null ? null : request.comment()));
    }

    @POST
    @Path("{id}/launch")
    @Operation(summary = "Launch an approved campaign", description = "Creates every delivery with one set-based statement per channel and starts sending. 409 unless APPROVED.")
    public CampaignView launch(@PathParam("id") String id) {
        return CampaignView.of(campaigns.launch(id));
    }

    @POST
    @Path("{id}/pause")
    @Operation(summary = "Pause a running campaign", description = "Workers stop claiming its deliveries; sends in flight finish.")
    public CampaignView pause(@PathParam("id") String id) {
        return CampaignView.of(campaigns.pause(id));
    }

    @POST
    @Path("{id}/resume")
    @Operation(summary = "Resume a paused campaign")
    public CampaignView resume(@PathParam("id") String id) {
        return CampaignView.of(campaigns.resume(id));
    }

    @POST
    @Path("{id}/cancel")
    @Operation(summary = "Cancel a campaign", description = "Every delivery not yet sent becomes cancelled; nothing more goes out.")
    public CampaignView cancel(@PathParam("id") String id) {
        return CampaignView.of(campaigns.cancel(id));
    }

    @GET
    @Path("{id}/stats")
    @Operation(summary = "Delivery counts", description = "By status and by channel, counted from confirmed outcomes.")
    public StatsView stats(@PathParam("id") String id) throws SQLException {
        Campaign c = QuarkusTransaction.requiringNew().call(() -> campaigns.find(id));
        DeliveryStats.Counts counts = stats.count(id, c.channelList());
        return new StatsView(c.status.name(), counts.total(), counts.byStatus(), counts.byChannel(),
                c.unreachable == null ? 0 : c.unreachable);
    }
}
