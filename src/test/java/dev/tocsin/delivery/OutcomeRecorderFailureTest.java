package dev.tocsin.delivery;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When storing an answer breaks in a way no one planned for (an Error: out of memory, a stack overflow), the
 * worker waiting for it is told and hands its batch back, the other workers' answers in the same group are
 * stored, and the recorder goes on storing: before, its thread died and every worker waited for ever.
 * With two recorder threads, a commit the database holds up does not hold up the answers handed in meanwhile.
 * (The stores below stand in for the database only to break or stall on cue; the recorder itself is the real one.)
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

    {
        recorder.setUp(2, new SimpleMeterRegistry().timer("commits"));
    }

    /** Stores by remembering; the answer for delivery 13 holds its commit until {@code release} opens. */
    static final class SlowOutcomes extends DeliveryOutcomes {
        final List<Long> stored = new CopyOnWriteArrayList<>();
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void record(List<ClaimedDelivery> claimed, List<SendResult> results) {
            if (results.stream().anyMatch(r -> r.deliveryId() == 13)) {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            results.forEach(r -> stored.add(r.deliveryId()));
        }
    }

    @Test
    void answersHandedInWhileACommitIsHeldUpAreStoredMeanwhile() throws Exception {
        SlowOutcomes slow = new SlowOutcomes();
        recorder.outcomes = slow;
        OutcomeRecorder.Ticket held = recorder.ticket();
        recorder.handIn(held, null, SendResult.sent(13, "<13@test>", "250 ok"));
        assertTrue(slow.holding.await(10, TimeUnit.SECONDS), "the first commit started");
        // another worker's answers, while the database holds the first commit up
        OutcomeRecorder.Ticket meanwhile = recorder.ticket();
        recorder.handIn(meanwhile, null, SendResult.sent(14, "<14@test>", "250 ok"));
        recorder.handIn(meanwhile, null, SendResult.sent(15, "<15@test>", "250 ok"));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertDoesNotThrow(meanwhile::awaitStored));
        assertEquals(List.of(14L, 15L), slow.stored.stream().sorted().toList(), "stored while 13 still waits");
        slow.release.countDown();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertDoesNotThrow(held::awaitStored));
        assertTrue(slow.stored.contains(13L));
    }

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
