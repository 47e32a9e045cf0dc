package dev.tocsin.console;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.campaign.CampaignService;
import dev.tocsin.campaign.CampaignStats;
import dev.tocsin.campaign.CampaignView;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Roles;
import io.quarkus.qute.Template;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * A campaign as its operator watches it: status, progress counted from the deliveries (refreshed in place by
 * htmx, or by the page itself with JavaScript off), the deadline clocks, the substitute-notice signal, and
 * pause, resume or cancel behind a page that says what will happen.
 */
@Path("/console/campaigns")
@PermitAll
@Blocking
@ConsolePage
@Produces(MediaType.TEXT_HTML)
public class CampaignPages {

    /** What a lifecycle step the page offers does, said before it is done; null for a step it does not offer. */
    private String consequence(String action) {
        return switch (action) {
            case "launch" -> cmsg.page_campaign_notices_start_going_out_now();
            case "pause" -> cmsg.page_campaign_workers_stop_taking_this_campaign();
            case "resume" -> cmsg.page_campaign_sending_starts_again_where_it();
            case "cancel" -> cmsg.page_campaign_every_notice_not_yet_sent();
            default -> null;
        };
    }

    @Inject
    ConsoleAccess access;

    @Inject
    ConsoleMessages msg;

    @Inject
    CampaignPageMessages cmsg;

    @Inject
    CampaignService campaigns;

    @Inject
    CampaignStats stats;

    @Inject
    AuditContext audit;

    @Inject
    dev.tocsin.campaign.CampaignReport reports;

    @io.quarkus.qute.Location("console/campaign.html")
    Template campaignPage;

    @io.quarkus.qute.Location("console/campaign-progress.html")
    Template progress;

    @io.quarkus.qute.Location("console/campaign-confirm.html")
    Template confirm;

    @io.quarkus.qute.Location("console/not-found.html")
    Template notFound;

    /** What the progress block shows: the counts and how far the campaign has got. */
    public record Progress(CampaignView campaign, CampaignStats.View stats, long done, int percent, boolean finished) {

        /** Per channel, its non-zero counts as one line: "sent 1,200, bounced 3". */
        public Map<String, String> byChannel() {
            Map<String, String> lines = new java.util.TreeMap<>();
            stats.byChannel().forEach((channel, counts) -> lines.put(channel, counts.entrySet().stream()
                    .filter(e -> e.getValue() != null && e.getValue() > 0)
                    .map(e -> e.getKey() + " " + String.format(java.util.Locale.ROOT, "%,d", e.getValue()))
                    .reduce((a, b) -> a + ", " + b).orElse("none yet")));
            return lines;
        }
    }

    private Optional<Progress> progressOf(String id) throws SQLException {
        CampaignView campaign;
        try {
            campaign = campaigns.view(id);
        } catch (ApiException e) {
            return Optional.empty();
        }
        CampaignStats.View view = stats.summary(id);
        long waiting = view.byStatus().getOrDefault("queued", 0L) + view.byStatus().getOrDefault("sending", 0L);
        long done = view.total() - waiting;
        int percent = view.total() == 0 ? 0 : (int) Math.min(100, done * 100 / view.total());
        boolean finished = campaign.status().equals("COMPLETED") || campaign.status().equals("CANCELLED");
        return Optional.of(new Progress(campaign, view, done, percent, finished));
    }

