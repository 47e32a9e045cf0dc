package dev.tocsin.audience;

import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One upload's batches on their way to the database. The request's thread reads and checks rows while a thread of
 * the upload's own commits the batch before (on a two-core box the file's parsing and the database's merging then
 * overlap instead of taking turns). At most one batch waits between them, so memory stays at three batches
 * whatever the file's size. Batches are committed in file order, one transaction each: when one fails, the ones
 * before it stay and {@link #committedLine()} says where the file stopped being taken in.
 */
final class UploadBatches {

    private static final Logger LOG = Logger.getLogger(UploadBatches.class);

    /** A batch of checked rows, the lines refused in it, and the file's line it ends on. */
    private record Batch(List<AccountRow> rows, List<RowError> errors, long line) {
    }

    private static final Batch END = new Batch(List.of(), List.of(), -1);

    private final AccountBatchWriter writer;
    private final String incidentId;
    private final String uploadId;
    private final Runnable refreshStatistics;
    private final BlockingQueue<Batch> waiting = new ArrayBlockingQueue<>(1);
    private final Thread committer;
    private final List<RowError> shown = new ArrayList<>();

    // written by the committer thread, read by the request's thread after join() or while it waits
    private volatile long accepted;
    private volatile long rejected;
    private volatile long committedLine;
    private volatile Exception failure;
    private long statisticsAt = AccountImporter.STATISTICS_AFTER_ROWS;
    /** Whether the batch before brought only accounts the database did not know (the next is tried as all new). */
    private boolean expectNew = true;

    UploadBatches(AccountBatchWriter writer, String incidentId, String uploadId, long headerLine, Runnable refreshStatistics) {
        this.writer = writer;
        this.incidentId = incidentId;
        this.uploadId = uploadId;
        this.committedLine = headerLine;
        this.refreshStatistics = refreshStatistics;
        this.committer = new Thread(this::commitInTurn, "upload-" + uploadId.substring(0, Math.min(8, uploadId.length())));
        this.committer.setDaemon(true);
        this.committer.start();
    }

    /** Hands a batch over (waits while the one before is still waiting); fails with the committer's failure. */
    void add(List<AccountRow> rows, List<RowError> errors, long line) throws SQLException {
        Batch batch = new Batch(rows, errors, line);
        try {
            while (!waiting.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                rethrowFailure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the upload was interrupted", e);
        }
        rethrowFailure();
    }

    /** Waits until every batch handed over is committed (or one failed, which it throws). */
    void finish() throws SQLException {
        try {
            while (committer.isAlive() && !waiting.offer(END, 100, TimeUnit.MILLISECONDS)) {
                // the committer is busy with the batch before: wait for its turn
            }
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the upload was interrupted", e);
        }
        rethrowFailure();
    }

    long accepted() {
        return accepted;
    }

    long rejected() {
        return rejected;
    }

    long committedLine() {
        return committedLine;
    }

    /** The first refused lines (at most {@link AccountImporter#ERRORS_IN_ANSWER}), in file order. */
    List<RowError> shown() {
        List<RowError> sorted = new ArrayList<>(shown);
        sorted.sort((a, b) -> Long.compare(a.line(), b.line()));
        return sorted;
    }

    private void rethrowFailure() throws SQLException {
        Exception e = failure;
        if (e instanceof SQLException sql) {
            throw sql;
        }
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
    }

    private void commitInTurn() {
        try {
            for (Batch batch = waiting.take(); batch != END; batch = waiting.take()) {
                var outcome = writer.write(incidentId, uploadId, batch.rows(), batch.errors(), batch.line(), accepted,
                        rejected, expectNew);
                expectNew = outcome.noneKnown();
                accepted += outcome.accepted();
                rejected += batch.errors().size() + outcome.duplicates().size();
                List<RowError> refused = new ArrayList<>(batch.errors());
                refused.addAll(outcome.duplicates());
                // in file order, so that the answer's first lines are the file's first refused lines
                refused.sort((a, b) -> Long.compare(a.line(), b.line()));
                collect(refused);
                committedLine = batch.line();
                if (accepted >= statisticsAt) {
                    refreshStatistics.run();
                    statisticsAt = accepted * 2;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IllegalStateException("the upload was interrupted", e);
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("upload %s: a batch was refused: %s", uploadId, e.getClass().getSimpleName());
            failure = e;
            waiting.clear(); // the request's thread may be waiting to hand over the next one
        }
    }

    private void collect(List<RowError> errors) {
        for (RowError e : errors) {
            if (shown.size() >= AccountImporter.ERRORS_IN_ANSWER) {
                return;
            }
            shown.add(e);
        }
    }
}
