package dev.tocsin.audience;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded fuzz of the CSV and NDJSON readers and of the template upload, through the API: hostile bytes mixed
 * with good rows. Asserts only what must always hold: the answer is a 2xx or a 4xx with a reason (never a
 * 5xx, never a hung request), and every account stored is exactly as one of the good rows said.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class UploadFuzzTest {

    private static final String[] HOSTILE = {"\u0000", "\"", "\"\"", ",", "\r", "\n", "\r\n", ";", "\t", "{", "}", "[",
            "]", ":", "\\", "\\u0000", "%00", "\u202e", "\ufeff", "😀", "\ud800", "é", "{#eval name/}", "=cmd|' /C calc'!A0",
            "<script>", "password", "account_id", "x".repeat(70_000), "+14155550101", "a@b.co", "en", "\u0085"};
    private static final byte[][] BAD_BYTES = {{(byte) 0xff}, {(byte) 0xc3, (byte) 0x28}, {(byte) 0xe2, (byte) 0x82},
            {(byte) 0xf0, (byte) 0x9f, (byte) 0x98}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}};

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void users() {
        TestUsers.ensure();
        RestAssured.config = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", 60_000).setParam("http.connection.timeout", 10_000));
    }

    private static byte[] garbage(Random random, boolean quotes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pieces = 1 + random.nextInt(8);
        for (int i = 0; i < pieces; i++) {
            if (random.nextInt(5) == 0) {
                out.writeBytes(BAD_BYTES[random.nextInt(BAD_BYTES.length)]);
            } else {
                String piece = HOSTILE[random.nextInt(HOSTILE.length)];
                if (!quotes) {
                    piece = piece.replace("\"", "'").replace("\n", " ").replace("\r", " ");
                }
                out.writeBytes(piece.getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    @Test
    void csvAndNdjsonUploadsNeverFailOnTheServerAndKeepGoodRowsIntact() throws Exception {
        Random random = new Random(20261127);
        for (int round = 0; round < 40; round++) {
            String run = UUID.randomUUID().toString().substring(0, 6);
            String incident = Api.createIncident("fuzz " + run);
            boolean ndjson = round % 2 == 1;
            boolean quotes = random.nextBoolean();
            Map<String, String[]> good = new HashMap<>();
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            if (!ndjson) {
                file.writeBytes("account_id,email,name,exposed\n".getBytes(StandardCharsets.UTF_8));
            }
            int rows = 5 + random.nextInt(30);
            for (int i = 0; i < rows; i++) {
                if (random.nextInt(3) == 0) {
                    file.writeBytes(garbage(random, quotes || ndjson));
                    file.writeBytes("\n".getBytes(StandardCharsets.UTF_8));
                }
                String id = "fz" + run + "-" + i;
                String[] row = {id, id + "@example.com", "Name " + i + " Ünïcødé", "password"};
                good.put(id, row);
                String line = ndjson
                        ? "{\"account_id\":\"" + row[0] + "\",\"email\":\"" + row[1] + "\",\"name\":\"" + row[2] + "\",\"exposed\":\"" + row[3] + "\"}"
                        : String.join(",", row);
                file.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            Response response = RestAssured.given().contentType(ndjson ? "application/x-ndjson" : "text/csv")
                    .body(file.toByteArray()).post("/api/incidents/" + incident + "/accounts");
            int status = response.statusCode();
            assertTrue(status >= 200 && status < 500, "round " + round + ": " + status + " " + response.asString());
            if (status >= 400) {
                assertTrue(response.jsonPath().getString("message") != null, "a 4xx says why");
            }
            Map<String, String[]> stored = stored("fz" + run + "-");
            for (Map.Entry<String, String[]> account : stored.entrySet()) {
                String[] expected = good.get(account.getKey());
                assertTrue(expected != null, "round " + round + ": stored an account no good row named: " + account.getKey());
                assertEquals(List.of(expected[1], expected[2]), List.of(account.getValue()), "round " + round);
            }
            if (status == 200 && (ndjson || !quotes)) {
                // Without quotes to join lines, garbage cannot swallow a good row: every one is taken in
                assertEquals(good.keySet(), stored.keySet(), "round " + round + ": " + response.asString());
            }
        }
    }

    private Map<String, String[]> stored(String prefix) throws Exception {
        Map<String, String[]> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT account_id, email, name FROM account WHERE account_id LIKE ?")) {
            ps.setString(1, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new String[]{rs.getString(2), rs.getString(3)});
                }
            }
        }
        return out;
    }

    @Test
    void templateUploadsNeverFailOnTheServer() {
        String incident = Api.createIncident("template fuzz");
        String campaign = Api.campaign(incident).name("fuzz").create();
        String[] pieces = {"{", "}", "{#for a in categories}", "{/for}", "{#if name}", "{#else}", "{/if}", "{/}",
                "{#each categories}", "{/each}", "{name}", "{it}", "{#let x=name}", "{/let}", "{#eval name/}",
                "{#for i in 99999999}", "{!", "!}", "{|", "|}", "\\", "\n", "x", "\u0000", "{categories.size}",
                "{#include x/}", "{name.getClass()}", "{inject:x}", "{#when name}{#is 'a'}A{/when}", "😀", "\ud800",
                "{#for a in categories}".repeat(21)};
        Random random = new Random(99);
        for (int run = 0; run < 150; run++) {
            StringBuilder source = new StringBuilder();
            int count = 1 + random.nextInt(30);
            for (int k = 0; k < count; k++) {
                source.append(pieces[random.nextInt(pieces.length)]);
            }
            String part = List.of("sms.txt", "email.html", "email-subject.txt").get(random.nextInt(3));
            Response response = RestAssured.given().contentType("text/plain; charset=UTF-8").body(source.toString())
                    .put("/api/campaigns/" + campaign + "/templates/en/" + part);
            int status = response.statusCode();
            assertTrue(status == 200 || (status >= 400 && status < 500), run + ": " + status + " " + response.asString());
            if (status >= 400) {
                assertTrue(response.jsonPath().getString("message") != null, "a 4xx says why");
            }
        }
    }
}
