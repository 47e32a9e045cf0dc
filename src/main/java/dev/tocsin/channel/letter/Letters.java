package dev.tocsin.channel.letter;

import dev.tocsin.common.ApiException;
import dev.tocsin.common.Channel;
import dev.tocsin.common.CsvField;
import dev.tocsin.common.FieldError;
import dev.tocsin.delivery.DeliveryStatus;
import dev.tocsin.delivery.ProviderCallbacks;
import dev.tocsin.delivery.SendResult;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Letters from print to post: kept as PDFs when rendered, gathered into batches an operator downloads for a
 * mail house (a ZIP of one PDF per letter and a manifest CSV), marked handed over (the deliveries are then
 * delivered to the postal service), and returned mail recorded from the references printed on the letters.
 */
@ApplicationScoped
public class Letters {

    // ---- SQL: every statement of this class, named by what it does ----

    static final String ADDRESSES = "SELECT account_id, name, address_line1, address_line2, city, region, postal_code,"
            + " country FROM account WHERE address_line1 IS NOT NULL AND city IS NOT NULL AND country IS NOT NULL"
            + " AND account_id IN (%s)";

    /** A retried delivery prints again; a letter already in a batch stays as it went out. */
    static final String KEEP = "MERGE INTO letter l USING (VALUES (CAST(? AS BIGINT), CAST(? AS VARCHAR(36)),"
            + " CAST(? AS VARCHAR(300)), CAST(? AS VARCHAR(200)), CAST(? AS VARCHAR(200)), CAST(? AS VARCHAR(100)),"
            + " CAST(? AS VARCHAR(10)), CAST(? AS VARCHAR(20)), CAST(? AS VARCHAR(2)), CAST(? AS VARCHAR(10)),"
            + " CAST(? AS INTEGER), CAST(? AS BYTEA), CAST(? AS TIMESTAMP WITH TIME ZONE)))"
            + " AS s (delivery_id, campaign_id, name, address_line1, address_line2, city, region, postal_code, country,"
            + " paper, pages, pdf, created_at) ON l.delivery_id = s.delivery_id"
            + " WHEN MATCHED AND l.batch_id IS NULL THEN UPDATE SET pdf = s.pdf, pages = s.pages, paper = s.paper,"
            + " created_at = s.created_at"
            + " WHEN NOT MATCHED THEN INSERT (delivery_id, campaign_id, name, address_line1, address_line2, city, region,"
            + " postal_code, country, paper, pages, pdf, created_at) VALUES (s.delivery_id, s.campaign_id, s.name,"
            + " s.address_line1, s.address_line2, s.city, s.region, s.postal_code, s.country, s.paper, s.pages, s.pdf,"
            + " s.created_at)";

    static final String NEW_BATCH = "INSERT INTO letter_batch (id, created_at, created_by, letters) VALUES (?, ?, ?, 0)";

    /** Waiting letters of sent deliveries, oldest first; a letter already batched is never taken twice. */
    static final String FILL_BATCH = "UPDATE letter SET batch_id = ? WHERE batch_id IS NULL AND delivery_id IN"
            + " (SELECT l.delivery_id FROM letter l JOIN delivery d ON d.id = l.delivery_id WHERE l.batch_id IS NULL"
            + " AND l.returned_at IS NULL AND d.status = 'SENT'%s ORDER BY l.delivery_id FETCH FIRST %d ROWS ONLY)";

    static final String COUNT_BATCH = "UPDATE letter_batch SET letters = ? WHERE id = ?";

    static final String BATCHES = "SELECT b.id, b.created_at, b.created_by, b.letters, b.handed_over_at, b.handed_over_by,"
            + " (SELECT COUNT(*) FROM letter l WHERE l.batch_id = b.id AND l.returned_at IS NOT NULL)"
            + " FROM letter_batch b ORDER BY b.created_at DESC, b.id FETCH FIRST 200 ROWS ONLY";

    static final String BATCH = "SELECT b.id, b.created_at, b.created_by, b.letters, b.handed_over_at, b.handed_over_by,"
            + " (SELECT COUNT(*) FROM letter l WHERE l.batch_id = b.id AND l.returned_at IS NOT NULL)"
            + " FROM letter_batch b WHERE b.id = ?";