    @GET
    @Path("{id}")
    public Response show(@PathParam("id") String id) throws SQLException {
        Optional<Response> refused = access.refuse("/console/campaigns/" + id, Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<Progress> p = progressOf(id);
        if (p.isEmpty()) {
            return Response.status(404).entity(access.page(notFound).data("what", "campaign " + id)).build();
        }
        CampaignView c = p.get().campaign();
        boolean beforeLaunch = c.status().equals("DRAFT") || c.status().equals("APPROVED");
        // Checked on every view before launch: a template upload or an incident's facts may have changed it.
        java.util.List<dev.tocsin.template.ContentProblem> problems = beforeLaunch
                ? campaigns.contentProblems(id, c.allowedFallback()) : java.util.List.of();
        return Response.ok(access.page(campaignPage).data("p", p.get()).data("beforeLaunch", beforeLaunch)
                .data("problems", problems)).build();
    }

    @io.quarkus.qute.Location("console/approval.html")
    Template approval;

    /** What an approver reads before approving: what goes out, to how many, in which languages, on which channels. */
    public record Review(CampaignView campaign, dev.tocsin.audience.AudienceQuery.Audience audience,
                         java.util.List<dev.tocsin.template.ContentProblem> problems, String fourEyes,
                         dev.tocsin.campaign.CampaignApprovals.SinceApproval since) {
    }

    @Inject
    dev.tocsin.campaign.CampaignApprovals approvals;

    private Review review(String id, java.util.List<String> allowFallback) throws SQLException {
        CampaignView campaign = campaigns.view(id);
        String me = access.user();
        String fourEyes = me.equals(campaign.createdBy()) ? cmsg.page_campaign_you_created_this_campaign_so()
                : me.equals(campaign.lastEditedBy()) ? cmsg.page_campaign_you_last_edited_this_campaign() : null;
        return new Review(campaign, campaigns.audience(id), campaigns.contentProblems(id, allowFallback), fourEyes,
                approvals.since(id));
    }

    @GET
    @Path("{id}/approval")
    public Response approval(@PathParam("id") String id) throws SQLException {
        Optional<Response> refused = access.refuse("/console/campaigns/" + id + "/approval", Roles.APPROVER);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            return Response.ok(access.page(approval).data("r", review(id, java.util.List.of())).data("problem", null)
                    .data("comment", "")).build();
        } catch (ApiException e) {
            return Response.status(404).entity(access.page(notFound).data("what", "campaign " + id)).build();
        }
    }

    @POST
    @Path("{id}/approval")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response approve(@PathParam("id") String id, @jakarta.ws.rs.FormParam("comment") String comment,
                            @jakarta.ws.rs.FormParam("decision") String decision,
                            @jakarta.ws.rs.FormParam("allowFallback") java.util.List<String> allowFallback) throws SQLException {
        Optional<Response> refused = access.refuse("/console/campaigns/" + id + "/approval", Roles.APPROVER);
        if (refused.isPresent()) {
            return refused.get();
        }
        String said = comment == null ? "" : comment.strip();
        java.util.List<String> fallback = allowFallback == null ? java.util.List.of()
                : allowFallback.stream().filter(t -> t != null && t.matches("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}")).limit(20).toList();
        try {
            CampaignView before = campaigns.view(id);
            if (said.length() > 2000) {
                throw ApiException.badRequest("invalid_request", cmsg.page_campaign_the_comment_is_longer_than(), java.util.List.of());
            }
            if ("reject".equals(decision)) {
                approvals.reject(id, said, access.user());
            } else {
                campaigns.approve(id, said.isEmpty() ? null : said, fallback, access.user());
            }
            audit.object("campaign", id).details("reject".equals(decision) ? "rejected" : "approved").before(before)
                    .after(campaigns.view(id));
            return Response.seeOther(URI.create("/console/campaigns/" + id)).build();
        } catch (ApiException e) {
            try {
                return Response.status(e.status()).entity(access.page(approval).data("r", review(id, fallback))
                        .data("problem", e.getMessage()).data("comment", said)).build();
            } catch (ApiException gone) {
                return Response.status(404).entity(access.page(notFound).data("what", "campaign " + id)).build();
            }
        }
    }

    // ---- the campaign wizard ----

    @io.quarkus.qute.Location("console/campaign-new.html")
    Template wizard;

    @io.quarkus.qute.Location("console/campaign-audience.html")
    Template audienceBlock;

    @io.quarkus.qute.Location("console/campaign-preview.html")
    Template previewPage;

    @Inject
    dev.tocsin.campaign.CampaignPreview previews;

    /** The notice kinds of the template library. */
    static final java.util.List<String> TEMPLATE_SETS = java.util.List.of("credential-exposure", "personal-data-exposure",
            "payment-card-exposure");

