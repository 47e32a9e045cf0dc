package dev.tocsin.audience;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestProfile(UploadLimitTest.SmallLimit.class)
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class UploadLimitTest {

    @org.junit.jupiter.api.BeforeEach
    void signIn() {
        dev.tocsin.testing.TestUsers.ensure();
    }

    public static class SmallLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tocsin.upload.max-bytes", "150000", "tocsin.upload.batch-size", "100");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void aDeclaredSizeOverTheLimitIsRefusedBeforeReadingAndSaysTheLimit() {
        String incident = Api.createIncident("limit " + UUID.randomUUID());
        byte[] big = new byte[150_001];
        java.util.Arrays.fill(big, (byte) 'a');
        given().contentType("text/csv").body(big).post("/api/incidents/" + incident + "/accounts").then()
                .statusCode(413)
                .body("error", equalTo("upload_too_large"))
                .body("message", containsString("the limit is 150000 bytes"));
    }

    @Test
    void aStreamThatGrowsPastTheLimitKeepsTheRowsBeforeAndSaysWhereItStopped() throws Exception {
        String r = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("limit stream " + r);
        HttpURLConnection http = (HttpURLConnection) new URL(base, "/api/incidents/" + incident + "/accounts").openConnection();
        http.setRequestMethod("POST");
        http.setDoOutput(true);
        http.setRequestProperty("Content-Type", "text/csv");
        http.setRequestProperty("Authorization", dev.tocsin.testing.TestUsers.basicHeader(dev.tocsin.testing.TestUsers.OPERATOR));
        http.setChunkedStreamingMode(8192); // no Content-Length: the limit must be enforced while reading
        try (OutputStream out = http.getOutputStream(); InputStream csv = new GeneratedCsv(r, 5_000, 0)) {
            csv.transferTo(out);
        } catch (java.io.IOException serverStoppedReading) {
            // expected once the server answers 413 mid-stream
        }
        assertEquals(413, http.getResponseCode());
        String body = new String(http.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"error\":\"upload_too_large\""), body);
        assertTrue(body.contains("were accepted and kept; upload the rest of the file from line"), body);
        Map<String, Object> upload = Api.get("/api/incidents/" + incident + "/uploads").extract().path("[0]");
        int accepted = (int) upload.get("accepted");
        assertTrue(accepted > 0 && accepted < 5_000, upload.toString());
        assertEquals("FAILED", upload.get("status"));
    }
}
