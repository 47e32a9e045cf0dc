package dev.tocsin.campaign;

import dev.tocsin.audience.AudienceQuery;
import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.PUT;
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
    CampaignTemplateUploads uploads;

    @Inject
    CampaignService campaigns;

    @Inject
    DeliveryStats stats;

    @Inject
    CampaignPreview previews;

    @Inject
    CampaignTestSend testSends;

    @Inject
    SecurityIdentity identity;

    @Inject
    AuditContext audit;

    private String user() {
        return identity.getPrincipal().getName();
    }

    private CampaignView audited(String id, CampaignView before, Campaign after) {
        CampaignView view = CampaignView.of(after);
        audit.object("campaign", id).before(before).after(view);
        return view;
    }

    /** Runs a lifecycle step and audits the campaign as it was before and after. */
    private CampaignView change(String id, java.util.function.Function<String, Campaign> step) {
        CampaignView before = current(id);
        return audited(id, before, step.apply(id));
    }

    private CampaignView current(String id) {
        return QuarkusTransaction.requiringNew().call(() -> CampaignView.of(campaigns.find(id)));
    }

    public record ApproveRequest(@Size(max = 2000) String comment) {
    }

    public record StatsView(String status, long total, Map<String, Long> byStatus,
                            Map<String, Map<String, Long>> byChannel, long unreachable) {
    }

    @POST
    @Operation(operationId = "createCampaign", summary = "Create a campaign", description = "A DRAFT campaign: which template set, channels and segment of an incident's affected accounts.")
    @RolesAllowed(Roles.OPERATOR)
    public Response create(@Valid @NotNull CampaignRequest request) {
        Campaign c = campaigns.create(request, user());
        return Response.status(201).entity(audited(c.id, null, c)).build();
    }

    @PUT
    @Path("{id}")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "updateCampaign", summary = "Edit a campaign before launch", description = "Same body as create. Editing an APPROVED campaign withdraws its approval (status back to DRAFT).")
    public CampaignView edit(@PathParam("id") String id, @Valid @NotNull CampaignRequest request) {
        CampaignView before = current(id);
        return audited(id, before, campaigns.edit(id, request, user()));
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getCampaign", summary = "Read a campaign")
    @RolesAllowed({Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR})
    public CampaignView get(@PathParam("id") String id) {
        return QuarkusTransaction.requiringNew().call(() -> CampaignView.of(campaigns.find(id)));
    }

    @GET
    @Path("{id}/audience")
    @Operation(operationId = "sizeCampaignAudience", summary = "Size the audience", description = "Accounts the segment matches, by channel and locale, with a masked sample.")
    @RolesAllowed({Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR})
    public AudienceQuery.Audience audience(@PathParam("id") String id) throws SQLException {
        return QuarkusTransaction.requiringNew().call(() -> campaigns.audience(id));
    }

    @PUT
    @Path("{id}/templates/{locale}/{part}")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "uploadCampaignTemplate", summary = "Upload a campaign-specific template part",
            description = "The body is the Qute source of one part (email-subject.txt, email.html, email.txt, sms.txt,"
                    + " push-title.txt, push.txt) for one locale, laid over the campaign's library set. Refused with the"
                    + " file, line and column of a syntax error, or when it reaches for anything a notice is not given."
                    + " Only before launch; an approved campaign goes back to DRAFT and needs a new approval.")
    public CampaignTemplateUploads.TemplateUpload putTemplate(@PathParam("id") String id, @PathParam("locale") String locale,
                                                      @PathParam("part") String part, String source) {
        CampaignView before = current(id);
        CampaignTemplateUploads.TemplateUpload upload = uploads.putTemplate(id, locale, part, source, user());
        audit.object("campaign", id).before(before).after(Map.of("template", locale + "/" + part,
                "templatesVersion", upload.templatesVersion(), "status", upload.status(),
                "approvalWithdrawn", upload.approvalWithdrawn()));
        return upload;
    }

    @POST
    @Path("{id}/preview")
    @RolesAllowed({Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR})
    @Operation(operationId = "previewCampaignNotice", summary = "Render the notice as a recipient would get it",
            description = "Body {\"locale\", \"accountId\"}, both optional: an affected account of the incident (its name,"
                    + " time zone, exposed data and locale) or a synthetic sample; locale overrides the account's. Returns the"
                    + " resolved locale, the email (subject, HTML, text), the SMS with its encoding and segment count, and the"
                    + " push title and body. The verification reference is the placeholder TCS-PREVW-00000.")
    public CampaignPreview.Preview preview(@PathParam("id") String id, CampaignPreview.PreviewRequest request) {
        return previews.preview(id, request);
    }

    @POST
    @Path("{id}/test-send")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "sendTestNotice", summary = "Send the notice to test addresses only",
            description = "Body {\"emails\": [], \"phones\": [], \"locale\", \"accountId\"}: at most 10 of each. Renders as"
                    + " preview does, marks the notice as a test ([TEST] before subject and SMS, X-Tocsin-Test header,"
                    + " placeholder reference) and sends it to these recipients only; 202 with each provider's answer."
                    + " Recorded in the audit trail; no delivery is created.")
    public Response testSend(@PathParam("id") String id, CampaignTestSend.TestSendRequest request) {
        CampaignTestSend.TestSendResult result = testSends.send(id, request);
        audit.object("campaign", id).after(result);
        return Response.accepted(result).build();
    }

    @POST
    @Path("{id}/approve")
    @Operation(operationId = "approveCampaign", summary = "Approve a draft campaign", description = "By an approver who neither created nor last edited it (four eyes).")
    @RolesAllowed(Roles.APPROVER)
    public CampaignView approve(@PathParam("id") String id, @Valid ApproveRequest request) {
        CampaignView before = current(id);
        return audited(id, before, campaigns.approve(id, request == null ? null : request.comment(), user()));
    }

    @POST
    @Path("{id}/launch")
    @Operation(operationId = "launchCampaign", summary = "Launch an approved campaign", description = "Creates the first slice of deliveries at once and the rest in the background, slice by slice, and starts sending (a future scheduledAt arms it instead). 409 unless APPROVED.")
    @RolesAllowed(Roles.OPERATOR)
    public CampaignView launch(@PathParam("id") String id) {
        return change(id, campaigns::launch);
    }

    @POST
    @Path("{id}/pause")
    @Operation(operationId = "pauseCampaign", summary = "Pause a running campaign", description = "Workers stop claiming its deliveries; sends in flight finish.")
    @RolesAllowed(Roles.OPERATOR)
    public CampaignView pause(@PathParam("id") String id) {
        return change(id, campaigns::pause);
    }

    @POST
    @Path("{id}/resume")
    @Operation(operationId = "resumeCampaign", summary = "Resume a paused campaign")
    @RolesAllowed(Roles.OPERATOR)
    public CampaignView resume(@PathParam("id") String id) {
        return change(id, campaigns::resume);
    }

    @POST
    @Path("{id}/cancel")
    @Operation(operationId = "cancelCampaign", summary = "Cancel a campaign", description = "Every delivery not yet sent becomes cancelled; nothing more goes out.")
    @RolesAllowed(Roles.OPERATOR)
    public CampaignView cancel(@PathParam("id") String id) {
        return change(id, campaigns::cancel);
    }

    @GET
    @Path("{id}/stats")
    @Operation(operationId = "getCampaignStats", summary = "Delivery counts", description = "By status and by channel, counted from confirmed outcomes.")
    @RolesAllowed({Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR})
    public StatsView stats(@PathParam("id") String id) throws SQLException {
        Campaign c = QuarkusTransaction.requiringNew().call(() -> campaigns.find(id));
        DeliveryStats.Counts counts = stats.count(id, c.channelList());
        return new StatsView(c.status.name(), counts.total(), counts.byStatus(), counts.byChannel(),
                c.unreachable == null ? 0 : c.unreachable);
    }
}
