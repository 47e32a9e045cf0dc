package dev.tocsin.audience;

import dev.tocsin.audit.AuditContext;
import dev.tocsin.common.ApiError;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Roles;
import dev.tocsin.incident.Incidents;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;
import java.sql.SQLException;
import java.util.List;

@Path("/api/incidents/{incidentId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Affected accounts")
public class AccountUploadResource {

    @Inject
    UploadConfig config;

    public static final String NDJSON = "application/x-ndjson";

    @Inject
    AccountImporter importer;

    @Inject
    AuditContext audit;

    @Inject
    UploadHistory history;

    @Inject
    Incidents incidents;

    @POST
    @Path("accounts")
    @RolesAllowed(Roles.OPERATOR)
    @Consumes({"text/csv", NDJSON})
    @Operation(operationId = "uploadAccounts", summary = "Upload affected accounts",
            description = "Streams a CSV (header account_id,email,phone,locale,timezone,country,name,exposed and, optionally,"
                    + " region, enrolment_code, address_line1, address_line2, city, postal_code) or NDJSON file. Phone"
                    + " numbers are international (+33 6 12 34 56 78) or national with the account's country; a fixed line"
                    + " is kept but not counted as reachable by SMS. A postal address is whole (address_line1, city,"
                    + " country) or absent. Valid rows are stored in batches as they arrive; each rejected line is reported"
                    + " with its physical line number (the CSV header is line 1) and the reason. Re-uploading an account"
                    + " updates it.")
    public Response upload(@PathParam("incidentId") String incidentId,
                           @HeaderParam("Content-Type") String contentType,
                           @HeaderParam("Content-Length") Long contentLength,
                           InputStream body) throws SQLException {
        incidents.find(incidentId);
        if (contentLength != null && contentLength > config.maxBytes()) {
            throw new ApiException(413, "upload_too_large", "The upload is " + contentLength
                    + " bytes; the limit is " + config.maxBytes() + " bytes (tocsin.upload.max-bytes). Split the file and upload the parts.");
        }
        AccountImporter.Format format = AccountImporter.Format.of(contentType);
        try {
            AccountImporter.Result result = importer.importAccounts(incidentId, new LimitedInputStream(body, config.maxBytes()), format);
            audit.object("incident", incidentId).details("upload " + result.uploadId() + " (" + format + "): "
                    + result.accepted() + " accepted, " + result.rejected() + " rejected");
            return Response.ok(result).build();
        } catch (AccountImporter.UploadInterrupted e) {
            AccountImporter.Result partial = e.result;
            audit.object("incident", incidentId).details("upload " + partial.uploadId() + " stopped at line "
                    + partial.stoppedAtLine() + ": " + partial.accepted() + " accepted, " + partial.rejected() + " rejected");
            boolean tooLarge = e.getCause() instanceof UploadTooLargeException;
            String message = (tooLarge ? "The upload is larger than the limit of " + config.maxBytes() + " bytes (tocsin.upload.max-bytes)."
                    : "The upload stopped before the end of the file: " + partial.failure() + ".")
                    + " " + partial.accepted() + " rows before line " + partial.stoppedAtLine()
                    + " were accepted and kept; upload the rest of the file from line " + partial.stoppedAtLine() + " on.";
            return Response.status(tooLarge ? 413 : 503).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(tooLarge ? "upload_too_large" : "upload_interrupted", message, List.of(partial)))
                    .build();
        }
    }

    @GET
    @Path("uploads")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "listUploads", summary = "List an incident's uploads", description = "Newest first; shows uploads that stopped halfway and where.")
    public List<UploadHistory.UploadSummary> uploads(@PathParam("incidentId") String incidentId) throws SQLException {
        incidents.find(incidentId);
        return history.list(incidentId);
    }

    @GET
    @Path("uploads/{uploadId}")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "getUpload", summary = "Read an upload's outcome", description = "Status, counts and the rejected lines (up to 10,000) of an upload, including one whose HTTP answer was lost.")
    public UploadHistory.UploadView uploadStatus(@PathParam("incidentId") String incidentId,
                                                 @PathParam("uploadId") String uploadId) throws SQLException {
        return history.get(incidentId, uploadId);
    }
}
