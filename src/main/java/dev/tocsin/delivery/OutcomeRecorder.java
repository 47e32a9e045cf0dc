package dev.tocsin.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Stores what every worker's sends came to, as they come: each answer is handed in the moment the provider
 * gives it, and a recorder thread commits everything handed in over a few milliseconds (a group commit: under load
 * one transaction carries many workers' answers; an answer is stored within about 10 ms). So a crash re-sends only
 * the notices in flight, not what the workers sent since their last record. A worker waits for its own answers to
 * be stored before it acknowledges its batch. There are {@code tocsin.delivery.recorders} threads: while one waits
 * for its commit (the database's round trips and WAL flush), the next gathers and stores the answers that came
 * meanwhile. Each answer is one delivery's, so two groups update different rows and their transactions do not wait
 * on each other (unless both suppress the same address at once, a short wait).
 */
@ApplicationScoped
public class OutcomeRecorder {

    private static final Logger LOG = Logger.getLogger(OutcomeRecorder.class);

    /** The most answers one transaction carries (a worker's chunk is at most 200; several workers' fit). */
    private static final int MAX_GROUP = 2000;

    /**
     * How long the first answer of a group waits for others before the commit: at full speed one commit then
     * carries a few milliseconds of every worker's answers instead of a handful (each commit costs PostgreSQL
     * a WAL flush), and an answer is still stored within about 10 ms.
     */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(4);

    @Inject
    DeliveryOutcomes outcomes;

    @Inject
    DeliveryConfig config;

    @Inject
    MeterRegistry metrics;

    /** Time spent committing answers, summed over the recorder threads: how busy they are (bench/fanout.sh). */
    private Timer commits;

    /** What one worker handed in for a chunk, and whether all of it is stored yet. */
    public static final class Ticket {
        private final Runnable keepRecording;
        private int handedIn;
        private int stored;
        private SQLException failure;

        private Ticket(Runnable keepRecording) {
            this.keepRecording = keepRecording;
        }

        private synchronized void handIn() {
            handedIn++;
        }

        private synchronized void stored(int count) {
            stored += count;
            notifyAll();
        }

        private synchronized void failed(SQLException e) {
            failure = e;
            notifyAll();
        }

        /** Waits until every answer handed in on this ticket is committed; a failed commit is thrown here. */
        public synchronized void awaitStored() throws SQLException {
            boolean interrupted = false;
            while (stored < handedIn && failure == null) {
                try {
                    // wakes every second to make sure a recorder thread is there to store them
                    wait(1000);
                    keepRecording.run();
                } catch (InterruptedException e) {
                    // the answers are on their way to the database: wait for them all the same
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private record Answer(ClaimedDelivery delivery, SendResult result, Ticket ticket) {
    }

    private final LinkedBlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
    private volatile boolean running = true;
    private Thread[] committers;

    @PostConstruct
    void init() {
        setUp(config.delivery().recorders(), metrics.timer("tocsin.delivery.recorder.commit"));
    }

    /** How many threads store answers, and where their commit time is counted (tests set it up without CDI). */
    synchronized void setUp(int threads, Timer commitTime) {
        committers = new Thread[Math.max(1, threads)];
        commits = commitTime;
    }

    public Ticket ticket() {
        return new Ticket(this::ensureStarted);
    }

    /** Hands in one answer (not a held notice: that one was not sent). */
    public void handIn(Ticket ticket, ClaimedDelivery delivery, SendResult result) {
        ensureStarted();
        ticket.handIn();
        answers.add(new Answer(delivery, result, ticket));
    }

    /** Starts the recorder threads, or a new one for any that ended (it should not; see commitLoop). */
    private synchronized void ensureStarted() {
        for (int i = 0; i < committers.length; i++) {
            Thread committer = committers[i];
            if (committer == null || !committer.isAlive()) {
                if (committer != null && running) {
                    LOG.error("an outcome recorder's thread had ended; a new one takes over the answers waiting");
                }
                committer = new Thread(this::commitLoop, "outcome-recorder-" + (i + 1));
                committer.setDaemon(true);
                committer.start();
                committers[i] = committer;
            }
        }
    }

    private void commitLoop() {
        List<Answer> group = new ArrayList<>();
        while (running || !answers.isEmpty()) {
            try {
                Answer first = answers.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                long until = System.nanoTime() + LINGER_NANOS;
                group.add(first);
                answers.drainTo(group, MAX_GROUP - 1);
                long left;
                while (group.size() < MAX_GROUP && (left = until - System.nanoTime()) > 0) {
                    Answer next = answers.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    group.add(next);
                    answers.drainTo(group, MAX_GROUP - group.size());
                }
                store(group);
            } catch (InterruptedException e) {
                answers.drainTo(group);
                store(group);
                return;
            } catch (Throwable broke) {
                // Whatever broke (out of memory while storing, a bug), the workers waiting on these answers are
                // told, and the thread goes on: a dead recorder would leave every worker waiting for ever.
                LOG.errorf(broke, "storing %d answers broke; their workers hand their batches back", group.size());
                SQLException failure = new SQLException("storing the outcomes broke: " + broke, broke);
                group.forEach(a -> a.ticket().failed(failure));
            } finally {
                group.clear();
            }
        }
    }

    /** Commits the group; if that fails, each worker's part alone, so one bad answer holds up only its own worker. */
    private void store(List<Answer> group) {
        if (group.isEmpty()) {
            return;
        }
        try {
            long start = System.nanoTime();
            commit(group);
            commits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            countStored(group);
            return;
        } catch (SQLException | RuntimeException | Error e) {
            LOG.debugf("storing %d answers together failed (%s); storing each worker's part alone", group.size(), e.getMessage());
        }
        Map<Ticket, List<Answer>> byTicket = new LinkedHashMap<>();
        group.forEach(a -> byTicket.computeIfAbsent(a.ticket(), t -> new ArrayList<>()).add(a));
        byTicket.forEach((ticket, part) -> {
            try {
                commit(part);
                ticket.stored(part.size());
            } catch (SQLException e) {
                ticket.failed(e);
            } catch (RuntimeException | Error e) {
                ticket.failed(new SQLException("storing the outcomes failed: " + e, e));
            }
        });
    }

    private void commit(List<Answer> part) throws SQLException {
        List<ClaimedDelivery> deliveries = new ArrayList<>(part.size());
        List<SendResult> results = new ArrayList<>(part.size());
        for (Answer a : part) {
            if (a.delivery() != null) {
                deliveries.add(a.delivery());
            }
            results.add(a.result());
        }
        outcomes.record(deliveries, results);
    }

    private static void countStored(List<Answer> group) {
        Map<Ticket, Integer> counts = new LinkedHashMap<>();
        group.forEach(a -> counts.merge(a.ticket(), 1, Integer::sum));
        counts.forEach(Ticket::stored);
    }

    @PreDestroy
    void stop() {
        // no interrupt: a commit in progress finishes; the loop stores what is left and ends
        running = false;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Thread[] threads;
        synchronized (this) {
            threads = committers.clone();
        }
        for (Thread t : threads) {
            if (t != null) {
                try {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
