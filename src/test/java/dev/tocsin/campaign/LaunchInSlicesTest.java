package dev.tocsin.campaign;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A launch creates its deliveries in slices (200 accounts in the tests, the first one 20): every account is
 * notified once, the campaign completes only after the last slice, and a creation job that died with its
 * instance is taken up again from where it stood; deliveries whose broker message was lost are handed over
 * again by the sweeper.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class LaunchInSlicesTest {

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private void assertEveryoneOnce(String campaign, String run, int accounts) {
        Api.awaitCompleted(campaign);
        Api.get("/api/campaigns/" + campaign + "/stats").body("total", equalTo(accounts))
                .body("byStatus.sent", equalTo(accounts));
        Map<String, Long> received = TestServices.receivedPerRecipient(run);
        assertEquals(accounts, received.size(), "every account got the notice");
        assertEquals(List.of(), received.entrySet().stream().filter(e -> e.getValue() > 1).toList(), "nobody got it twice");
    }

    @Test
    void aLaunchCreatesItsDeliveriesSliceBySliceAndCompletesWithTheLast() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int accounts = 450; // slices of 20 (in the launch request), 200, 200 and 30
        String campaign = Api.createCampaign(Api.incidentWithEmailAccounts("s", run, accounts), List.of("password"));
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200).body("status", equalTo("RUNNING"));

        assertEveryoneOnce(campaign, run, accounts);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT creation_cursor, deliveries_created_at, completed_at"
                     + " FROM campaign WHERE id = ?")) {
            ps.setString(1, campaign);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertNull(rs.getString(1), "the last slice ran to the last account");
                OffsetDateTime created = rs.getObject(2, OffsetDateTime.class);
                assertNotNull(created);
                assertEquals(true, !rs.getObject(3, OffsetDateTime.class).isBefore(created),
                        "completed only once every delivery existed");
            }
        }
    }

    @Test
    void creationThatStoppedWithItsInstanceIsTakenUpAgain() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int accounts = 300;
        String campaign = Api.createCampaign(Api.incidentWithEmailAccounts("s", run, accounts), List.of("password"));
        Api.approve(campaign).statusCode(200);
        // What an instance leaves behind if it dies right after the launch moved the campaign to RUNNING: no
        // deliveries handed over, a creation job whose heartbeat went quiet an hour ago.
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE campaign SET status = 'RUNNING', launched_at = ?,"
                     + " publish_started_at = ?, audience_total = ?, unreachable = 0 WHERE id = ?")) {
            OffsetDateTime anHourAgo = OffsetDateTime.now().minusHours(1);
            ps.setObject(1, anHourAgo);
            ps.setObject(2, anHourAgo);
            ps.setInt(3, accounts);
            ps.setString(4, campaign);
            assertEquals(1, ps.executeUpdate());
        }
        assertEveryoneOnce(campaign, run, accounts);
    }

    @Test
    void deliveriesWhoseBatchWasLostAreHandedOverAgain() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int accounts = 250;
        String incident = Api.incidentWithEmailAccounts("l", run, accounts);
        String campaign = Api.createCampaign(incident, List.of("password"));
        Api.approve(campaign).statusCode(200);
        // What a broker that lost its messages leaves behind: every delivery created and handed over an hour
        // ago, none ever claimed. Only the sweeper's rule for such campaigns can find these rows: they carry
        // no next attempt time and were never handed over by the sweeper itself.
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            OffsetDateTime anHourAgo = OffsetDateTime.now().minusHours(1);
            try (PreparedStatement ps = c.prepareStatement("UPDATE campaign SET status = 'RUNNING', launched_at = ?,"
                    + " publish_started_at = ?, published_at = ?, deliveries_created_at = ?, audience_total = ?,"
                    + " unreachable = 0 WHERE id = ?")) {
                for (int i = 1; i <= 4; i++) {
                    ps.setObject(i, anHourAgo);
                }
                ps.setInt(5, accounts);
                ps.setString(6, campaign);
                assertEquals(1, ps.executeUpdate());
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO delivery (campaign_id, account_id, channel,"
                    + " address, locale, status, attempts, created_at, updated_at)"
                    + " SELECT ?, a.account_id, 'email', a.email, a.locale, 'QUEUED', 0, ?, ?"
                    + " FROM exposure e JOIN account a ON a.account_id = e.account_id WHERE e.incident_id = ?")) {
                ps.setString(1, campaign);
                ps.setObject(2, anHourAgo);
                ps.setObject(3, anHourAgo);
                ps.setString(4, incident);
                assertEquals(accounts, ps.executeUpdate());
            }
            c.commit();
        }
        assertEveryoneOnce(campaign, run, accounts);
    }
}
