package dev.tocsin.delivery;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When storing an answer breaks in a way no one planned for (an Error: out of memory, a stack overflow), the
 * worker waiting for it is told and hands its batch back, the other workers' answers in the same group are
 * stored, and the recorder goes on storing: before, its thread died and every worker waited for ever.
 * (The store below stands in for the database only to break on cue; the recorder itself is the real one.)
 */
class OutcomeRecorderFailureTest {

    /** Stores by remembering; breaks with an Error whenever an answer for delivery 13 is among them. */
    static final class BreakingOutcomes extends DeliveryOutcomes {
        final List<Long> stored = new CopyOnWriteArrayList<>();

        @Override
        public void record(List<ClaimedDelivery> claimed, List<SendResult> results) {
            if (results.stream().anyMatch(r -> r.deliveryId() == 13)) {
                throw new StackOverflowError("breaks on delivery 13");
            }
            results.forEach(r -> stored.add(r.deliveryId()));
        }
    }

    private final OutcomeRecorder recorder = new OutcomeRecorder();
    private final BreakingOutcomes outcomes = new BreakingOutcomes();

    @AfterEach
    void stop() {
        recorder.stop();
    }

    @Test
    void anAnswerThatBreaksTheStoreFailsOnlyItsWorkerAndTheRecorderGoesOn() {
        recorder.outcomes = outcomes;
        OutcomeRecorder.Ticket unlucky = recorder.ticket();
        OutcomeRecorder.Ticket other = recorder.ticket();
        recorder.handIn(unlucky, null, SendResult.sent(12, "<12@test>", "250 ok"));
        recorder.handIn(unlucky, null, SendResult.sent(13, "<13@test>", "250 ok"));
        recorder.handIn(other, null, SendResult.sent(14, "<14@test>", "250 ok"));

        SQLException told = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(SQLException.class, unlucky::awaitStored));
        assertTrue(told.getMessage().contains("breaks on delivery 13"), told.getMessage());
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertDoesNotThrow(other::awaitStored));
        assertTrue(outcomes.stored.contains(14L), "the other worker's answer is stored: " + outcomes.stored);

        // later answers are stored as usual
        List<OutcomeRecorder.Ticket> later = new ArrayList<>();
        for (long id = 20; id < 25; id++) {
            OutcomeRecorder.Ticket t = recorder.ticket();
            recorder.handIn(t, null, SendResult.sent(id, "<" + id + "@test>", "250 ok"));
            later.add(t);
        }
        for (OutcomeRecorder.Ticket t : later) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertDoesNotThrow(t::awaitStored));
        }
        assertEquals(List.of(20L, 21L, 22L, 23L, 24L), outcomes.stored.stream().filter(id -> id >= 20).sorted().toList());
    }
}
