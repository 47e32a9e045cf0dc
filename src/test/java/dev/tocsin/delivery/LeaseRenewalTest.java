package dev.tocsin.delivery;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A batch that takes far longer than the lease to send (one broker message of 120 deliveries behind a
 * 20-per-second SMTP throttle: six seconds, against a three-second lease and a sweeper that takes expired
 * leases back every second): the worker renews its lease as it goes, so nobody else sends those notices and
 * each recipient gets exactly one.
 */
@QuarkusTest
@TestProfile(LeaseRenewalTest.ShortLease.class)
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class LeaseRenewalTest {

    static final int RECIPIENTS = 120;

    public static class ShortLease implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tocsin.delivery.lease", "PT3S",
                    "tocsin.throttle.smtp.per-second", "20");
        }
    }

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    @Test
    void aLongBatchKeepsItsLeaseAndNothingIsSentTwice() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String campaign = Api.createCampaign(Api.incidentWithEmailAccounts("l", run, RECIPIENTS), List.of("password"));
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        Api.awaitCompleted(campaign);

        Api.get("/api/campaigns/" + campaign + "/stats").body("byStatus.sent", equalTo(RECIPIENTS));
        Map<String, Long> received = TestServices.receivedPerRecipient(run);
        assertEquals(RECIPIENTS, received.size(), "everyone got the notice");
        assertEquals(List.of(), received.entrySet().stream().filter(e -> e.getValue() > 1).toList(),
                "nobody got it twice");
    }
}