    /** What the wizard's form holds, kept when it is shown again. */
    public record Draft(String incidentId, String name, String templateSet, java.util.List<String> channels, String policy,
                        java.util.List<String> exposedAny, String countries, String locales, String maxAttempts) {

        static Draft of(jakarta.ws.rs.core.MultivaluedMap<String, String> form) {
            java.util.function.Function<String, String> one = k -> {
                String v = form.getFirst(k);
                return v == null ? "" : (v.length() > 300 ? v.substring(0, 300) : v).strip();
            };
            java.util.function.Function<String, java.util.List<String>> many = k -> form.getOrDefault(k, java.util.List.of())
                    .stream().filter(v -> v != null && !v.isBlank() && v.length() <= 40).limit(30).toList();
            return new Draft(one.apply("incidentId"), one.apply("name"),
                    one.apply("templateSet").isEmpty() ? TEMPLATE_SETS.get(0) : one.apply("templateSet"),
                    form.containsKey("channels") ? many.apply("channels") : java.util.List.of("email"),
                    one.apply("channelPolicy").isEmpty() ? "all" : one.apply("channelPolicy"), many.apply("exposedAny"),
                    one.apply("countries"), one.apply("locales"), one.apply("maxAttempts").isEmpty() ? "5" : one.apply("maxAttempts"));
        }

        private static java.util.List<String> list(String text) {
            return java.util.Arrays.stream(text.split("[,\\s]+")).map(String::strip).filter(t -> !t.isEmpty()).limit(50).toList();
        }

        dev.tocsin.campaign.CampaignRequest request() {
            Integer attempts;
            try {
                attempts = Integer.valueOf(maxAttempts);
            } catch (NumberFormatException e) {
                attempts = 0; // refused by the campaign's rules, with the range
            }
            return new dev.tocsin.campaign.CampaignRequest(incidentId, name.isEmpty() ? "(unnamed)" : name, templateSet,
                    channels, policy, new dev.tocsin.campaign.CampaignRequest.SegmentRequest(exposedAny, java.util.List.of(),
                    list(countries), list(locales)), null, attempts, null, null, null, null);
        }
    }

    /** The audience a draft would reach, or why it cannot be counted. */
    public record Count(dev.tocsin.audience.AudienceQuery.Audience audience, String problem) {
    }

    private Count count(Draft draft) {
        if (draft.incidentId().isEmpty()) {
            return new Count(null, cmsg.page_campaign_open_the_wizard_from_an());
        }
        if (draft.channels().isEmpty()) {
            return new Count(null, cmsg.page_campaign_choose_at_least_one_channel());
        }
        try {
            return new Count(campaigns.audienceOf(draft.request()), null);
        } catch (ApiException e) {
            return new Count(null, e.getMessage());
        } catch (SQLException e) {
            throw new IllegalStateException("the audience could not be counted", e);
        }
    }

    private io.quarkus.qute.TemplateInstance wizardPage(Draft draft, java.util.List<String> problems) {
        return access.page(wizard).data("d", draft).data("count", count(draft)).data("problems", problems)
                .data("sets", TEMPLATE_SETS).data("categories", dev.tocsin.audience.ExposureCategory.codes())
                .data("allChannels", java.util.List.of("email", "sms", "push", "letter"));
    }