    static final String WAITING = "SELECT COUNT(*) FROM letter l JOIN delivery d ON d.id = l.delivery_id"
            + " WHERE l.batch_id IS NULL AND l.returned_at IS NULL AND d.status = 'SENT'";

    static final String BATCH_LETTERS = "SELECT l.delivery_id, d.reference, l.campaign_id, l.name, l.address_line1,"
            + " l.address_line2, l.city, l.region, l.postal_code, l.country, l.paper, l.pages, l.pdf"
            + " FROM letter l JOIN delivery d ON d.id = l.delivery_id WHERE l.batch_id = ? AND l.delivery_id > ?"
            + " ORDER BY l.delivery_id FETCH FIRST 50 ROWS ONLY";

    static final String HAND_OVER = "UPDATE letter_batch SET handed_over_at = ?, handed_over_by = ?"
            + " WHERE id = ? AND handed_over_at IS NULL";

    static final String BATCH_DELIVERIES = "SELECT delivery_id FROM letter WHERE batch_id = ? AND returned_at IS NULL"
            + " ORDER BY delivery_id";

    static final String LETTER_BY_REFERENCE = "SELECT d.id, d.channel, l.returned_at, l.batch_id FROM delivery d"
            + " LEFT JOIN letter l ON l.delivery_id = d.id WHERE d.reference = ?";

    static final String MARK_RETURNED = "UPDATE letter SET returned_at = ? WHERE delivery_id = ? AND returned_at IS NULL";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ProviderCallbacks callbacks;

    @Inject
    LetterConfig config;

    /** A letter as rendered, before it is kept. */
    record Printed(long deliveryId, String campaignId, String paper, byte[] pdf, LetterDocument.Address to) {
    }

