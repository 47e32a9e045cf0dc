package dev.tocsin.tracking;

import dev.tocsin.common.CompanyConfig;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The pages a recipient reaches without signing in: the advisory page behind the link in their notice (its
 * first view recorded as opened), the acknowledgement (a form, so a link preview fetching the page never
 * acknowledges), and /verify, which says whether a reference belongs to a notice we sent. HTML only, no
 * script; every answer carries PublicPageHeaders.
 */
@Path("/")
@PermitAll
@PublicPage
@Tag(name = "Recipients")
@Produces(MediaType.TEXT_HTML)
public class RecipientPagesResource {

    /** Links on the pages are relative, so they work under whatever path a proxy serves Tocsin at. */
    private static final String ROOT = "../";
    private static final String ACK_ROOT = "../../";

    @Inject
    NoticeCodes codes;

    @Inject
    RecipientNotices notices;

    @Inject
    AdvisoryPage advisoryPage;

    @Inject
    PublicRateLimit rateLimit;

    @Inject
    TrackingConfig config;

    @Inject
    CompanyConfig company;

    @Inject
    @Location("public/advisory.html")
    Template advisory;

    @Inject
    @Location("public/thanks.html")
    Template thanks;

    @Inject
    @Location("public/invalid.html")
    Template invalid;

    @Inject
    @Location("public/verify.html")
    Template verify;