    /** The wizard (an incident's cmsg.campaign_new_new_campaign() link gives its incidentId). */
    @GET
    @Path("new")
    public Response draft(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri) {
        Optional<Response> refused = access.refuse("/console/campaigns/new", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        return Response.ok(wizardPage(Draft.of(uri.getQueryParameters()), java.util.List.of())).build();
    }

    /**
     * "Count again" with JavaScript off: the wizard's values come back in a POST (a GET would put the form's CSRF
     * token in the address), and the wizard is shown again with its count. Nothing is created or changed.
     */
    @POST
    @Path("new")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response countAgain(jakarta.ws.rs.core.MultivaluedMap<String, String> form) {
        Optional<Response> refused = access.refuse("/console/campaigns/new", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        return Response.ok(wizardPage(Draft.of(form), java.util.List.of())).build();
    }

    /** The live audience count (htmx swaps it in as the filter changes). */
    @GET
    @Path("audience")
    public Response audience(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri) {
        Optional<Response> refused = access.refuse("/console/campaigns/new", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        return Response.ok(access.page(audienceBlock).data("count", count(Draft.of(uri.getQueryParameters())))).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(jakarta.ws.rs.core.MultivaluedMap<String, String> form) {
        Optional<Response> refused = access.refuse("/console/campaigns/new", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        Draft draft = Draft.of(form);
        if (draft.name().isEmpty()) {
            return Response.status(400).entity(wizardPage(draft, java.util.List.of(cmsg.page_campaign_name_the_campaign_up_to()))).build();
        }
        try {
            dev.tocsin.campaign.Campaign created = campaigns.create(draft.request(), access.user());
            audit.object("campaign", created.id).after(CampaignView.of(created));
            return Response.seeOther(URI.create("/console/campaigns/" + created.id)).build();
        } catch (ApiException e) {
            return Response.status(e.status()).entity(wizardPage(draft, java.util.List.of(e.getMessage()))).build();
        }
    }

    /** Two languages side by side: the email (in a sandboxed frame), the SMS with its encoding and segments, the push. */
    @GET
    @Path("{id}/preview")
    public Response preview(@PathParam("id") String id, @jakarta.ws.rs.QueryParam("left") String left,
                            @jakarta.ws.rs.QueryParam("right") String right) {
        Optional<Response> refused = access.refuse("/console/campaigns/" + id + "/preview", Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        String a = tag(left, "en");
        String b = tag(right, "ar");
        try {
            CampaignView campaign = campaigns.view(id);
            return Response.ok(access.page(previewPage).data("c", campaign).data("left", a).data("right", b)
                    .data("previews", java.util.List.of(previews.preview(id, new dev.tocsin.campaign.CampaignPreview.PreviewRequest(a, null)),
                            previews.preview(id, new dev.tocsin.campaign.CampaignPreview.PreviewRequest(b, null))))).build();
        } catch (ApiException e) {
            return e.status() == 404 ? Response.status(404).entity(access.page(notFound).data("what", "campaign " + id)).build()
                    : Response.status(e.status()).type(MediaType.TEXT_PLAIN).entity(e.getMessage()).build();
        }
    }

    /** The email's HTML alone, for the preview's sandboxed frame: no script, framed by the console only. */
    @GET
    @Path("{id}/preview/email")
    public Response previewEmail(@PathParam("id") String id, @jakarta.ws.rs.QueryParam("locale") String locale) {
        Optional<Response> refused = access.refuse("/console/campaigns/" + id + "/preview", Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            String html = previews.preview(id, new dev.tocsin.campaign.CampaignPreview.PreviewRequest(tag(locale, "en"), null))
                    .email().html();
            return Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                    .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:;"
                            + " frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox")
                    .header("X-Frame-Options", "SAMEORIGIN").build();
        } catch (ApiException e) {
            return Response.status(e.status()).type(MediaType.TEXT_PLAIN).entity(e.getMessage()).build();
        }
    }

    private static String tag(String value, String otherwise) {
        return value != null && value.matches("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}") ? value : otherwise;
    }

    /** The proof-of-notification report, as the API streams it, for a signed-in operator or auditor. */
    @GET
    @Path("{id}/report.csv")
    @Produces("text/csv")
    public Response report(@PathParam("id") String id) {
        Optional<Response> refused = access.refuse("/console/campaigns/" + id, Roles.OPERATOR, Roles.AUDITOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            campaigns.view(id);
        } catch (ApiException e) {
            return Response.status(404).type(MediaType.TEXT_PLAIN).entity(msg.page_no_such("campaign " + id)).build();
        }
        return Response.ok(reports.proof(id), "text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"proof-of-notification-" + id + ".csv\"").build();
    }

    /** The progress block alone, for htmx to swap in every two seconds. */
    @GET
    @Path("{id}/progress")
    public Response progress(@PathParam("id") String id) throws SQLException {
        Optional<Response> refused = access.refuse("/console/campaigns/" + id, Roles.OPERATOR, Roles.APPROVER, Roles.AUDITOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<Progress> p = progressOf(id);
        return p.map(value -> Response.ok(access.page(progress).data("p", value)).build())
                .orElseGet(() -> Response.status(404).build());
    }

    @GET
    @Path("{id}/{action:launch|pause|resume|cancel}")
    public Response confirm(@PathParam("id") String id, @PathParam("action") String action) throws SQLException {
        Optional<Response> refused = access.refuse("/console/campaigns/" + id + "/" + action, Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<Progress> p = progressOf(id);
        if (p.isEmpty()) {
            return Response.status(404).entity(access.page(notFound).data("what", "campaign " + id)).build();
        }
        return Response.ok(access.page(confirm).data("p", p.get()).data("action", action)
                .data("consequence", consequence(action)).data("problem", null)).build();
    }

    @POST
    @Path("{id}/{action:launch|pause|resume|cancel}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response act(@PathParam("id") String id, @PathParam("action") String action) throws SQLException {
        Optional<Response> refused = access.refuse("/console/campaigns/" + id + "/" + action, Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            CampaignView before = campaigns.view(id);
            switch (action) {
                case "launch" -> campaigns.launch(id);
                case "pause" -> campaigns.pause(id);
                case "resume" -> campaigns.resume(id);
                default -> campaigns.cancel(id);
            }
            audit.object("campaign", id).before(before).after(campaigns.view(id));
            return Response.seeOther(URI.create("/console/campaigns/" + id)).build();
        } catch (ApiException e) {
            Optional<Progress> p = progressOf(id);
            if (p.isEmpty()) {
                return Response.status(404).entity(access.page(notFound).data("what", "campaign " + id)).build();
            }
            return Response.status(e.status()).entity(access.page(confirm).data("p", p.get()).data("action", action)
                    .data("consequence", consequence(action)).data("problem", e.getMessage())).build();
        }
    }
}
