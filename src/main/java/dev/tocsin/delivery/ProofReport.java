package dev.tocsin.delivery;

import dev.tocsin.common.Channel;
import dev.tocsin.common.Masking;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Proof of notification: one CSV row per delivery of a campaign, streamed from two cursors walked side by side
 * (the deliveries and their events, both in delivery id order), so a campaign of millions is written in
 * constant memory. RFC 4180 quoting; a text value that a spreadsheet would run as a formula (=, +, -, @) gets a
 * leading apostrophe, since account ids come from uploaded files.
 */
@ApplicationScoped
public class ProofReport {

    /** The header row; the two hash columns say what they cover (see the README's "Proof of notification"). */
    public static final List<String> COLUMNS = List.of("delivery_id", "account_id", "channel", "address_masked",
            "locale", "template_set", "template_set_sha256", "notice_sha256_of_bytes_sent", "reference",
            "provider_message_id", "queued_at", "sent_at", "settled_at", "final_status", "final_reason",
            "opened_at", "acknowledged_at", "history");

    static final String DELIVERIES = "SELECT d.id, d.account_id, d.channel, d.address, d.locale, d.content_sha256,"
            + " d.reference, d.provider_message_id, d.created_at, d.sending_at, d.sent_at, d.settled_at, d.status,"
            + " d.last_error, g.opened_at, g.acknowledged_at"
            + " FROM delivery d LEFT JOIN notice_engagement g ON g.delivery_id = d.id"
            + " WHERE d.campaign_id = ? ORDER BY d.id";

    static final String EVENTS = "SELECT e.delivery_id, e.status, e.at, e.detail FROM delivery_event e"
            + " JOIN delivery d ON d.id = e.delivery_id WHERE d.campaign_id = ? ORDER BY e.delivery_id, e.at, e.id";

    private static final int FETCH = 1000;

    @Inject
    AgroalDataSource dataSource;

    /** Writes the header and every delivery's row; returns the number of rows. */
    public long write(String campaignId, String templateSet, String templateSha256, Writer out)
            throws SQLException, IOException {
        row(out, COLUMNS);
        long rows = 0;
        try (Connection deliveries = dataSource.getConnection(); Connection events = dataSource.getConnection()) {
            // PostgreSQL streams a result only inside a transaction with a fetch size; H2 spools large ones to disk.
            deliveries.setAutoCommit(false);
            events.setAutoCommit(false);
            try (PreparedStatement d = deliveries.prepareStatement(DELIVERIES);
                 PreparedStatement e = events.prepareStatement(EVENTS)) {
                d.setFetchSize(FETCH);
                e.setFetchSize(FETCH);
                d.setString(1, campaignId);
                e.setString(1, campaignId);
                try (ResultSet rd = d.executeQuery(); ResultSet re = e.executeQuery()) {
                    boolean eventAhead = re.next();
                    List<String> fields = new ArrayList<>(COLUMNS.size());
                    while (rd.next()) {
                        long id = rd.getLong(1);
                        StringBuilder history = new StringBuilder();
                        step(history, "queued", rd.getObject(9, OffsetDateTime.class), null);
                        step(history, "sending", rd.getObject(10, OffsetDateTime.class), null);
                        step(history, "sent", rd.getObject(11, OffsetDateTime.class), null);
                        while (eventAhead && re.getLong(1) < id) {
                            eventAhead = re.next(); // events of a delivery no longer in the campaign's rows
                        }
                        while (eventAhead && re.getLong(1) == id) {
                            step(history, re.getString(2).toLowerCase(Locale.ROOT), re.getObject(3, OffsetDateTime.class),
                                    re.getString(4));
                            eventAhead = re.next();
                        }
                        OffsetDateTime opened = rd.getObject(15, OffsetDateTime.class);
                        OffsetDateTime acknowledged = rd.getObject(16, OffsetDateTime.class);
                        step(history, "opened", opened, null);
                        step(history, "acknowledged", acknowledged, null);
                        String channel = rd.getString(3);
                        fields.clear();
                        fields.add(Long.toString(id));
                        fields.add(rd.getString(2));
                        fields.add(channel);
                        fields.add(DeliveryContactPurge.REMOVED.equals(rd.getString(4)) ? DeliveryContactPurge.REMOVED
                                : Masking.address(Channel.fromCode(channel).orElse(Channel.EMAIL), rd.getString(4)));
                        fields.add(rd.getString(5));
                        fields.add(templateSet);
                        fields.add(templateSha256);
                        fields.add(rd.getString(6));
                        fields.add(rd.getString(7));
                        fields.add(rd.getString(8));
                        fields.add(time(rd.getObject(9, OffsetDateTime.class)));
                        fields.add(time(rd.getObject(11, OffsetDateTime.class)));
                        fields.add(time(rd.getObject(12, OffsetDateTime.class)));
                        fields.add(rd.getString(13).toLowerCase(Locale.ROOT));
                        fields.add(rd.getString(14));
                        fields.add(time(opened));
                        fields.add(time(acknowledged));
                        fields.add(history.toString());
                        row(out, fields);
                        rows++;
                    }
                }
            } finally {
                deliveries.rollback();
                events.rollback();
            }
        }
        out.flush();
        return rows;
    }

    private static void step(StringBuilder history, String status, OffsetDateTime at, String detail) {
        if (at == null) {
            return;
        }
        if (!history.isEmpty()) {
            history.append(" | ");
        }
        history.append(status).append(' ').append(at);
        if (detail != null && !detail.isBlank()) {
            history.append(" (").append(detail.strip()).append(')');
        }
    }

    private static String time(OffsetDateTime at) {
        return at == null ? "" : at.toString();
    }

    static void row(Writer out, List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(field(fields.get(i)));
        }
        out.write("\r\n");
    }

    /** One CSV field: quoted when it must be, with formula-looking text defused. */
    static String field(String value) {
        return dev.tocsin.common.CsvField.of(value);
    }
}
