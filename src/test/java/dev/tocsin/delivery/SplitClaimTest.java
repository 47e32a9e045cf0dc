package dev.tocsin.delivery;

import dev.tocsin.common.Channel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch claimed in two parts: the rest is claimed while the first part is sent, its leases are renewed from the
 * moment it is claimed, and when the first part fails the rest goes back to the queue instead of waiting in
 * SENDING for its lease to run out. (The claims below stand in for the database only to count what is asked of it;
 * the split and the keeper are the real ones.)
 */
class SplitClaimTest {

    /** Claims every id it is asked for; counts lease renewals by delivery. */
    static final class CountingClaims extends DeliveryClaims {
        final List<Long> renewed = new CopyOnWriteArrayList<>();

        @Override
        public void extendLease(List<ClaimedDelivery> batch) {
            batch.forEach(d -> renewed.add(d.id()));
        }
    }

    private final ExecutorService ahead = Executors.newSingleThreadExecutor();
    private final CountingClaims claims = new CountingClaims();
    private final ClaimKeeper keeper = new ClaimKeeper();

    SplitClaimTest() {
        keeper.claims = claims;
    }

    @AfterEach
    void stop() {
        ahead.shutdownNow();
    }

    private static List<ClaimedDelivery> rows(List<Long> ids) {
        ClaimedCampaign campaign = new ClaimedCampaign("c1", 3, "credential-exposure", 1, "email", "all", null, null, null,
                null, java.util.Map.of(), null);
        return ids.stream().map(id -> new ClaimedDelivery(id, campaign, "a" + id, Channel.EMAIL, "p" + id + "@example.com",
                "en", 1, null, null, null, null, null, null, "token", null, null, null)).toList();
    }

    private static List<Long> ids(long from, long to) {
        return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void theRestIsClaimedWhileTheFirstPartIsSentAndItsLeaseIsKept() throws Exception {
        CountDownLatch restClaimed = new CountDownLatch(1);
        SplitClaim claim = SplitClaim.start(ids(1, 1000), 200, ids -> {
            List<ClaimedDelivery> r = rows(ids);
            if (ids.get(0) > 1) {
                restClaimed.countDown();
            }
            return r;
        }, keeper, ahead);
        assertEquals(ids(1, 200), claim.first().stream().map(ClaimedDelivery::id).toList());
        // the first part is still being sent: the rest gets claimed meanwhile, without anyone asking for it
        assertTrue(restClaimed.await(5, TimeUnit.SECONDS), "the rest is claimed while the first part is sent");
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            while (claims.renewed.isEmpty()) {
                keeper.renew();
            }
        });
        assertEquals(ids(201, 1000), claims.renewed, "the keeper renews the rest's leases before it is sent");
        List<ClaimedDelivery> rest = claim.rest();
        assertEquals(ids(201, 1000), rest.stream().map(ClaimedDelivery::id).toList());
        keeper.release(rest);
        claims.renewed.clear();
        keeper.renew();
        assertEquals(List.of(), claims.renewed, "released once sent");
    }

    @Test
    void whenTheFirstPartFailsTheRestGoesBackToTheQueueUnsent() throws Exception {
        SplitClaim claim = SplitClaim.start(ids(1, 500), 200, SplitClaimTest::rows, keeper, ahead);
        List<Long> handedBack = new CopyOnWriteArrayList<>();
        claim.abandon(back -> back.forEach(d -> handedBack.add(d.id())));
        assertEquals(ids(201, 500), handedBack);
        keeper.renew();
        assertEquals(List.of(), claims.renewed, "no lease of the abandoned rest is renewed any more");
    }

    @Test
    void aHandBackThatFailsLeavesTheRestToItsLease() throws Exception {
        SplitClaim claim = SplitClaim.start(ids(1, 500), 200, SplitClaimTest::rows, keeper, ahead);
        claim.abandon(back -> {
            throw new SQLException("database gone");
        });
        keeper.renew();
        assertEquals(List.of(), claims.renewed, "released, so the lease runs out and the sweeper queues it again");
    }

    @Test
    void aFailedClaimOfTheRestIsTheBatchsFailure() throws Exception {
        SplitClaim claim = SplitClaim.start(ids(1, 500), 200, ids -> {
            if (ids.get(0) > 1) {
                throw new SQLException("the claim of the rest failed");
            }
            return rows(ids);
        }, keeper, ahead);
        SQLException told = assertThrows(SQLException.class, claim::rest);
        assertEquals("the claim of the rest failed", told.getMessage());
        claim.abandon(back -> {
            throw new AssertionError("nothing of the rest was claimed, so nothing goes back");
        });
    }

    @Test
    void aSmallBatchIsClaimedInOnePart() throws Exception {
        List<List<Long>> asked = new CopyOnWriteArrayList<>();
        SplitClaim claim = SplitClaim.start(ids(1, 150), 200, ids -> {
            asked.add(List.copyOf(ids));
            return rows(ids);
        }, keeper, ahead);
        assertEquals(List.of(ids(1, 150)), asked);
        assertEquals(List.of(), claim.rest());
    }
}
