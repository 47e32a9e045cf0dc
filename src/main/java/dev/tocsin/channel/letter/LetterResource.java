package dev.tocsin.channel.letter;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Letters by post: batches for the mail house, their hand-over, and returned mail. */
@Path("/api/letters")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Letters")
public class LetterResource {

    /** Most lines one returned-mail list may hold (a larger list is sent in parts). */
    static final int MAX_RETURNED_LINES = 10_000;

    @Inject
    Letters letters;

    @Inject
    AuditContext audit;

    @Inject
    SecurityIdentity identity;

    private String user() {
        return identity.getPrincipal().getName();
    }

    /** Which letters go in the batch: one campaign's, or any; at most max (the configured maximum if unset). */
    public record NewBatch(@Size(max = 36) String campaignId, @Min(1) @Max(100_000) Integer max) {
    }

    public record BatchList(long waiting, List<Letters.Batch> batches) {
    }

    @GET
    @Path("batches")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "listLetterBatches", summary = "Letters waiting and batches made",
            description = "How many printed letters wait for a batch, and the latest 200 batches with their hand-over and returned letters.")
    public BatchList list() throws SQLException {
        return new BatchList(letters.waiting(), letters.batches());
    }

    @POST
    @Path("batches")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "createLetterBatch", summary = "Gather waiting letters into a batch for the mail house",
            description = "Takes up to max printed letters (of one campaign, or of all), oldest first. 409 when none is waiting.")
    public Response create(@Valid NewBatch request) throws SQLException {
        NewBatch r = request == null ? new NewBatch(null, null) : request;
        Letters.Batch batch = letters.createBatch(r.campaignId(), r.max(), user());
        audit.object("letter_batch", batch.id()).after(batch);
        return Response.status(201).entity(batch).build();
    }

    @GET
    @Path("batches/{id}")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "getLetterBatch", summary = "One batch")
    public Letters.Batch get(@PathParam("id") String id) throws SQLException {
        return letters.batch(id);
    }

    @GET
    @Path("batches/{id}/letters.zip")
    @Produces("application/zip")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "downloadLetterBatch", summary = "The batch for the mail house",
            description = "A ZIP of one print-ready PDF per letter (named by sequence and reference) and manifest.csv"
                    + " (sequence, file, reference, pages, paper, the address as printed, campaign and delivery ids).")
    public Response download(@PathParam("id") String id) throws SQLException {
        StreamingOutput body = letters.zip(id); // a 404 before the stream starts
        audit.object("letter_batch", id).details("downloaded");
        return Response.ok(body, "application/zip")
                .header("Content-Disposition", "attachment; filename=\"letters-" + id + ".zip\"").build();
    }

    @POST
    @Path("batches/{id}/handover")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "handOverLetterBatch", summary = "Record that the batch went to the mail house",
            description = "Its letters become delivered (to the postal service), each with an event. Once per batch: 409 after.")
    public Letters.Batch handOver(@PathParam("id") String id) throws SQLException {
        Letters.Batch before = letters.batch(id);
        Letters.Batch after = letters.handOver(id, user());
        audit.object("letter_batch", id).details("handed over").before(before).after(after);
        return after;
    }

    public record ReturnedReport(int returned, List<Letters.Returned> lines) {
    }

    @POST
    @Path("returned")
    @Consumes({MediaType.TEXT_PLAIN, "text/csv"})
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "recordReturnedLetters", summary = "Record letters that came back",
            description = "One reference per line as printed on the letters (a 'reference' header line is skipped). Each"
                    + " returned letter's delivery becomes undeliverable, its address is not used for letters again, and under"
                    + " first-available the campaign's next channel is tried. Every line is answered.")
    public ReturnedReport returned(InputStream body) throws SQLException, IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (lines.size() >= MAX_RETURNED_LINES) {
                    throw ApiException.badRequest("too_many_lines", "A returned-mail list holds at most "
                            + MAX_RETURNED_LINES + " lines: send it in parts.", List.of(new FieldError("body",
                            "more than " + MAX_RETURNED_LINES + " lines")));
                }
                lines.add(line.length() > 200 ? line.substring(0, 200) : line);
            }
        }
        List<Letters.Returned> answers = letters.returned(lines, user());
        int returned = (int) answers.stream().filter(a -> a.outcome().equals("returned")).count();
        audit.object("letters", "returned").details(returned + " letter(s) recorded as returned").after(answers);
        return new ReturnedReport(returned, answers);
    }
}