    @SecurityRequirementsSet // public: no sign-in
    @GET
    @Path("a/{token}")
    @Operation(operationId = "showAdvisory", summary = "The advisory page of one notice (public; the link in the notice)")
    public Response show(@PathParam("token") String token, @HeaderParam(HttpHeaders.ACCEPT_LANGUAGE) String languages)
            throws SQLException {
        Optional<RecipientNotices.Notice> notice = notice(token);
        if (notice.isEmpty()) {
            return invalidLink(Response.Status.NOT_FOUND, languages, ROOT);
        }
        RecipientNotices.Notice n = notice.get();
        if (expired(n)) {
            return invalidLink(Response.Status.GONE, languages, ROOT);
        }
        Optional<AdvisoryPage.Shown> shown = advisoryPage.render(n);
        if (shown.isEmpty()) {
            return invalidLink(Response.Status.GONE, languages, ROOT);
        }
        notices.recordOpened(n.deliveryId(), OffsetDateTime.now());
        PageText text = PageText.forTag(shown.get().localeTag());
        String sent = AdvisoryPage.date(n.sentAt(), n.timezone(), text);
        Map<String, String> t = words(text, "pageTitle", "referenceLabel", "ackHeading", "ackExplain", "ackButton",
                "verifyLink", "noticesHeading", "thisNotice");
        // the incident's notices to this person, newest first, each with its own page (shown when there are several)
        List<Map<String, Object>> listed = new java.util.ArrayList<>();
        for (RecipientNotices.Listed l : shown.get().incidentNotices()) {
            listed.add(Map.of("date", AdvisoryPage.date(l.sentAt(), n.timezone(), text), "title", l.title(),
                    "reference", l.reference() == null ? "" : l.reference(), "token", codes.advisoryToken(l.deliveryId()),
                    "current", l.deliveryId() == n.deliveryId()));
        }
        t.put("intro", text.get("intro", companyName(), sent, text.get("channel." + n.channel())));
        t.put("neverAsk", text.get("neverAsk", companyName()));
        t.put("pageTitle", text.get("pageTitle", companyName()));
        t.put("contactLine", text.get("contactLine", companyName(), company.company().contact()));
        if (n.acknowledgedAt() != null) {
            t.put("ackDone", text.get("ackDone", AdvisoryPage.date(n.acknowledgedAt(), n.timezone(), text)));
        }
        String html = advisory.data("t", t).data("lang", text.tag()).data("dir", text.direction())
                .data("noticeLang", shown.get().localeTag()).data("company", companyName())
                .data("reference", n.reference() == null ? codes.verificationReference(n.deliveryId()) : n.reference())
                .data("body", shown.get().bodyHtml()).data("acknowledged", n.acknowledgedAt() != null)
                .data("token", token).data("notices", listed.size() > 1 ? listed : List.of()).data("root", ROOT).render();
        return Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    @SecurityRequirementsSet // public: no sign-in
    @POST
    @Path("a/{token}/ack")
    @Operation(operationId = "acknowledgeNotice", summary = "The recipient says they read the notice (public; a plain HTML form)")
    public Response acknowledge(@PathParam("token") String token,
                                @HeaderParam(HttpHeaders.ACCEPT_LANGUAGE) String languages) throws SQLException {
        Optional<RecipientNotices.Notice> notice = notice(token);
        if (notice.isEmpty()) {
            return invalidLink(Response.Status.NOT_FOUND, languages, ACK_ROOT);
        }
        RecipientNotices.Notice n = notice.get();
        if (expired(n)) {
            return invalidLink(Response.Status.GONE, languages, ACK_ROOT);
        }
        OffsetDateTime at = notices.recordAcknowledged(n.deliveryId(), OffsetDateTime.now());
        PageText text = PageText.forTag(advisoryPage.localeOf(n));
        Map<String, String> t = words(text, "thanksTitle", "thanksBody", "backToNotice", "verifyLink");
        t.put("ackDone", text.get("ackDone", AdvisoryPage.date(at, n.timezone(), text)));
        t.put("contactLine", text.get("contactLine", companyName(), company.company().contact()));
        String html = thanks.data("t", t).data("lang", text.tag()).data("dir", text.direction())
                .data("company", companyName()).data("token", token).data("root", ACK_ROOT).render();
        return Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    @SecurityRequirementsSet // public: no sign-in
    @GET
    @Path("verify")
    @Operation(operationId = "verifyReference", summary = "Whether a verification reference belongs to a notice we sent (public)")
    public Response verify(@QueryParam("reference") String reference,
                           @HeaderParam(HttpHeaders.ACCEPT_LANGUAGE) String languages,
                           @Context HttpServerRequest request) throws SQLException {
        PageText text = PageText.forAcceptLanguage(languages);
        Map<String, String> t = words(text, "verifyTitle", "verifyLead", "verifyLabel", "verifyButton");
        t.put("contactLine", text.get("contactLine", companyName(), company.company().contact()));
        t.put("resultAdvice", "");
        String outcome = "form";
        Response.Status status = Response.Status.OK;
        String retryAfter = null;
        String typed = reference == null ? "" : reference.strip();
        if (!typed.isEmpty()) {
            OptionalLong wait = rateLimit.take("verify", request.remoteAddress() == null ? null
                    : request.remoteAddress().hostAddress());
            List<String> candidates = TypedReference.candidates(typed);
            if (wait.isPresent()) {
                outcome = "limited";
                status = Response.Status.TOO_MANY_REQUESTS;
                retryAfter = Long.toString(wait.getAsLong());
                t.put("resultTitle", text.get("limitedTitle"));
                t.put("resultBody", text.get("limitedBody"));
            } else if (candidates.isEmpty()) {
                outcome = "malformed";
                t.put("resultTitle", text.get("unknownTitle"));
                t.put("resultBody", text.get("malformed"));
                t.put("resultAdvice", text.get("unknownAdvice", companyName(), typed, company.company().contact()));
            } else {
                List<RecipientNotices.Verified> found = notices.byReference(candidates);
                if (found.isEmpty()) {
                    outcome = "unknown";
                    String shown = candidates.size() == 1 ? candidates.get(0) : typed;
                    t.put("resultTitle", text.get("unknownTitle"));
                    t.put("resultBody", text.get("unknownBody", companyName(), shown));
                    t.put("resultAdvice", text.get("unknownAdvice", companyName(), shown, company.company().contact()));
                } else {
                    outcome = "genuine";
                    RecipientNotices.Verified v = found.get(0);
                    t.put("resultTitle", text.get("genuineTitle"));
                    t.put("resultBody", text.get("genuineBody", companyName(), v.reference(),
                            AdvisoryPage.date(v.sentAt(), null, text), text.get("channel." + v.channel()), v.title()));
                    t.put("resultAdvice", text.get("genuineAdvice"));
                }
            }
        }
        String html = verify.data("t", t).data("lang", text.tag()).data("dir", text.direction())
                .data("company", companyName()).data("typed", typed.length() > 60 ? "" : typed)
                .data("outcome", outcome).data("root", "").render();
        Response.ResponseBuilder answer = Response.status(status).entity(html)
                .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"));
        if (retryAfter != null) {
            answer.header("Retry-After", retryAfter);
        }
        return answer.build();
    }

    private Optional<RecipientNotices.Notice> notice(String token) throws SQLException {
        Optional<Long> id = codes.deliveryOf(token);
        return id.isEmpty() ? Optional.empty() : notices.find(id.get());
    }

    private boolean expired(RecipientNotices.Notice n) {
        return n.campaignEndedAt() != null
                && n.campaignEndedAt().plus(config.recipientPages().linkLifetime()).isBefore(OffsetDateTime.now());
    }

    private Response invalidLink(Response.Status status, String languages, String root) {
        PageText text = PageText.forAcceptLanguage(languages);
        boolean gone = status == Response.Status.GONE;
        Map<String, String> t = words(text, "verifyLink");
        t.put("title", text.get(gone ? "expiredTitle" : "invalidTitle"));
        t.put("body", text.get(gone ? "expiredBody" : "invalidBody"));
        t.put("contactLine", text.get("contactLine", companyName(), company.company().contact()));
        String html = invalid.data("t", t).data("lang", text.tag()).data("dir", text.direction())
                .data("company", companyName()).data("root", root).render();
        return Response.status(status).entity(html).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    private static Map<String, String> words(PageText text, String... keys) {
        Map<String, String> t = new HashMap<>();
        for (String key : keys) {
            t.put(key, text.get(key));
        }
        return t;
    }

    private String companyName() {
        return company.company().name();
    }
}
