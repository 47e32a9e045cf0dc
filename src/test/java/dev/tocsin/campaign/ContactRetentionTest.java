package dev.tocsin.campaign;

import dev.tocsin.audience.Account;
import dev.tocsin.delivery.Delivery;
import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 400 days after a campaign closed its contact data goes and its proof stays: the notices' addresses read
 * "(removed)" with their statuses and hashes as they were (and so does the address where a provider's text or
 * the history quoted it), the accounts only that incident exposed lose their email, phone, name and browser
 * subscriptions, an account another open incident still needs keeps them, and it is audited. A second
 * run changes nothing.
 */
@QuarkusTest
class ContactRetentionTest {

    @Inject
    ContactRetention retention;

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    @Test
    void contactDataGoesAfterRetentionAndTheProofStays() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("retention " + run);
        Api.uploadCsv(incident, "account_id,email,phone,name,exposed\n"
                + "only-" + run + ",only-" + run + "@example.com,+14155550101,Ada Only,password\n"
                + "shared-" + run + ",shared-" + run + "@example.com,+14155550102,Sam Shared,password\n").statusCode(200);
        String campaign = Api.launchAndWait(incident, "retention " + run, List.of("email"), "all");
        // another incident, still being worked on, exposed the shared account too
        String other = Api.createIncident("retention other " + run);
        Api.uploadCsv(other, "account_id,email,exposed\nshared-" + run + ",shared-" + run + "@example.com,ssn\n").statusCode(200);
        Api.campaign(other).name("open " + run).create();

        Map<Long, String> hashesBefore = hashes(campaign);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE campaign SET completed_at = ? WHERE id = ?")) {
            ps.setObject(1, OffsetDateTime.now().minusDays(401));
            ps.setString(2, campaign);
            ps.executeUpdate();
            // what providers say may quote the address, in their own case; both accounts have a browser subscribed
            c.createStatement().executeUpdate("UPDATE delivery SET provider_response = '250 2.0.0 OK queued for <ONLY-"
                    + run.toUpperCase() + "@EXAMPLE.COM>', last_error = 'attempt 1: 451 4.2.0 <only-" + run
                    + "@example.com> try later' WHERE campaign_id = '" + campaign + "' AND address = 'only-" + run + "@example.com'");
            c.createStatement().executeUpdate("INSERT INTO delivery_event (delivery_id, status, at, detail) SELECT id,"
                    + " 'QUEUED', CURRENT_TIMESTAMP, 'attempt 1: 451 4.2.0 <only-" + run + "@example.com> try later'"
                    + " FROM delivery WHERE campaign_id = '" + campaign + "' AND address = 'only-" + run + "@example.com'");
            for (String account : List.of("only-" + run, "shared-" + run)) {
                c.createStatement().executeUpdate("INSERT INTO push_subscription (account_id, endpoint, p256dh, auth,"
                        + " created_at, updated_at) VALUES ('" + account + "', 'https://push.example.net/" + account
                        + "', 'k', 'a', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            }
        }
        ContactRetention.Removed removed = retention.run();
        assertEquals(2L, removed.notices().get(campaign));
        assertEquals(1L, removed.accounts().get(incident), "only the account no open incident needs");

        QuarkusTransaction.requiringNew().run(() -> {
            List<Delivery> notices = Delivery.list("campaignId", campaign);
            assertEquals(2, notices.size());
            for (Delivery d : notices) {
                assertEquals("(removed)", d.address);
                assertEquals("SENT", d.status.name());
                assertNotNull(d.reference);
            }
            Account only = Account.findById("only-" + run);
            assertNull(only.email);
            assertNull(only.phone);
            assertNull(only.name);
            Account shared = Account.findById("shared-" + run);
            assertEquals("shared-" + run + "@example.com", shared.email, "another incident still needs it");
        });
        assertEquals(hashesBefore, hashes(campaign), "the hashes of what was sent stay");
        assertEquals(0, count("SELECT count(*) FROM delivery WHERE campaign_id = '" + campaign + "' AND (LOWER(provider_response)"
                + " LIKE '%only-" + run + "%' OR LOWER(last_error) LIKE '%only-" + run + "%')"), "no provider's text quotes the address");
        assertEquals(1, count("SELECT count(*) FROM delivery WHERE campaign_id = '" + campaign + "' AND provider_response"
                + " = '250 2.0.0 ok queued for <(removed)>'"), "the rest of the provider's answer stays");
        assertEquals(0, count("SELECT count(*) FROM delivery_event e JOIN delivery d ON d.id = e.delivery_id WHERE"
                + " d.campaign_id = '" + campaign + "' AND LOWER(e.detail) LIKE '%only-" + run + "%'"), "nor the history");
        assertEquals(0, count("SELECT count(*) FROM push_subscription WHERE account_id = 'only-" + run + "'"),
                "the browser subscription went with the account's contact data");
        assertEquals(1, count("SELECT count(*) FROM push_subscription WHERE account_id = 'shared-" + run + "'"),
                "another incident still needs the shared account's");

        String report = given().get("/api/campaigns/" + campaign + "/report.csv").then().statusCode(200).extract().asString();
        List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(report)).getRecords();
        assertEquals(2, rows.size(), "the proof still lists every notice");
        for (CSVRecord row : rows) {
            assertEquals("(removed)", row.get("address_masked"));
            assertEquals("sent", row.get("final_status").toLowerCase());
            assertTrue(row.get("notice_sha256_of_bytes_sent").matches("[0-9a-f]{64}"), row.toString());
        }
        TestUsers.as(TestUsers.AUDITOR).queryParam("actor", "retention").queryParam("objectId", campaign).get("/api/audit")
                .then().statusCode(200).body("action", hasItem("contact-data.remove"));

        ContactRetention.Removed again = retention.run();
        assertTrue(again.notices().isEmpty() && again.accounts().isEmpty(), "a second run finds nothing to do: " + again);
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); java.sql.ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Map<Long, String> hashes(String campaign) throws Exception {
        Map<Long, String> hashes = new java.util.TreeMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, content_sha256 FROM delivery WHERE campaign_id = ?")) {
            ps.setString(1, campaign);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hashes.put(rs.getLong(1), rs.getString(2));
                    assertNotNull(rs.getString(2), "a sent notice has the hash of its bytes");
                }
            }
        }
        return hashes;
    }
}
