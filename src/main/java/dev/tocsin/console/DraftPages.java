package dev.tocsin.console;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.campaign.CampaignService;
import dev.tocsin.campaign.CampaignTemplateUploads;
import dev.tocsin.campaign.CampaignTestSend;
import dev.tocsin.campaign.CampaignView;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Roles;
import dev.tocsin.template.NoticeTemplates;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What an operator does to a campaign before launch, besides its settings: lay a custom template part over the
 * library's (a syntax error is shown at its line and column, over the text as it was sent) and send the notice
 * to test addresses. The required-content check that follows shows on the campaign's page.
 */
@Path("/console/drafts")
@PermitAll
@Blocking
@ConsolePage
@Produces(MediaType.TEXT_HTML)
public class DraftPages {

    @Inject
    ConsoleAccess access;

    @Inject
    CampaignService campaigns;

    @Inject
    CampaignTemplateUploads uploads;

    @Inject
    CampaignTestSend testSends;

    @Inject
    AuditContext audit;

    @Inject
    NoticeTemplates templates;

    @io.quarkus.qute.Location("console/draft-templates.html")
    Template templatesPage;

    @io.quarkus.qute.Location("console/draft-test-send.html")
    Template testSendPage;

    @io.quarkus.qute.Location("console/not-found.html")
    Template notFound;

    /** Where a template's syntax error is, with the lines around it so the operator sees it in place. */
    public record ErrorPlace(String message, int line, int column, List<Line> around) {
    }

    /** One numbered line of the sent text; marked when it is the line with the error. */
    public record Line(int number, String text, boolean marked) {
    }

    private TemplateInstance templatesPage(CampaignView c, String locale, String part, String source, String problem,
                                           ErrorPlace error) {
        return access.page(templatesPage).data("c", c).data("parts", NoticeTemplates.PARTS)
                .data("custom", uploads.customParts(c.id())).data("locale", locale).data("part", part)
                .data("source", source).data("problem", problem).data("error", error);
    }

