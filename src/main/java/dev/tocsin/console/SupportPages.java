package dev.tocsin.console;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Channel;
import dev.tocsin.common.Roles;
import dev.tocsin.delivery.DeliveryResends;
import dev.tocsin.support.DeliveryLookup;
import dev.tocsin.support.Resends;
import io.quarkus.qute.Template;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * msg.page_support_did_i_get_the_notice() on the phone: one box takes what the caller has (the verification reference read off
 * the notice, their email, phone or account id) and shows every notice sent to them as a timeline; a notice
 * can be sent again with a reason, which goes into the audit trail.
 */
@Path("/console/support")
@PermitAll
@Blocking
@ConsolePage
@Produces(MediaType.TEXT_HTML)
public class SupportPages {

    @Inject
    ConsoleAccess access;

    @Inject
    ConsoleMessages msg;

    @Inject
    DeliveryLookup lookup;

    @Inject
    Resends resends;

    @Inject
    AuditContext audit;

    @io.quarkus.qute.Location("console/support.html")
    Template page;

    private boolean whole() {
        return access.has(Roles.OPERATOR) || access.has(Roles.AUDITOR);
    }

    @GET
    public Response search(@QueryParam("q") String q, @QueryParam("resent") String resent) {
        String query = q == null ? "" : q.strip();
        String back = "/console/support" + (query.isEmpty() ? "" : "?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        Optional<Response> refused = access.refuse(back, Roles.SUPPORT, Roles.OPERATOR, Roles.AUDITOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (query.length() > 320) {
            return show(query.substring(0, 320), List.of(), msg.page_support_that_is_longer_than_any(), resent);
        }
        if (query.isEmpty()) {
            return show("", List.of(), null, resent);
        }
        try {
            return show(query, find(query), null, resent);
        } catch (ApiException e) {
            return show(query, List.of(), e.status() == 404 ? null : e.getMessage(), resent);
        }
    }

    /** What the caller gave: a reference (TCS-...), an email, a phone number, else an account id. */
    private List<DeliveryLookup.DeliveryView> find(String query) {
        if (query.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "").startsWith("TCS")) {
            return List.of(lookup.byReference(query, whole()));
        }
        if (query.contains("@")) {
            return lookup.find(null, query, null, whole());
        }
        if (query.matches("\\+[0-9 ()-]{6,25}")) {
            return lookup.find(null, null, query.replaceAll("[ ()-]", ""), whole());
        }
        return lookup.find(query, null, null, whole());
    }

    private Response show(String query, List<DeliveryLookup.DeliveryView> found, String problem, String resent) {
        return Response.status(problem == null ? 200 : 400).entity(access.page(page).data("q", query).data("found", found)
                .data("problem", problem).data("resent", resent)
                .data("canResend", access.has(Roles.SUPPORT) || access.has(Roles.OPERATOR))).build();
    }

    @POST
    @Path("deliveries/{id}/resend")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response resend(@PathParam("id") String id, @FormParam("reason") String reason, @FormParam("q") String q)
            throws SQLException {
        Optional<Response> refused = access.refuse("/console/support", Roles.SUPPORT, Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        String query = q == null ? "" : q.strip();
        String why = reason == null ? "" : reason.strip();
        List<DeliveryLookup.DeliveryView> found;
        try {
            found = query.isEmpty() ? List.of() : find(query);
        } catch (ApiException e) {
            found = List.of();
        }
        if (why.isEmpty() || why.length() > 1000) {
            return show(query, found, msg.page_support_say_why_the_notice_is(), null);
        }
        long original;
        try {
            original = Long.parseLong(id);
        } catch (NumberFormatException e) {
            return show(query, found, msg.page_no_such("notice " + id), null);
        }
        try {
            DeliveryResends.Created created = resends.resend(original, (Channel) null);
            audit.object("delivery", Long.toString(created.id()))
                    .details("resend of delivery " + original + " on " + created.channel().code() + ": " + why);
            return Response.seeOther(URI.create("/console/support?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                    + "&resent=" + created.id())).build();
        } catch (ApiException e) {
            return show(query, found, e.getMessage(), null);
        }
    }
}
