package dev.tocsin.console;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.channel.letter.Letters;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Roles;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Letters for the mail house: how many wait, batches to make, download and mark handed over, and the references
 * of letters that came back (typed or pasted, one per line).
 */
@Path("/console/letters")
@PermitAll
@Blocking
@ConsolePage
@Produces(MediaType.TEXT_HTML)
public class LetterPages {

    /** As the API takes them: a returned-mail list is at most this many lines. */
    static final int MAX_RETURNED_LINES = 10_000;

    @Inject
    ConsoleAccess access;

    @Inject
    ConsoleMessages msg;

    @Inject
    Letters letters;

    @Inject
    AuditContext audit;

    @io.quarkus.qute.Location("console/letters.html")
    Template page;

    private Response show(int status, String problem, String done, List<Letters.Returned> returned) throws SQLException {
        return Response.status(status).entity(access.page(page).data("waiting", letters.waiting())
                .data("batches", letters.batches()).data("problem", problem).data("done", done)
                .data("returned", returned)).build();
    }

    @GET
    public Response list() throws SQLException {
        Optional<Response> refused = access.refuse("/console/letters", Roles.OPERATOR, Roles.AUDITOR);
        return refused.isPresent() ? refused.get() : show(200, null, null, List.of());
    }

    @POST
    @Path("batches")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response batch() throws SQLException {
        Optional<Response> refused = access.refuse("/console/letters", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            Letters.Batch batch = letters.createBatch(null, null, access.user());
            audit.object("letter_batch", batch.id()).after(batch);
            return show(200, null, "Batch " + batch.id() + " holds " + batch.letters() + " letter(s): download it for the"
                    + " mail house, then mark it handed over.", List.of());
        } catch (ApiException e) {
            return show(e.status(), e.getMessage(), null, List.of());
        }
    }

    @GET
    @Path("batches/{id}/letters.zip")
    @Produces("application/zip")
    public Response download(@PathParam("id") String id) throws SQLException {
        Optional<Response> refused = access.refuse("/console/letters", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        StreamingOutput body;
        try {
            body = letters.zip(id);
        } catch (ApiException e) {
            return Response.status(404).type(MediaType.TEXT_PLAIN).entity(msg.page_no_such("letter batch " + id)).build();
        }
        return Response.ok(body, "application/zip")
                .header("Content-Disposition", "attachment; filename=\"letters-" + id + ".zip\"").build();
    }

    @POST
    @Path("batches/{id}/handover")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response handOver(@PathParam("id") String id) throws SQLException {
        Optional<Response> refused = access.refuse("/console/letters", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            Letters.Batch before = letters.batch(id);
            Letters.Batch after = letters.handOver(id, access.user());
            audit.object("letter_batch", id).details("handed over").before(before).after(after);
            return Response.seeOther(URI.create("/console/letters")).build();
        } catch (ApiException e) {
            return show(e.status(), e.getMessage(), null, List.of());
        }
    }

    @POST
    @Path("returned")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response returned(@FormParam("references") String references) throws SQLException {
        Optional<Response> refused = access.refuse("/console/letters", Roles.OPERATOR);
        if (refused.isPresent()) {
            return refused.get();
        }
        List<String> lines = references == null ? List.of() : references.lines()
                .map(l -> l.length() > 200 ? l.substring(0, 200) : l).limit(MAX_RETURNED_LINES + 1L).toList();
        if (lines.stream().allMatch(String::isBlank)) {
            return show(400, msg.page_letter_type_or_paste_the_references(), null, List.of());
        }
        if (lines.size() > MAX_RETURNED_LINES) {
            return show(400, msg.page_letter_too_many_returned(Integer.toString(MAX_RETURNED_LINES)), null, List.of());
        }
        List<Letters.Returned> answers = letters.returned(lines, access.user());
        long count = answers.stream().filter(a -> a.outcome().equals("returned")).count();
        audit.object("letters", "returned").details(count + " letter(s) recorded as returned").after(answers);
        return show(200, null, count + " letter(s) recorded as returned.", answers);
    }
}
