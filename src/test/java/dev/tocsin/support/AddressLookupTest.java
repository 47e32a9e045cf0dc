package dev.tocsin.support;

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
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * "Did I get the notice?" asked with the address it went to, in whatever case the caller spells it: every notice
 * to that address is listed newest first, including one a worker is sending at that very moment (the address
 * index leaves those rows out on PostgreSQL, V39).
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class AddressLookupTest {

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void signIn() {
        TestUsers.ensure();
    }

    @Test
    void supportFindsEveryNoticeToAnAddressWhateverItsState() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.incidentWithEmailAccounts("lookup", run, 1);
        String first = Api.launchAndWait(incident, "first " + run, List.of("email"), "all");
        String second = Api.launchAndWait(incident, "second " + run, List.of("email"), "all");
        // the second notice as it is while a worker holds it: claimed, not yet recorded
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE delivery SET status = 'SENDING', sent_at = NULL, reference = NULL, claim_token = 'held-by-a-worker'"
                        + " WHERE campaign_id = ?")) {
            ps.setString(1, second);
            assertEquals(1, ps.executeUpdate());
        }

        List<Map<String, Object>> found = TestUsers.as(TestUsers.SUPPORT).queryParam("email", "  LOOKUP0-" + run.toUpperCase() + "@Example.COM ")
                .get("/api/deliveries").then().statusCode(200).extract().path("");
        assertEquals(2, found.size(), found.toString());
        assertEquals(second, found.get(0).get("campaignId"), "newest first");
        assertEquals("sending", String.valueOf(found.get(0).get("status")).toLowerCase());
        assertEquals(first, found.get(1).get("campaignId"));
        assertEquals("sent", String.valueOf(found.get(1).get("status")).toLowerCase());

        // settled again, it is still found once (not twice through both look-ups)
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE delivery SET status = 'FAILED', claim_token = NULL WHERE campaign_id = ?")) {
            ps.setString(1, second);
            assertEquals(1, ps.executeUpdate());
        }
        List<Map<String, Object>> again = TestUsers.as(TestUsers.SUPPORT).queryParam("email", "lookup0-" + run + "@example.com")
                .get("/api/deliveries").then().statusCode(200).extract().path("");
        assertEquals(2, again.size(), again.toString());
        assertEquals("failed", String.valueOf(again.get(0).get("status")).toLowerCase());
    }
}
