package dev.tocsin.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import static dev.tocsin.delivery.DeliverySql.placeholders;
import static dev.tocsin.delivery.DeliverySql.truncate;

/** The embedded build's database: a claim is an UPDATE and a SELECT; sends are recorded by a MERGE of VALUES. */
final class H2DeliveryDialect implements DeliveryDialect {

    // ---- SQL: every statement of this class, named by what it does ----

    static final String CLAIM = "UPDATE delivery SET status = 'SENDING', claim_token = ?,"
            + " lease_until = ?, sending_at = ?, attempts = attempts + 1, updated_at = ?"
            + " WHERE id IN (%s) AND status = 'QUEUED'"
            + " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
            + " AND campaign_id IN (SELECT id FROM campaign WHERE status = 'RUNNING')";

    static final String READ_CLAIMED = "SELECT "
            + DeliveryClaims.CLAIMED_COLUMNS
            + " FROM delivery d JOIN campaign c ON c.id = d.campaign_id JOIN account a ON a.account_id = d.account_id"
            + " WHERE d.id IN (%s) AND d.claim_token = ?";

    @Override
    public List<DeliveryClaims.ClaimRow> claim(Connection c, List<Long> ids, String token, OffsetDateTime now, Duration lease)
            throws SQLException {
        int claimed;
        try (PreparedStatement ps = c.prepareStatement(CLAIM.formatted(placeholders(ids.size())))) {
            int i = 1;
            ps.setString(i++, token);
            ps.setObject(i++, now.plus(lease));
            ps.setObject(i++, now);
            ps.setObject(i++, now);
            for (Long id : ids) {
                ps.setLong(i++, id);
            }
            ps.setObject(i, now);
            claimed = ps.executeUpdate();
        }
        if (claimed == 0) {
            return List.of();
        }
        List<DeliveryClaims.ClaimRow> rows = new ArrayList<>(claimed);
        try (PreparedStatement ps = c.prepareStatement(READ_CLAIMED.formatted(placeholders(ids.size())))) {
            int i = 1;
            for (Long id : ids) {
                ps.setLong(i++, id);
            }
            ps.setString(i, token);
            rows.addAll(DeliveryClaims.claimRows(ps));
        }
        return rows;
    }

    /**
     * The common outcome, a chunk of sends accepted, in one statement: a batch of single-row UPDATEs (each
     * planned anew, each touching every index) was most of the database's time per notice (bench/README.md).
     */
    @Override
    public void recordSent(Connection c, List<SendResult> sent, String[] references, OffsetDateTime now) throws SQLException {
        if (sent.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("MERGE INTO delivery d USING (VALUES ");
        for (int i = 0; i < sent.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(CAST(? AS BIGINT), CAST(? AS VARCHAR(300)), CAST(? AS VARCHAR(1000)),"
                    + " CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS VARCHAR(20)), CAST(? AS VARCHAR(64)))");
        }
        sql.append(") AS v (id, message_id, response, sent_at, reference, content_sha256) ON d.id = v.id"
                + " WHEN MATCHED AND d.status = 'SENDING' THEN UPDATE SET status = 'SENT', provider_message_id = v.message_id,"
                + " provider_response = v.response, last_error = NULL, sent_at = v.sent_at, reference = v.reference,"
                + " content_sha256 = v.content_sha256,"
                + " claim_token = NULL,"
                + " lease_until = NULL, updated_at = CAST(? AS TIMESTAMP WITH TIME ZONE)");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (int k = 0; k < sent.size(); k++) {
                SendResult r = sent.get(k);
                ps.setLong(i++, r.deliveryId());
                ps.setString(i++, r.providerMessageId());
                ps.setString(i++, truncate(r.response(), 1000));
                ps.setObject(i++, r.at());
                ps.setString(i++, references[k]);
                ps.setString(i++, r.contentSha256());
            }
            ps.setObject(i, now);
            ps.executeUpdate();
        }
    }

    @Override
    public String analyzeDeliveries() {
        return "ANALYZE TABLE delivery";
    }
}
