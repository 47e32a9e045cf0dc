package dev.tocsin.audience;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestServices;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A million generated accounts on PostgreSQL (the production path: COPY into a staging table, set-based merges,
 * batches committed while the next is read): every count exact, the bad lines named, a repeat a million lines after
 * its first line found across batches. Times belong to bench/upload.sh, not here.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class MillionRowUploadTest {

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void users() {
        dev.tocsin.testing.TestUsers.ensure();
    }

    @Test
    void aMillionRowsAreTakenInWithExactCountsAndEveryBadLineNamed() throws Exception {
        String incident = Api.createIncident("a million accounts " + UUID.randomUUID());
        int rows = 1_000_000;
        // The same account ids on every run (a re-run updates them instead of adding a million more); every
        // 100,000th row has a phone number that is no phone number, and the last line repeats the fifth account.
        InputStream file = new SequenceInputStream(new GeneratedCsv("million", rows, 100_000),
                new ByteArrayInputStream("gen-million-5,again@example.com,,en,UTC,US,Repeat,email\n".getBytes(StandardCharsets.UTF_8)));
        try {
            ExtractableResponse<Response> answer = given().contentType("text/csv").body(file)
                    .post("/api/incidents/" + incident + "/accounts").then().statusCode(200).extract();
            assertEquals(rows - 10, (int) answer.path("accepted"));
            assertEquals(11, (int) answer.path("rejected"));
            List<Integer> lines = answer.path("errors.line");
            assertEquals(List.of(100_001, 200_001, 300_001, 400_001, 500_001, 600_001, 700_001, 800_001, 900_001,
                    1_000_001, 1_000_002), lines);
            String repeat = answer.path("errors[10].reason");
            assertTrue(repeat.contains("already appears on line 6"), repeat);
            assertEquals(rows - 10, count("SELECT count(*) FROM exposure WHERE incident_id = ?", incident));
            assertEquals(11, count("SELECT count(*) FROM upload_error e JOIN account_upload u ON u.id = e.upload_id"
                    + " WHERE u.incident_id = ?", incident));
            // the repeat changed nothing: the fifth account keeps the file's first line
            assertEquals(1, count("SELECT count(*) FROM account WHERE account_id = 'gen-million-5'"
                    + " AND email = 'user5-million@example.com' AND ? IS NOT NULL", incident));
        } finally {
            count("WITH gone AS (DELETE FROM exposure WHERE incident_id = ? RETURNING 1) SELECT count(*) FROM gone", incident);
        }
    }

    private long count(String sql, String incident) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, incident);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
