package dev.tocsin.audience;

import dev.tocsin.common.ApiError;
import dev.tocsin.common.ApiException;
import dev.tocsin.audit.AuditContext;
import dev.tocsin.incident.IncidentResource;
import dev.tocsin.common.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.agroal.api.AgroalDataSource;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

@Path("/api/incidents/{incidentId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Affected accounts")
public class AccountUploadResource {

    public static final String NDJSON = "application/x-ndjson";

    @Inject
    AccountImporter importer;

    @Inject
    AuditContext audit;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "tocsin.upload.max-bytes")
    long maxBytes;

    @POST
    @Path("accounts")
    @RolesAllowed(Roles.OPERATOR)
    @Consumes({"text/csv", NDJSON})
    @Operation(operationId = "uploadAccounts", summary = "Upload affected accounts",
            description = "Streams a CSV (header account_id,email,phone,locale,timezone,country,name,exposed[,region]) or NDJSON"
                    + " file. Valid rows are stored in batches as they arrive; each rejected line is reported with its"
                    + " physical line number (the CSV header is line 1) and the reason. Re-uploading an account updates it.")
    public Response upload(@PathParam("incidentId") String incidentId,
                           @HeaderParam("Content-Type") String contentType,
                           @HeaderParam("Content-Length") Long contentLength,
                           InputStream body) throws SQLException {
        IncidentResource.find(incidentId);
        if (contentLength != null && contentLength > maxBytes) {
            throw new ApiException(413, "upload_too_large", "The upload is " + contentLength
                    + " bytes; the limit is " + maxBytes + " bytes (tocsin.upload.max-bytes). Split the file and upload the parts.");
        }
        AccountImporter.Format format = contentType != null && contentType.toLowerCase().startsWith(NDJSON)
                ? AccountImporter.Format.NDJSON : AccountImporter.Format.CSV;
        try {
            AccountImporter.Result result = importer.importAccounts(incidentId, new LimitedInputStream(body, maxBytes), format);
            audit.object("incident", incidentId).details("upload " + result.uploadId() + " (" + format + "): "
                    + result.accepted() + " accepted, " + result.rejected() + " rejected");
            return Response.ok(result).build();
        } catch (AccountImporter.UploadInterrupted e) {
            AccountImporter.Result partial = e.result;
            audit.object("incident", incidentId).details("upload " + partial.uploadId() + " stopped at line "
                    + partial.stoppedAtLine() + ": " + partial.accepted() + " accepted, " + partial.rejected() + " rejected");
            boolean tooLarge = e.getCause() instanceof UploadTooLargeException;
            String message = (tooLarge ? "The upload is larger than the limit of " + maxBytes + " bytes (tocsin.upload.max-bytes)."
                    : "The upload stopped before the end of the file: " + partial.failure() + ".")
                    + " " + partial.accepted() + " rows before line " + partial.stoppedAtLine()
                    + " were accepted and kept; upload the rest of the file from line " + partial.stoppedAtLine() + " on.";
            return Response.status(tooLarge ? 413 : 503).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(tooLarge ? "upload_too_large" : "upload_interrupted", message, List.of(partial)))
                    .build();
        }
    }

    public record UploadView(String uploadId, String status, long accepted, long rejected, long lastLine,
                             String failure, List<RowError> errors, boolean errorsTruncated) {
    }

    public record UploadSummary(String uploadId, String status, long accepted, long rejected, long lastLine,
                                String failure, java.time.OffsetDateTime startedAt, java.time.OffsetDateTime finishedAt) {
    }

    @GET
    @Path("uploads")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "listUploads", summary = "List an incident's uploads", description = "Newest first; shows uploads that stopped halfway and where.")
    public List<UploadSummary> uploads(@PathParam("incidentId") String incidentId) throws SQLException {
        IncidentResource.find(incidentId);
        try (Connection c = dataSource.getConnection()) {
            return uploads(c, incidentId, null);
        }
    }

    /** The incident's uploads, newest first; only the one named when uploadId is given. */
    private static List<UploadSummary> uploads(Connection c, String incidentId, String uploadId) throws SQLException {
        List<UploadSummary> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, status, accepted, rejected, last_line, failure,"
                + " started_at, finished_at FROM account_upload WHERE incident_id = ?"
                + (uploadId == null ? "" : " AND id = ?") + " ORDER BY started_at DESC")) {
            ps.setString(1, incidentId);
            if (uploadId != null) {
                ps.setString(2, uploadId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new UploadSummary(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getString(6), rs.getObject(7, java.time.OffsetDateTime.class),
                            rs.getObject(8, java.time.OffsetDateTime.class)));
                }
            }
        }
        return out;
    }

    @GET
    @Path("uploads/{uploadId}")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "getUpload", summary = "Read an upload's outcome", description = "Status, counts and the rejected lines (up to 10,000) of an upload, including one whose HTTP answer was lost.")
    public UploadView uploadStatus(@PathParam("incidentId") String incidentId, @PathParam("uploadId") String uploadId)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            UploadSummary upload = uploads(c, incidentId, uploadId).stream().findFirst()
                    .orElseThrow(() -> ApiException.notFound("upload", uploadId));
            List<RowError> errors = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT line, account_id, reason FROM upload_error WHERE upload_id = ? ORDER BY line")) {
                ps.setString(1, uploadId);
                ps.setMaxRows(10_000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        errors.add(new RowError(rs.getLong(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
            return new UploadView(uploadId, upload.status(), upload.accepted(), upload.rejected(), upload.lastLine(),
                    upload.failure(), errors, upload.rejected() > errors.size());
        }
    }
}
