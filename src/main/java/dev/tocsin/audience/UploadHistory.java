package dev.tocsin.audience;

import dev.tocsin.common.ApiException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** What became of an incident's uploads: status, counts, where one stopped, and its rejected lines. */
@ApplicationScoped
public class UploadHistory {

    static final String UPLOADS = "SELECT id, status, accepted, rejected, last_line, failure, started_at, finished_at"
            + " FROM account_upload WHERE incident_id = ?%s ORDER BY started_at DESC";
    static final String REJECTED_LINES = "SELECT line, account_id, reason FROM upload_error WHERE upload_id = ? ORDER BY line";

    @Inject
    AgroalDataSource dataSource;

    public record UploadView(String uploadId, String status, long accepted, long rejected, long lastLine,
                             String failure, List<RowError> errors, boolean errorsTruncated) {
    }

    public record UploadSummary(String uploadId, String status, long accepted, long rejected, long lastLine,
                                String failure, java.time.OffsetDateTime startedAt, java.time.OffsetDateTime finishedAt) {
    }

    /** The incident's uploads, newest first. */
    public List<UploadSummary> list(String incidentId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return uploads(c, incidentId, null);
        }
    }

    /** One upload with its rejected lines (the first 10,000). */
    public UploadView get(String incidentId, String uploadId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            UploadSummary upload = uploads(c, incidentId, uploadId).stream().findFirst()
                    .orElseThrow(() -> ApiException.notFound("upload", uploadId));
            List<RowError> errors = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(REJECTED_LINES)) {
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

    /** The incident's uploads, newest first; only the one named when uploadId is given. */
    private static List<UploadSummary> uploads(Connection c, String incidentId, String uploadId) throws SQLException {
        List<UploadSummary> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(UPLOADS.formatted(uploadId == null ? "" : " AND id = ?"))) {
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

}
