package dev.tocsin.delivery;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/**
 * Removes where a closed campaign's notices went (the address snapshot of each delivery) once its contact data is
 * past retention, and the address wherever a provider's text or the history quotes it. What proves the notice stays: status, times, reference, the hash of the bytes sent, the
 * provider's message id, the history. In slices, so a campaign of millions is not one long transaction.
 */
@ApplicationScoped
public class DeliveryContactPurge {

    /** What a removed address reads as (the column is NOT NULL: a delivery always had one). */
    public static final String REMOVED = "(removed)";

    static final int SLICE = 10_000;

    /** The next slice of a campaign's settled deliveries whose address is still there. */
    static final String SLICE_IDS = "SELECT id FROM delivery WHERE campaign_id = ? AND address <> '" + REMOVED + "'"
            + " AND status NOT IN ('QUEUED', 'SENDING') ORDER BY id LIMIT " + SLICE;

    /**
     * A provider's text that quotes the address ("550 5.1.1 <ada@example.org>: unknown user", "The 'To' number
     * +1415... is not valid") keeps its meaning without it: the address, in any case, reads (removed). Email and
     * SMS only: a push delivery's address is a subscription number, which a text may contain by chance.
     */
    private static String withoutAddress(String text, String address) {
        return "CASE WHEN " + text + " IS NOT NULL AND POSITION(LOWER(" + address + ") IN LOWER(" + text + ")) > 0"
                + " THEN REPLACE(LOWER(" + text + "), LOWER(" + address + "), '" + REMOVED + "') ELSE " + text + " END";
    }

    static final String REDACT_EVENTS = "UPDATE delivery_event SET detail = "
            + withoutAddress("detail", "(SELECT d.address FROM delivery d WHERE d.id = delivery_event.delivery_id)")
            + " WHERE delivery_id IN (" + SLICE_IDS + ") AND delivery_id IN"
            + " (SELECT id FROM delivery WHERE campaign_id = ? AND channel IN ('email', 'sms'))";

    static final String PURGE_SLICE = "UPDATE delivery SET address = '" + REMOVED + "',"
            + " provider_response = CASE WHEN channel IN ('email', 'sms') THEN " + withoutAddress("provider_response", "address")
            + " ELSE provider_response END,"
            + " last_error = CASE WHEN channel IN ('email', 'sms') THEN " + withoutAddress("last_error", "address")
            + " ELSE last_error END, updated_at = ?"
            + " WHERE id IN (" + SLICE_IDS + ")";

    @Inject
    AgroalDataSource dataSource;

    /**
     * The deliveries whose address was removed now, with the address quoted in their providers' texts and
     * history; each slice in one transaction (the history first, while the address is still there to find).
     */
    public long purge(String campaignId) throws SQLException {
        long total = 0;
        try (Connection c = dataSource.getConnection();
             PreparedStatement events = c.prepareStatement(REDACT_EVENTS);
             PreparedStatement deliveries = c.prepareStatement(PURGE_SLICE)) {
            c.setAutoCommit(false);
            int n;
            do {
                events.setString(1, campaignId);
                events.setString(2, campaignId);
                events.executeUpdate();
                deliveries.setObject(1, OffsetDateTime.now());
                deliveries.setString(2, campaignId);
                n = deliveries.executeUpdate();
                c.commit();
                total += n;
            } while (n == SLICE);
        }
        return total;
    }
}