    /** The postal addresses of these accounts (only whole ones). */
    Map<String, LetterDocument.Address> addresses(List<String> accountIds) {
        Map<String, LetterDocument.Address> found = new HashMap<>();
        if (accountIds.isEmpty()) {
            return found;
        }
        String placeholders = String.join(",", java.util.Collections.nCopies(accountIds.size(), "?"));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ADDRESSES.formatted(placeholders))) {
            for (int i = 0; i < accountIds.size(); i++) {
                ps.setString(i + 1, accountIds.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), new LetterDocument.Address(rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read postal addresses", e);
        }
        return found;
    }

    /** Keeps rendered letters for a batch: each is then sent (waiting for the mail house), or retried if not kept. */
    List<SendResult> keep(List<Printed> printed) {
        List<SendResult> results = new ArrayList<>(printed.size());
        if (printed.isEmpty()) {
            return results;
        }
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(KEEP)) {
            for (Printed p : printed) {
                int pages = pages(p.pdf());
                int i = 1;
                ps.setLong(i++, p.deliveryId());
                ps.setString(i++, p.campaignId());
                ps.setString(i++, p.to().name());
                ps.setString(i++, p.to().line1());
                ps.setString(i++, p.to().line2());
                ps.setString(i++, p.to().city());
                ps.setString(i++, p.to().region());
                ps.setString(i++, p.to().postalCode());
                ps.setString(i++, p.to().country());
                ps.setString(i++, p.paper());
                ps.setInt(i++, pages);
                ps.setBytes(i++, p.pdf());
                ps.setObject(i, now);
                ps.addBatch();
                results.add(SendResult.sent(p.deliveryId(), "letter-" + p.deliveryId(),
                        "printed (" + pages + " page" + (pages == 1 ? "" : "s") + ", " + p.paper()
                                + "); waiting for a mail-house batch").withContent(p.pdf()));
            }
            ps.executeBatch();
            return results;
        } catch (SQLException e) {
            List<SendResult> retry = new ArrayList<>(printed.size());
            printed.forEach(p -> retry.add(SendResult.retry(p.deliveryId(), "the letter could not be kept: " + e.getMessage())));
            return retry;
        }
    }

    private static int pages(byte[] pdf) {
        try (var document = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            return document.getNumberOfPages();
        } catch (IOException e) {
            throw new IllegalStateException("the rendered letter is not a readable PDF", e);
        }
    }

    /** A batch as the API shows it. */
    public record Batch(String id, OffsetDateTime createdAt, String createdBy, int letters, OffsetDateTime handedOverAt,
                        String handedOverBy, long returned) {
    }

    /**
     * Gathers up to {@code max} waiting letters (of one campaign, or of all) into a new batch, oldest first.
     * 409 when none is waiting.
     */
    public Batch createBatch(String campaignId, Integer max, String user) throws SQLException {
        int limit = max == null ? config.maxBatch() : max;
        if (limit < 1 || limit > config.maxBatch()) {
            throw ApiException.badRequest("invalid_request", "max must be between 1 and " + config.maxBatch() + ".",
                    List.of(new FieldError("max", "between 1 and " + config.maxBatch())));
        }
        String id = UUID.randomUUID().toString();
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(NEW_BATCH)) {
                    ps.setString(1, id);
                    ps.setObject(2, now);
                    ps.setString(3, user);
                    ps.executeUpdate();
                }
                int taken;
                try (PreparedStatement ps = c.prepareStatement(FILL_BATCH.formatted(
                        campaignId == null ? "" : " AND l.campaign_id = ?", limit))) {
                    ps.setString(1, id);
                    if (campaignId != null) {
                        ps.setString(2, campaignId);
                    }
                    taken = ps.executeUpdate();
                }
                if (taken == 0) {
                    c.rollback();
                    throw ApiException.conflict("no_letters_waiting", "No printed letter is waiting for a batch"
                            + (campaignId == null ? "" : " in campaign " + campaignId)
                            + ": letters are printed as a campaign with the letter channel runs.");
                }
                try (PreparedStatement ps = c.prepareStatement(COUNT_BATCH)) {
                    ps.setInt(1, taken);
                    ps.setString(2, id);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return batch(id);
    }

    public List<Batch> batches() throws SQLException {
        List<Batch> found = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(BATCHES);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                found.add(batchRow(rs));
            }
        }
        return found;
    }

    public long waiting() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(WAITING);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public Batch batch(String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(BATCH)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("letter batch", id);
                }
                return batchRow(rs);
            }
        }
    }

    private static Batch batchRow(ResultSet rs) throws SQLException {
        return new Batch(rs.getString(1), rs.getObject(2, OffsetDateTime.class), rs.getString(3), rs.getInt(4),
                rs.getObject(5, OffsetDateTime.class), rs.getString(6), rs.getLong(7));
    }

    static final List<String> MANIFEST = List.of("sequence", "file", "reference", "pages", "paper", "name", "address_line1",
            "address_line2", "city", "region", "postal_code", "country", "campaign_id", "delivery_id");

    /**
     * The batch for the mail house, streamed: manifest.csv (one row per letter, in print order) and one PDF per
     * letter named by its sequence and reference. Read 50 letters at a time, so a batch of any size needs little
     * memory.
     */
    /** The batch's ZIP as a response body (the batch checked first, so an unknown one is a 404 before streaming). */
    public jakarta.ws.rs.core.StreamingOutput zip(String batchId) throws SQLException {
        batch(batchId);
        return out -> {
            try {
                writeZip(batchId, out);
            } catch (SQLException e) {
                throw new IOException("the batch could not be read", e);
            }
        };
    }

    public void writeZip(String batchId, OutputStream target) throws IOException, SQLException {
        batch(batchId);
        ZipOutputStream zip = new ZipOutputStream(target, StandardCharsets.UTF_8);
        List<String[]> manifest = new ArrayList<>();
        long after = -1;
        int sequence = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(BATCH_LETTERS)) {
            while (true) {
                ps.setString(1, batchId);
                ps.setLong(2, after);
                int read = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        read++;
                        after = rs.getLong(1);
                        sequence++;
                        String reference = rs.getString(2) == null ? "letter-" + after : rs.getString(2);
                        String file = String.format("%05d-%s.pdf", sequence, reference);
                        zip.putNextEntry(new ZipEntry(file));
                        zip.write(rs.getBytes(13));
                        zip.closeEntry();
                        manifest.add(new String[]{Integer.toString(sequence), file, reference, Integer.toString(rs.getInt(12)),
                                rs.getString(11), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                                rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(3), Long.toString(after)});
                    }
                }
                if (read == 0) {
                    break;
                }
            }
        }
        zip.putNextEntry(new ZipEntry("manifest.csv"));
        Writer csv = new OutputStreamWriter(zip, StandardCharsets.UTF_8);
        csv.write(String.join(",", MANIFEST));
        csv.write("\r\n");
        for (String[] row : manifest) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    csv.write(',');
                }
                csv.write(CsvField.of(row[i]));
            }
            csv.write("\r\n");
        }
        csv.flush();
        zip.closeEntry();
        zip.finish();
        zip.flush();
    }

    /**
     * The batch went to the mail house: its letters are delivered to the postal service (an event each). A
     * batch is handed over once; 409 the second time.
     */
    public Batch handOver(String batchId, String user) throws SQLException {
        batch(batchId);
        OffsetDateTime now = OffsetDateTime.now();
        List<Long> deliveries = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(HAND_OVER)) {
                ps.setObject(1, now);
                ps.setString(2, user);
                ps.setString(3, batchId);
                if (ps.executeUpdate() == 0) {
                    throw ApiException.conflict("already_handed_over", "Batch " + batchId + " was already handed over.");
                }
            }
            try (PreparedStatement ps = c.prepareStatement(BATCH_DELIVERIES)) {
                ps.setString(1, batchId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        deliveries.add(rs.getLong(1));
                    }
                }
            }
        }
        for (long id : deliveries) {
            callbacks.settleById(Channel.LETTER, id, DeliveryStatus.DELIVERED, Set.of(DeliveryStatus.SENT),
                    "handed over to the mail house in batch " + batchId + " by " + user, false);
        }
        return batch(batchId);
    }

    /** What became of one line of a returned-mail list. */
    public record Returned(long line, String reference, String outcome, String detail) {
    }

    /**
     * Letters that came back: each reference (as printed; case, spaces and missing dashes forgiven) settles its
     * delivery as undeliverable, suppresses the address for later letters and, under first-available, tries
     * the campaign's next channel. Every line is answered: returned, unknown, not a letter, already returned.
     */
    public List<Returned> returned(List<String> lines, String user) throws SQLException {
        List<Returned> answers = new ArrayList<>();
        OffsetDateTime now = OffsetDateTime.now();
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i).strip();
            long line = i + 1;
            if (raw.isEmpty() || (i == 0 && raw.equalsIgnoreCase("reference"))) {
                continue;
            }
            List<String> candidates = dev.tocsin.tracking.TypedReference.candidates(raw);
            if (candidates.isEmpty()) {
                answers.add(new Returned(line, raw, "invalid", "not a reference (TCS-XXXXX-XXXXX)"));
                continue;
            }
            String reference = candidates.get(0);
            long deliveryId = -1;
            String problem = "unknown";
            String detail = "no notice carries this reference";
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LETTER_BY_REFERENCE)) {
                // typing slips forgiven as on /verify: the first candidate a notice carries
                for (String candidate : candidates) {
                    ps.setString(1, candidate);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            continue;
                        }
                        reference = candidate;
                        if (!Channel.LETTER.code().equals(rs.getString(2))) {
                            problem = "not_a_letter";
                            detail = "this reference is of a " + rs.getString(2) + " notice";
                        } else if (rs.getObject(3) != null) {
                            problem = "already_returned";
                            detail = "recorded as returned before";
                        } else {
                            deliveryId = rs.getLong(1);
                        }
                        break;
                    }
                }
            }
            if (deliveryId < 0) {
                answers.add(new Returned(line, reference, problem, detail));
                continue;
            }
            ProviderCallbacks.Settled settled = callbacks.settleById(Channel.LETTER, deliveryId, DeliveryStatus.UNDELIVERABLE,
                    Set.of(DeliveryStatus.SENT, DeliveryStatus.DELIVERED), "returned by the postal service (recorded by "
                            + user + ")", true);
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(MARK_RETURNED)) {
                ps.setObject(1, now);
                ps.setLong(2, deliveryId);
                ps.executeUpdate();
            }
            answers.add(settled == ProviderCallbacks.Settled.MOVED
                    ? new Returned(line, reference, "returned", "undeliverable; the address is not used for letters again")
                    : new Returned(line, reference, "already_returned", "the notice was already settled"));
        }
        return answers;
    }

    static final String PURGE_CONTACTS = "UPDATE letter SET name = NULL, address_line1 = '(removed)', address_line2 = NULL,"
            + " postal_code = NULL WHERE campaign_id = ? AND address_line1 <> '(removed)'";

    /** A closed campaign past contact retention: the printed names and street addresses go (the town and country stay). */
    public long purgeContacts(String campaignId) throws SQLException {
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(PURGE_CONTACTS)) {
            ps.setString(1, campaignId);
            return ps.executeUpdate();
        }
    }
}
