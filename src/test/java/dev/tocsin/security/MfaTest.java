package dev.tocsin.security;

import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A second factor for the roles that require it (here: approver): the first console sign-in enrols an
 * authenticator app (QR code drawn on the server, a code typed back, ten recovery codes shown once); later
 * sign-ins need a fresh code (the same code twice is refused) or an unused recovery code; a password alone
 * (HTTP Basic) gets a 401 that points to API tokens, and a token made in the console works; an admin can reset
 * it; all of it is in the audit trail.
 */
@QuarkusTest
@TestProfile(MfaTest.ApproversUseMfa.class)
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class MfaTest {

    public static class ApproversUseMfa implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tocsin.mfa.required-roles", "approver");
        }
    }

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    record Browser(String session, String csrf) {
    }

    private static String field(String html, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(html);
        assertTrue(m.find(), "the page has " + pattern + ":\n" + html);
        return m.group(1);
    }

    /** Password step: the session cookie and the form token; the answer's Location says what comes next. */
    private static Response password(Browser b, String user, String password) {
        return given().auth().none().redirects().follow(false).cookie("tocsin_csrf", b.csrf())
                .contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("csrf-token", b.csrf(), "username", user, "password", password, "next", "/console"))
                .post("/console/login");
    }

    private static Browser fresh() {
        Response page = given().auth().none().get("/console/login");
        return new Browser(null, page.getCookie("tocsin_csrf"));
    }

    private static Response post(Browser b, String path, Map<String, String> form) {
        java.util.HashMap<String, String> all = new java.util.HashMap<>(form);
        all.put("csrf-token", b.csrf());
        return given().auth().none().redirects().follow(false).cookie("tocsin_session", b.session())
                .cookie("tocsin_csrf", b.csrf()).contentType("application/x-www-form-urlencoded").formParams(all).post(path);
    }

    @Test
    void approversEnrolThenNeedAFreshCodeAndScriptsUseTokens() {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String user = "mfa" + run;
        String password = "a long enough password " + run;
        TestUsers.admin().contentType(ContentType.JSON).body(Map.of("username", user, "password", password,
                "roles", List.of("approver"))).post("/api/users").then().statusCode(201);

        // a password alone is refused, and the answer says what to use instead
        given().auth().preemptive().basic(user, password).get("/api/suppressions").then().statusCode(401)
                .body("error", equalTo("mfa_required")).body("message", containsString("API token"));

        // first sign-in: the password opens only the enrolment page
        Browser b = fresh();
        Response signed = password(b, user, password);
        assertEquals(303, signed.statusCode());
        assertTrue(signed.getHeader("Location").contains("/console/mfa/enrol"), signed.getHeader("Location"));
        b = new Browser(signed.getCookie("tocsin_session"), b.csrf());
        given().auth().none().redirects().follow(false).cookie("tocsin_session", b.session()).cookie("tocsin_csrf", b.csrf())
                .get("/console").then().statusCode(303).header("Location", containsString("/console/login"));
        String enrol = given().auth().none().cookie("tocsin_session", b.session()).cookie("tocsin_csrf", b.csrf())
                .get("/console/mfa/enrol").then().statusCode(200).body(containsString("<svg")).extract().asString();
        String secret = field(enrol, "id=\"totp-secret\">([A-Z2-7 ]+)<").replace(" ", "");
        long now = java.time.Instant.now().getEpochSecond();
        post(b, "/console/mfa/enrol", Map.of("code", "000000".equals(Totp.code(secret, Totp.stepAt(now))) ? "111111" : "000000"))
                .then().statusCode(400).body(containsString("does not match"));
        String code = Totp.code(secret, Totp.stepAt(now));
        String recovery = post(b, "/console/mfa/enrol", Map.of("code", code, "next", "/console")).then().statusCode(200)
                .extract().asString();
        Matcher codes = Pattern.compile("<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>").matcher(recovery);
        List<String> recoveryCodes = new java.util.ArrayList<>();
        while (codes.find()) {
            recoveryCodes.add(codes.group(1));
        }
        assertEquals(10, recoveryCodes.size(), "ten recovery codes, shown once");
        given().auth().none().cookie("tocsin_session", b.session()).cookie("tocsin_csrf", b.csrf()).get("/console")
                .then().statusCode(200).body(containsString("Signed in as " + user));

        // a token made in the console works where the password alone does not
        String tokens = post(b, "/console/tokens", Map.of("name", "nightly export")).then().statusCode(200).extract().asString();
        String token = field(tokens, "id=\"new-token\">(tcs_[A-Za-z0-9_-]+)<");
        given().auth().none().header("Authorization", "Bearer " + token).get("/api/suppressions").then().statusCode(403);
        given().auth().none().header("Authorization", "Bearer " + token).get("/api/campaigns/nope").then().statusCode(404);

        // the next sign-in: the code already used is refused, a recovery code works once
        Browser second = fresh();
        Response again = password(second, user, password);
        assertTrue(again.getHeader("Location").startsWith("/console/mfa?") || again.getHeader("Location").contains("/console/mfa?"),
                again.getHeader("Location"));
        second = new Browser(again.getCookie("tocsin_session"), second.csrf());
        post(second, "/console/mfa", Map.of("code", code, "next", "/console")).then().statusCode(401)
                .body(containsString("already used"));
        post(second, "/console/mfa", Map.of("code", recoveryCodes.get(0).toUpperCase(), "next", "/console")).then()
                .statusCode(303).header("Location", containsString("/console"));
        Browser third = fresh();
        Response once = password(third, user, password);
        third = new Browser(once.getCookie("tocsin_session"), third.csrf());
        post(third, "/console/mfa", Map.of("code", recoveryCodes.get(0), "next", "/console")).then().statusCode(401);

        // six digits cannot be guessed at leisure: five wrong codes end the waiting session
        Browser guesser = fresh();
        Response guessing = password(guesser, user, password);
        guesser = new Browser(guessing.getCookie("tocsin_session"), guesser.csrf());
        for (int i = 0; i < 4; i++) {
            post(guesser, "/console/mfa", Map.of("code", String.format("%06d", 100_000 + i), "next", "/console"))
                    .then().statusCode(401);
        }
        post(guesser, "/console/mfa", Map.of("code", "999999", "next", "/console")).then().statusCode(303)
                .header("Location", containsString("/console/login?tries"));
        given().auth().none().redirects().follow(false).cookie("tocsin_session", guesser.session())
                .cookie("tocsin_csrf", guesser.csrf()).get("/console/mfa").then().statusCode(303)
                .header("Location", containsString("/console/login"));

        // the admin resets it (a lost phone): the next sign-in enrols again
        TestUsers.admin().delete("/api/users/" + user + "/mfa").then().statusCode(200);
        Browser fourth = fresh();
        assertTrue(password(fourth, user, password).getHeader("Location").contains("/console/mfa/enrol"));

        TestUsers.admin().queryParam("actor", user).get("/api/audit").then().statusCode(200)
                .body("action", hasItems("mfa.enrolled", "mfa.verified", "mfa.refused", "console.sign-in"));
        TestUsers.admin().queryParam("objectId", user).queryParam("action", "/mfa").get("/api/audit").then().statusCode(200)
                .body("details", hasItems("second factor reset"));
    }

    @Test
    void totpCodesAreRfc6238s() {
        // RFC 6238 appendix B, SHA-1: the secret "12345678901234567890", T = 59 s -> 94287082 (8 digits; 6: 287082)
        String secret = Totp.base32("12345678901234567890".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("287082", Totp.code(secret, Totp.stepAt(59)));
        assertEquals("081804", Totp.code(secret, Totp.stepAt(1111111109)));
        assertEquals("050471", Totp.code(secret, Totp.stepAt(1111111111)));
        assertEquals("005924", Totp.code(secret, Totp.stepAt(1234567890)));
        assertEquals(Totp.stepAt(59), Totp.matchingStep(secret, "287 082", 59 + 29));
        assertEquals(-1, Totp.matchingStep(secret, "287082", 59 + 61));
    }
}
