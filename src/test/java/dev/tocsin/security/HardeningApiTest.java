package dev.tocsin.security;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's reproductions, each against the running service: what an attacker or a careless operator tried,
 * and what they get now.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class HardeningApiTest {

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private static String run() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static String draftCampaign(String incident) {
        return Api.campaign(incident).name("hardening").create();
    }

    private static ValidatableResponse putTemplate(String campaign, String part, String source) {
        return given().contentType("text/plain; charset=UTF-8").body(source)
                .put("/api/campaigns/" + campaign + "/templates/en/" + part).then();
    }

    // 1. One template upload took the whole service down
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTemplateBombIsRefusedAndTheServiceKeepsAnswering() {
        String campaign = draftCampaign(Api.createIncident("bomb " + run()));
        putTemplate(campaign, "sms.txt", "{#for i in 1000000000}{/for}ok").statusCode(400)
                .body("error", equalTo("template_error")).body("details[0].line", equalTo(1))
                .body("message", containsString("number range"));
        putTemplate(campaign, "sms.txt", "{#if true}".repeat(5_000) + "x" + "{/if}".repeat(5_000)).statusCode(400)
                .body("message", containsString("nested more than"));
        putTemplate(campaign, "sms.txt", "{#for a in categories}".repeat(18) + "x" + "{/for}".repeat(18)).statusCode(400)
                .body("message", containsString("steps"));
        given().get("/api/campaigns/" + campaign).then().statusCode(200).body("status", equalTo("DRAFT"));
    }

    // 2. Account data ran as template code
    @Test
    void anAccountNameIsShownAsWrittenNeverRun() {
        String run = run();
        String incident = Api.createIncident("injection " + run);
        String hostile = "{#for i in 3}INJ{/for}";
        Api.uploadCsv(incident, "account_id,email,name,exposed\ninj-" + run + ",inj-" + run + "@example.com,\""
                + hostile + "\",password\n").statusCode(200).body("accepted", equalTo(1));
        String campaign = draftCampaign(incident);
        putTemplate(campaign, "email.txt", "Hi {#eval name /}").statusCode(400)
                .body("message", containsString("{#eval}"));
        putTemplate(campaign, "email-subject.txt", "Hi {name}").statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("locale", "en", "accountId", "inj-" + run))
                .post("/api/campaigns/" + campaign + "/preview").then().statusCode(200)
                .body("email.subject", equalTo("Hi " + hostile))
                .body("email.text", containsString(hostile))
                .body("email.text", not(containsString("INJINJ")));
    }

    // 3. Server-side request forgery through push subscriptions
    @Test
    void pushEndpointsToInternalAddressesAreRefused() {
        String run = run();
        String incident = Api.createIncident("ssrf " + run);
        Api.uploadCsv(incident, "account_id,email,exposed\nssrf-" + run + ",ssrf-" + run + "@example.com,password\n")
                .statusCode(200);
        String p256dh = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
        String auth = "tBHItJI5svbpez7KI4CCXg";
        for (String endpoint : List.of("https://localhost/", "https://localhost:8443/x", "https://169.254.169.254/latest/meta-data",
                "https://[::1]/", "https://2130706433/", "https://0x7f000001/", "https://0177.0.0.1/", "https://127.1/",
                "https://fcm.googleapis.com@127.0.0.1/", "https://user:pass@fcm.googleapis.com/x",
                "https://[::ffff:127.0.0.1]/", "https://10.0.0.1/", "https://192.168.1.1/", "https://172.16.0.1/",
                "https://[fd00:ec2::254]/", "https://[fe80::1]/", "https://224.0.0.1/", "https://100.100.100.200/",
                "https://0.0.0.0/", "file:///etc/passwd", "gopher://127.0.0.1:25/", "not a url")) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("endpoint", endpoint, "keys", Map.of("p256dh", p256dh, "auth", auth)))
                    .post("/api/accounts/ssrf-" + run + "/push-subscriptions").then()
                    .statusCode(400).body("details.field", hasItem("endpoint"));
        }
    }

    // 4. Only the first 72 bytes of a password counted
    @Test
    void everyCharacterOfALongPasswordCounts() {
        String name = "longpw-" + run();
        String password = "P".repeat(72) + "REALSUFFIX";
        TestUsers.admin().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", password, "roles", List.of("auditor")))
                .post("/api/users").then().statusCode(201);
        given().auth().preemptive().basic(name, "P".repeat(72) + "WRONGSUFX").get("/api/audit?limit=1").then().statusCode(401);
        given().auth().preemptive().basic(name, password).get("/api/audit?limit=1").then().statusCode(200);
        TestUsers.admin().contentType(ContentType.JSON)
                .body(Map.of("username", name + "x", "password", "x".repeat(1025), "roles", List.of("auditor")))
                .post("/api/users").then().statusCode(400).body("message", containsString("at most 1024 characters"));
    }

    @Test
    void aPasswordHashedBeforeThisChangeStillWorksAndIsUpgraded() throws Exception {
        String name = "legacy-" + run();
        TestUsers.admin().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", "temporary-password-1", "roles", List.of("auditor")))
                .post("/api/users").then().statusCode(201);
        try (var c = dataSource.getConnection();
             var ps = c.prepareStatement("UPDATE app_user SET password_hash = ? WHERE username = ?")) {
            ps.setString(1, io.quarkus.elytron.security.common.BcryptUtil.bcryptHash(TestUsers.PASSWORD, 4));
            ps.setString(2, name);
            assertEquals(1, ps.executeUpdate());
        }
        given().auth().preemptive().basic(name, TestUsers.PASSWORD).get("/api/audit?limit=1").then().statusCode(200);
        try (var c = dataSource.getConnection();
             var ps = c.prepareStatement("SELECT password_hash FROM app_user WHERE username = ?")) {
            ps.setString(1, name);
            try (var rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertTrue(rs.getString(1).startsWith("sha256+$2"), "upgraded at the login");
            }
        }
    }

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    // 5. Anyone could lock the admin out
    @Test
    void failuresFromOneAddressDoNotLockTheUserOutElsewhere() throws Exception {
        String name = "target-" + run();
        TestUsers.admin().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", TestUsers.PASSWORD, "roles", List.of("auditor")))
                .post("/api/users").then().statusCode(201);
        for (int i = 0; i < 5; i++) {
            given().auth().preemptive().basic(name, "guess-" + i).get("/api/audit?limit=1").then().statusCode(401);
        }
        // The attacker's address must now wait, even with the right password...
        given().auth().preemptive().basic(name, TestUsers.PASSWORD).get("/api/audit?limit=1").then().statusCode(401);
        // ...but the user signs in from their own address at once
        assertEquals(200, statusFrom("127.0.0.2", "/api/audit?limit=1", name, TestUsers.PASSWORD));
        TestUsers.as(TestUsers.AUDITOR).queryParam("objectId", name).queryParam("action", "login.").get("/api/audit")
                .then().statusCode(200).body("action", hasItem("login.refused-locked"))
                .body("remoteAddress", hasItem("127.0.0.1"));
        // and an admin clears the wait of every address
        TestUsers.admin().delete("/api/users/" + name + "/login-delays").then().statusCode(200)
                .body("addressesCleared", equalTo(1));
        given().auth().preemptive().basic(name, TestUsers.PASSWORD).get("/api/audit?limit=1").then().statusCode(200);
    }

    /** One HTTP/1.1 GET with Basic auth from a chosen local address (127.0.0.0/8 is all loopback). */
    private static int statusFrom(String localAddress, String path, String user, String password) throws Exception {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), RestAssured.port,
                InetAddress.getByName(localAddress), 0)) {
            socket.setSoTimeout(10_000);
            String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic " + credentials
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                head.write(b);
            }
            return Integer.parseInt(head.toString(StandardCharsets.US_ASCII).split(" ")[1]);
        }
    }

    // 6. Preview failed the second time
    @Test
    void previewAnswersEveryTime() {
        String run = run();
        String incident = Api.createIncident("preview twice " + run);
        Api.uploadCsv(incident, "account_id,email,name,exposed\npv-" + run + ",pv-" + run + "@example.com,Ann,password\n")
                .statusCode(200);
        String campaign = draftCampaign(incident);
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).body(Map.of("locale", "en", "accountId", "pv-" + run))
                    .post("/api/campaigns/" + campaign + "/preview").then().statusCode(200)
                    .body("email.text", containsString("Ann"))
                    .body("email", not(org.hamcrest.Matchers.hasKey("encodedHtml")));
        }
        // a locale tag longer than any stored one is refused, not cut
        given().contentType(ContentType.JSON).body(Map.of("locale", "en-US-x-" + "abcdefgh-".repeat(5) + "z"))
                .post("/api/campaigns/" + campaign + "/preview").then().statusCode(400)
                .body("details[0].field", equalTo("locale"));
    }

    // 7. Unauthenticated or simple requests got 500s
    @Test
    void simpleBadRequestsGetFourHundreds() {
        given().auth().preemptive().basic("u".repeat(300), "whatever-password").get("/api/audit?limit=1").then().statusCode(401);
        given().auth().preemptive().basic("nul\u0000name", "whatever-password").get("/api/audit?limit=1").then().statusCode(401);
        given().auth().none().contentType("application/x-www-form-urlencoded").header("X-Twilio-Signature", "x")
                .body("a=%ZZ").post("/webhooks/twilio/status").then().statusCode(400)
                .body("error", equalTo("invalid_callback"));
        String incident = Api.createIncident("bad input " + run());
        List<String> countries = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            countries.add(i % 2 == 0 ? "US" : "FR");
        }
        given().contentType(ContentType.JSON)
                .body(Map.of("incidentId", incident, "name", "many countries", "templateSet", "credential-exposure",
                        "channels", List.of("email"), "segment", Map.of("countries", countries)))
                .post("/api/campaigns").then().statusCode(400).body("details.field", hasItem("segment.countries"));
        // 250 distinct-or-repeated entries are within the limit and stored once each
        given().contentType(ContentType.JSON)
                .body(Map.of("incidentId", incident, "name", "two countries", "templateSet", "credential-exposure",
                        "channels", List.of("email"), "segment", Map.of("countries", countries.subList(0, 250))))
                .post("/api/campaigns").then().statusCode(201).body("segment.countries", equalTo(List.of("US", "FR")));
        StringBuilder header = new StringBuilder("account_id,exposed");
        for (int i = 0; i < 100_000; i++) {
            header.append(",c").append(i);
        }
        Api.uploadCsv(incident, header + "\n").statusCode(400).body("error", equalTo("invalid_header"));
        given().urlEncodingEnabled(false).get("/api/campaigns/%00").then().statusCode(400);
        given().contentType(ContentType.JSON).body("x".repeat(2 * 1024 * 1024)).post("/api/incidents").then().statusCode(413);
    }

    // 8. The smaller ones
    @Test
    void unknownDisabledAndWrongPasswordLoginsDoTheSameWork() {
        String name = "disabled-" + run();
        TestUsers.admin().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", TestUsers.PASSWORD, "roles", List.of("auditor")))
                .post("/api/users").then().statusCode(201);
        TestUsers.admin().delete("/api/users/" + name).then().statusCode(200);
        for (String who : List.of(name, "nobody-" + run(), TestUsers.AUDITOR)) {
            double before = passwordChecks();
            given().auth().preemptive().basic(who, "not-the-password-1").get("/api/audit?limit=1").then().statusCode(401);
            assertEquals(before + 1, passwordChecks(), "one password check for " + who);
        }
    }

    private static double passwordChecks() {
        String metrics = TestUsers.as(TestUsers.OPERATOR).get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("tocsin_login_password_checks_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void controlCharactersBrokenUtf8AndLongLocalesAreRejectedByLine() {
        String run = run();
        String incident = Api.createIncident("bytes " + run);
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        csv.writeBytes(("account_id,email,locale,name,exposed\n"
                + "ok-" + run + ",ok-" + run + "@example.com,en,Ann\tLee,password\n"
                + "nul-" + run + ",nul-" + run + "@example.com,en,A\u0000B,password\n").getBytes(StandardCharsets.UTF_8));
        csv.writeBytes(("bad-" + run + ",bad-" + run + "@example.com,en,A").getBytes(StandardCharsets.UTF_8));
        csv.writeBytes(new byte[]{(byte) 0xC3, (byte) 0x28});
        csv.writeBytes((",password\n" + "loc-" + run + ",loc-" + run + "@example.com,en-US-x-" + "abcdefgh-".repeat(5)
                + "z,Ann,password\n").getBytes(StandardCharsets.UTF_8));
        given().contentType("text/csv").body(csv.toByteArray()).post("/api/incidents/" + incident + "/accounts").then()
                .statusCode(200).body("accepted", equalTo(1)).body("rejected", equalTo(3))
                .body("errors.line", equalTo(List.of(3, 4, 5)))
                .body("errors[0].reason", containsString("U+0000"))
                .body("errors[1].reason", containsString("not valid UTF-8"))
                .body("errors[2].reason", containsString("longer than 35"));
        Api.uploadNdjson(incident, "{\"account_id\": true, \"exposed\": \"password\"}\n"
                + "{\"account_id\": \"n-" + run + "\", \"email\": 5, \"exposed\": \"password\"}\n").statusCode(200)
                .body("accepted", equalTo(0)).body("errors[0].reason", containsString("must be a string"))
                .body("errors[1].reason", containsString("not a number"));
    }

    @Test
    void wrongJsonTypesFarDatesAndArraysAreRefusedPlainly() {
        String incident = Api.createIncident("json " + run());
        Map<String, Object> base = Map.of("incidentId", incident, "name", "json", "templateSet", "credential-exposure",
                "channels", List.of("email"));
        for (Map.Entry<String, Object> bad : List.<Map.Entry<String, Object>>of(Map.entry("maxAttempts", 5.7),
                Map.entry("maxAttempts", "5"), Map.entry("name", true), Map.entry("name", 42))) {
            Map<String, Object> body = new java.util.HashMap<>(base);
            body.put(bad.getKey(), bad.getValue());
            given().contentType(ContentType.JSON).body(body).post("/api/campaigns").then().statusCode(400)
                    .body("details[0].field", equalTo(bad.getKey()));
        }
        Map<String, Object> far = new java.util.HashMap<>(base);
        far.put("scheduledAt", "+999999999-12-31T00:00:00Z");
        given().contentType(ContentType.JSON).body(far).post("/api/campaigns").then().statusCode(400)
                .body("details.field", hasItem("scheduledAt"));
        given().contentType(ContentType.JSON).body(Map.of("title", "far", "occurredAt", "+999999999-01-01T00:00:00Z",
                "discoveredAt", "+999999999-01-02T00:00:00Z")).post("/api/incidents").then().statusCode(400)
                .body("details.field", hasItem("occurredAt"));
        TestUsers.as(TestUsers.AUDITOR).queryParam("from", "+999999999-01-01T00:00:00Z").get("/api/audit").then().statusCode(400);
        given().contentType(ContentType.JSON).body("[1,2]").post("/api/campaigns").then().statusCode(400)
                .body("message", not(containsString("dev.tocsin"))).body("message", not(containsString("java.")));
        given().contentType(ContentType.JSON).body(Map.of("title", "x\u0000y", "occurredAt", "2026-11-01T22:30:00Z",
                "discoveredAt", "2026-11-20T09:00:00Z")).post("/api/incidents").then().statusCode(400)
                .body("message", containsString("U+0000"));
    }

    @Test
    void metricsNeedARole() {
        given().auth().none().get("/q/metrics").then().statusCode(401);
        TestUsers.as(TestUsers.SUPPORT).get("/q/metrics").then().statusCode(403);
        String body = TestUsers.as(TestUsers.OPERATOR).get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(body.contains("tocsin_login_password_checks_total"), "the operator reads the metrics");
    }
}
