package dev.tocsin.campaign;

import dev.tocsin.audience.AudienceQuery;
import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.PUT;
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
import io.smallrye.mutiny.Multi;
import org.jboss.resteasy.reactive.RestStreamElementType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.sql.SQLException;
import java.util.List;
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
    CampaignStats campaignStats;

    @Inject
    CampaignReport reports;

    @Inject
    CampaignEvents events;

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

    @Inject
    CampaignApprovals approvals;

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

    /** allowFallback: locales whose recipients may read the incident's untranslated text (recorded). */
    public record ApproveRequest(@Size(max = 2000) String comment, @Size(max = 20) List<@Size(max = 35) String> allowFallback) {
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
        return audited(id, before, campaigns.approve(id, request == null ? null : request.comment(),
                request == null ? null : request.allowFallback(), user()));
    }

    /** comment: why, for the operator who fixes the campaign (required). */
    public record RejectRequest(@Size(max = 2000) String comment) {
    }

    @POST
    @Path("{id}/reject")
    @Operation(operationId = "rejectCampaign", summary = "Send a draft campaign back with a reason",
            description = "Body {\"comment\"} (required): the campaign stays DRAFT and shows the reason until a later approval."
                    + " By an approver who neither created nor last edited it (four eyes), as approving.")
    @RolesAllowed(Roles.APPROVER)
    public CampaignView reject(@PathParam("id") String id, @Valid RejectRequest request) {
        CampaignView before = current(id);
        return audited(id, before, approvals.reject(id, request == null ? null : request.comment(), user()));
    }

    @GET
    @Path("{id}/changes-since-approval")
    @Operation(operationId = "campaignChangesSinceApproval", summary = "What changed since the campaign was last approved",
            description = "The fields (before and now) and the custom template parts, line by line (\"- \" removed, \"+ \" added),"
                    + " that differ from what the last approval covered. everApproved false: it never was.")
    @RolesAllowed({Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR})
    public CampaignApprovals.SinceApproval changesSinceApproval(@PathParam("id") String id) {
        return approvals.since(id);
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
    @Operation(operationId = "pauseCampaign", summary = "Pause a running campaign", description = "Answers once every instance's workers know: from then on at most the notice already on each SMTP connection's wire (or each provider call in progress) still leaves; the rest goes back to the queue until resumed.")
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
    @Operation(operationId = "cancelCampaign", summary = "Cancel a campaign", description = "Every delivery not yet sent becomes cancelled; nothing more goes out after the answer but the notice already on each connection's wire.")
    @RolesAllowed(Roles.OPERATOR)
    public CampaignView cancel(@PathParam("id") String id) {
        return change(id, campaigns::cancel);
    }

    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN) // each event's data is one line of JSON, written by CampaignEvents
    @Operation(operationId = "followCampaign", summary = "Progress as server-sent events",
            description = "A JSON snapshot every second (counts by status and channel, notices settled per second),"
                    + " read from the database so every instance's work shows; the last one has finished=true"
                    + " (completed or cancelled) and the stream ends. At most one hour per stream: reconnect.")
    @RolesAllowed({Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR})
    @io.smallrye.common.annotation.Blocking // looks the campaign up before the stream starts
    public Multi<String> events(@PathParam("id") String id) {
        return events.follow(id);
    }

    @GET
    @Path("{id}/report.csv")
    @Produces("text/csv")
    @Operation(operationId = "getCampaignProofReport", summary = "Proof of notification (CSV, streamed)",
            description = "One row per delivery: account, channel, masked address, locale, template set and the SHA-256"
                    + " of its sources, the SHA-256 of the exact bytes sent, reference, provider message id, every"
                    + " status with its time, final state and reason, opened and acknowledged times.")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    public Response report(@PathParam("id") String id) {
        return Response.ok(reports.proof(id), "text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"proof-of-notification-" + id + ".csv\"")
                .build();
    }

    @GET
    @Path("{id}/stats")
    @Operation(operationId = "getCampaignStats", summary = "Delivery counts", description = "By status and channel, by channel x locale x country x status, the funnel sent -> delivered -> opened -> acknowledged, people not reached per place (with the substitute-notice flag) and the deadline clocks. Counted exactly from the rows on each call (seconds at millions of deliveries): to follow a running campaign, use its event stream.")
    @RolesAllowed({Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR})
    public CampaignStats.View stats(@PathParam("id") String id) throws SQLException {
        return campaignStats.of(id);
    }
}
