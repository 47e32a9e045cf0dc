package dev.tocsin.delivery;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * A batch claimed in two parts: the first few ids now, the rest by another thread while the first part is sent. A
 * worker waited for the whole batch's claim (1,000 rows) before its first notice went out, a sixth of its time at
 * full speed (bench/README.md). The rest is held by the {@link ClaimKeeper} from the moment it is claimed, so its
 * leases are renewed however long the first part takes; if the first part fails, the rest goes back to the queue
 * unsent ({@link #abandon}).
 */
final class SplitClaim {

    @FunctionalInterface
    interface Claimer {
        List<ClaimedDelivery> claim(List<Long> ids) throws SQLException;
    }

    @FunctionalInterface
    interface HandBack {
        void handBack(List<ClaimedDelivery> claimed) throws SQLException;
    }

    private final List<ClaimedDelivery> first;
    private final Future<List<ClaimedDelivery>> rest;
    private final ClaimKeeper keeper;

    private SplitClaim(List<ClaimedDelivery> first, Future<List<ClaimedDelivery>> rest, ClaimKeeper keeper) {
        this.first = first;
        this.rest = rest;
        this.keeper = keeper;
    }

    /** Claims the first {@code firstSize} ids now and starts claiming the rest on {@code ahead}. */
    static SplitClaim start(List<Long> ids, int firstSize, Claimer claimer, ClaimKeeper keeper, ExecutorService ahead)
            throws SQLException {
        int n = Math.min(ids.size(), firstSize);
        List<ClaimedDelivery> first = claimer.claim(ids.subList(0, n));
        Future<List<ClaimedDelivery>> rest = n == ids.size() ? null : ahead.submit(() -> {
            List<ClaimedDelivery> later = claimer.claim(ids.subList(n, ids.size()));
            keeper.hold(later);
            return later;
        });
        return new SplitClaim(first, rest, keeper);
    }

    List<ClaimedDelivery> first() {
        return first;
    }

    /** Whether nothing at all is left to send: the first part claimed nothing and there is no rest. */
    boolean nothingClaimed() {
        return first.isEmpty() && rest == null;
    }

    /**
     * The rest, once claimed (empty when the batch had no rest); the caller releases it from the keeper when
     * it is sent. Throws what the rest's claim threw.
     */
    List<ClaimedDelivery> rest() throws SQLException {
        if (rest == null) {
            return List.of();
        }
        try {
            return rest.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while claiming the rest of a batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException("the rest of a batch could not be claimed", e.getCause());
        }
    }

    /**
     * The first part failed: the rest, once claimed, is handed back to the queue unsent. If even that fails, it is
     * released all the same, so its lease runs out and the sweeper queues it again.
     */
    void abandon(HandBack handBack) {
        List<ClaimedDelivery> later;
        try {
            later = rest();
        } catch (SQLException | RuntimeException e) {
            return; // nothing of the rest was claimed
        }
        keeper.release(later);
        if (!later.isEmpty()) {
            try {
                handBack.handBack(later);
            } catch (SQLException | RuntimeException e) {
                // left to its lease
            }
        }
    }
}