    @GET
    @Path("{id}/templates")
    public Response templates(@PathParam("id") String id, @QueryParam("locale") String locale,
                              @QueryParam("part") String part) {
        Optional<Response> refused = access.refuse("/console/drafts/" + id + "/templates", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<CampaignView> c = campaign(id);
        if (c.isEmpty()) {
            return Response.status(404).entity(access.page(notFound).data("what", "campaign " + id)).build();
        }
        String tag = tag(locale, "en");
        String file = part != null && NoticeTemplates.PARTS.contains(part) ? part : "email.html";
        // the campaign's own part, else the library's, so an operator edits the text rather than starting blank
        String source = uploads.customPart(id, tag, file)
                .or(() -> templates.librarySource(c.get().templateSet(), tag, file)).orElse("");
        return Response.ok(templatesPage(c.get(), tag, file, source, null, null)).build();
    }

    @POST
    @Path("{id}/templates")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response upload(@PathParam("id") String id, @FormParam("locale") String locale, @FormParam("part") String part,
                           @FormParam("source") String source) {
        Optional<Response> refused = access.refuse("/console/drafts/" + id + "/templates", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<CampaignView> before = campaign(id);
        if (before.isEmpty()) {
            return Response.status(404).entity(access.page(notFound).data("what", "campaign " + id)).build();
        }
        String tag = locale == null ? "" : locale.strip();
        String file = part == null ? "" : part;
        // Browsers send CR LF for a textarea's line breaks; the template keeps the operator's lines as lines.
        String text = source == null ? "" : source.replace("\r\n", "\n");
        try {
            CampaignTemplateUploads.TemplateUpload done = uploads.putTemplate(id, tag, file, text, access.user());
            audit.object("campaign", id).details("template " + done.locale() + "/" + done.part()).before(before.get())
                    .after(java.util.Map.of("template", done.locale() + "/" + done.part(), "templatesVersion",
                            done.templatesVersion(), "status", done.status(), "approvalWithdrawn", done.approvalWithdrawn()));
            return Response.seeOther(URI.create("/console/campaigns/" + id + "#content-check")).build();
        } catch (ApiException e) {
            ErrorPlace place = e.code().equals("template_error") ? place(e, text) : null;
            String shownTag = tag.length() > 35 ? tag.substring(0, 35) : tag;
            return Response.status(e.status()).entity(templatesPage(before.get(), shownTag,
                    NoticeTemplates.PARTS.contains(file) ? file : "email.html", text, e.getMessage(), place)).build();
        }
    }

    /** The first syntax error, with two lines either side of it. */
    private static ErrorPlace place(ApiException e, String text) {
        if (e.details() == null || e.details().isEmpty() || !(e.details().get(0) instanceof NoticeTemplates.TemplateError first)) {
            return null;
        }
        String[] lines = text.split("\n", -1);
        List<Line> around = new ArrayList<>();
        for (int n = Math.max(1, first.line() - 2); n <= Math.min(lines.length, first.line() + 2); n++) {
            String line = lines[n - 1];
            around.add(new Line(n, line.length() > 300 ? line.substring(0, 300) + "…" : line, n == first.line()));
        }
        return new ErrorPlace(first.message(), first.line(), first.column(), around);
    }

    // ---- test send ----

    private TemplateInstance testSendPage(CampaignView c, String emails, String phones, String locale, String problem,
                                          List<?> details, CampaignTestSend.TestSendResult result) {
        return access.page(testSendPage).data("c", c).data("emails", emails).data("phones", phones).data("locale", locale)
                .data("problem", problem).data("details", details).data("result", result);
    }

    @GET
    @Path("{id}/test-send")
    public Response testSendForm(@PathParam("id") String id) {
        Optional<Response> refused = access.refuse("/console/drafts/" + id + "/test-send", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        return campaign(id).map(c -> Response.ok(testSendPage(c, "", "", "en", null, List.of(), null)).build())
                .orElseGet(() -> Response.status(404).entity(access.page(notFound).data("what", "campaign " + id)).build());
    }

    @POST
    @Path("{id}/test-send")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response testSend(@PathParam("id") String id, @FormParam("emails") String emails, @FormParam("phones") String phones,
                             @FormParam("locale") String locale) {
        Optional<Response> refused = access.refuse("/console/drafts/" + id + "/test-send", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<CampaignView> c = campaign(id);
        if (c.isEmpty()) {
            return Response.status(404).entity(access.page(notFound).data("what", "campaign " + id)).build();
        }
        String givenEmails = cut(emails, 4000);
        String givenPhones = cut(phones, 1000);
        String tag = tag(locale, "en");
        try {
            CampaignTestSend.TestSendResult result = testSends.send(id, new CampaignTestSend.TestSendRequest(
                    list(givenEmails), list(givenPhones), tag, null));
            audit.object("campaign", id).details("test send").after(result);
            return Response.ok(testSendPage(c.get(), givenEmails, givenPhones, tag, null, List.of(), result)).build();
        } catch (ApiException e) {
            List<?> details = e.details() == null ? List.of() : e.details().stream().filter(d -> d instanceof FieldError).toList();
            return Response.status(e.status()).entity(testSendPage(c.get(), givenEmails, givenPhones, tag, e.getMessage(),
                    details, null)).build();
        }
    }

    private Optional<CampaignView> campaign(String id) {
        try {
            return Optional.of(campaigns.view(id));
        } catch (ApiException e) {
            return Optional.empty();
        }
    }

    /** One address or number per line (or separated by commas); at most 11 kept, so "at most 10" is reported. */
    private static List<String> list(String text) {
        return Arrays.stream(text.split("[,;\\s]+")).map(String::strip).filter(t -> !t.isEmpty()).limit(11).toList();
    }

    private static String cut(String value, int max) {
        String v = value == null ? "" : value.strip();
        return v.length() > max ? v.substring(0, max) : v;
    }

    private static String tag(String value, String otherwise) {
        return value != null && value.matches("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}") ? value : otherwise;
    }
}
