package dev.tocsin.delivery;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * What PostgreSQL and H2 do differently in the delivery hot path, and nothing else: PostgreSQL claims and reads
 * a batch in one UPDATE ... RETURNING and records a chunk of sends from arrays; H2 has neither.
 */
public interface DeliveryDialect {

    /** Claims the due, queued rows among {@code ids} of running campaigns for {@code token}; returns them. */
    List<DeliveryClaims.ClaimRow> claim(Connection c, List<Long> ids, String token, OffsetDateTime now, Duration lease)
            throws SQLException;

    /** Records a (non-empty) chunk of accepted sends: SENDING rows become SENT with the provider's answer. */
    /** Records sends the provider accepted; references[i] is the verification reference of sent[i]'s notice. */
    void recordSent(Connection c, List<SendResult> sent, String[] references, OffsetDateTime now) throws SQLException;

    /** The statement that refreshes the planner's statistics of the delivery table. */
    String analyzeDeliveries();
}
