package dev.tocsin.console;

import dev.tocsin.incident.Incident;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's sign-in over plain HTTP: the session cookie is HttpOnly and SameSite=Strict and works on
 * /console only; a form posted without its CSRF token (or with another) changes nothing, while the public
 * forms outside the console (the recipient's acknowledge button) need none; signing out ends the
 * session on the server, so a copied cookie is worth nothing afterwards; the pages forbid framing and inline
 * script.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class ConsoleSessionTest {

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    record Signed(String session, String csrfCookie, String csrfToken) {
    }

    private static String token(String html) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(html);
        assertTrue(m.find(), "the form carries a CSRF token");
        return m.group(1);
    }

    static Signed signIn(String user) {
        Response form = given().auth().none().redirects().follow(false).get("/console/login");
        String csrfCookie = form.getCookie("tocsin_csrf");
        assertNotNull(csrfCookie, "the sign-in page sets the CSRF cookie");
        String csrf = token(form.asString());
        Response signed = given().auth().none().redirects().follow(false).cookie("tocsin_csrf", csrfCookie)
                .contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("csrf-token", csrf, "username", user, "password", TestUsers.PASSWORD, "next", "/console"))
                .post("/console/login");
        assertEquals(303, signed.statusCode());
        String setCookie = signed.getHeaders().getValues("Set-Cookie").stream().filter(c -> c.startsWith("tocsin_session="))
                .findFirst().orElseThrow();
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.toLowerCase().contains("samesite=strict"), setCookie);
        assertTrue(setCookie.contains("Path=/console"), setCookie);
        return new Signed(signed.getCookie("tocsin_session"), csrfCookie, csrf);
    }

    @Test
    void formsWithoutTheirTokenChangeNothingAndASignedOutCookieIsWorthNothing() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // signing in is a form too: without the token, refused
        given().auth().none().contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("username", TestUsers.OPERATOR, "password", TestUsers.PASSWORD))
                .post("/console/login").then().statusCode(403).body(containsString("This form has expired"));

        Signed s = signIn(TestUsers.OPERATOR);
        given().auth().none().cookie("tocsin_session", s.session()).cookie("tocsin_csrf", s.csrfCookie()).get("/console").then().statusCode(200)
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .body(containsString("Signed in as " + TestUsers.OPERATOR));
        Map<String, String> incident = Map.of("title", "csrf " + run, "occurredAt", "2026-11-20T08:00",
                "discoveredAt", "2026-11-21T08:00");
        given().auth().none().cookie("tocsin_session", s.session()).cookie("tocsin_csrf", s.csrfCookie())
                .contentType("application/x-www-form-urlencoded").formParams(incident)
                .post("/console/incidents").then().statusCode(403);
        java.util.HashMap<String, String> forged = new java.util.HashMap<>(incident);
        // another first character (never the same one: one token in 64 starts with "A")
        forged.put("csrf-token", (s.csrfToken().charAt(0) == 'A' ? "B" : "A") + s.csrfToken().substring(1));
        given().auth().none().cookie("tocsin_session", s.session()).cookie("tocsin_csrf", s.csrfCookie())
                .contentType("application/x-www-form-urlencoded").formParams(forged)
                .post("/console/incidents").then().statusCode(403);
        assertEquals(0L, (long) QuarkusTransaction.requiringNew().call(() -> Incident.count("title", "csrf " + run)));

        java.util.HashMap<String, String> good = new java.util.HashMap<>(incident);
        good.put("csrf-token", s.csrfToken());
        String created = given().auth().none().redirects().follow(false).cookie("tocsin_session", s.session())
                .cookie("tocsin_csrf", s.csrfCookie()).contentType("application/x-www-form-urlencoded").formParams(good)
                .post("/console/incidents").then().statusCode(303).extract().header("Location");
        assertEquals(1L, (long) QuarkusTransaction.requiringNew().call(() -> Incident.count("title", "csrf " + run)));
        String incidentId = created.replaceAll(".*/console/incidents/", "");

        // the upload takes its token in a header: a file posted without it (a page elsewhere can post text) is refused
        String csv = "account_id,email,exposed\nu-" + run + ",u-" + run + "@example.com,password\n";
        given().auth().none().cookie("tocsin_session", s.session()).cookie("tocsin_csrf", s.csrfCookie())
                .contentType("text/csv").body(csv).post("/console/incidents/" + incidentId + "/accounts").then().statusCode(403);
        given().auth().none().cookie("tocsin_session", s.session()).cookie("tocsin_csrf", s.csrfCookie())
                .header("X-CSRF-TOKEN", (s.csrfToken().charAt(0) == 'A' ? "B" : "A") + s.csrfToken().substring(1))
                .contentType("text/csv").body(csv).post("/console/incidents/" + incidentId + "/accounts").then().statusCode(403);
        given().auth().preemptive().basic(TestUsers.OPERATOR, TestUsers.PASSWORD).get("/api/incidents/" + incidentId + "/uploads")
                .then().statusCode(200).body("size()", equalTo(0));
        given().auth().none().cookie("tocsin_session", s.session()).cookie("tocsin_csrf", s.csrfCookie())
                .header("X-CSRF-TOKEN", s.csrfToken())
                .contentType("text/csv").body(csv).post("/console/incidents/" + incidentId + "/accounts").then().statusCode(200)
                .body("uploadId", org.hamcrest.Matchers.notNullValue());

        // the wizard's "Count again" without JavaScript: a POST with the form's values (its token stays out of the
        // address), answered with the wizard and its count; nothing is created and nothing goes in the audit trail
        String wizard = given().auth().none().cookie("tocsin_session", s.session()).cookie("tocsin_csrf", s.csrfCookie())
                .get("/console/campaigns/new?incidentId=" + incidentId).then().statusCode(200).extract().asString();
        assertTrue(wizard.contains("formaction=\"/console/campaigns/new\"") && !wizard.contains("formmethod=\"get\""), wizard);
        given().auth().none().cookie("tocsin_session", s.session()).cookie("tocsin_csrf", s.csrfCookie())
                .contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("csrf-token", s.csrfToken(), "incidentId", incidentId, "name", "counted " + run, "channels", "email"))
                .post("/console/campaigns/new").then().statusCode(200)
                .body(containsString("id=\"audience-count\">1<"), containsString("counted " + run));
        assertEquals(0L, (long) QuarkusTransaction.requiringNew().call(() ->
                dev.tocsin.campaign.Campaign.count("name", "counted " + run)));

        // the API takes no cookie: a page elsewhere cannot make a signed-in browser call it
        given().auth().none().cookie("tocsin_session", s.session()).get("/api/suppressions").then().statusCode(401);

        // signed out: the same cookie opens nothing
        given().auth().none().redirects().follow(false).cookie("tocsin_session", s.session()).cookie("tocsin_csrf", s.csrfCookie())
                .contentType("application/x-www-form-urlencoded").formParams(Map.of("csrf-token", s.csrfToken()))
                .post("/console/logout").then().statusCode(303);
        given().auth().none().redirects().follow(false).cookie("tocsin_session", s.session()).get("/console").then()
                .statusCode(303).header("Location", containsString("/console/login"));
        // the campaign's event stream behind the console session: nobody without a session or a reading role
        given().auth().none().get("/console/campaigns/no-such-campaign/events").then().statusCode(401);
        // a support user is told which role a page takes
        Signed support = signIn(TestUsers.SUPPORT);
        given().auth().none().cookie("tocsin_session", support.session()).cookie("tocsin_csrf", support.csrfCookie())
                .get("/console/incidents/new").then()
                .statusCode(403).body(containsString("You need the role operator"));
        given().auth().none().cookie("tocsin_session", support.session()).get("/console/campaigns/no-such-campaign/events")
                .then().statusCode(403);
        // a page shown without the forms' token cookie makes a new one (HttpOnly, SameSite=Strict, /console only)
        String made = given().auth().none().redirects().follow(false).cookie("tocsin_session", support.session())
                .get("/console/support").then().statusCode(200).extract().headers().getValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("tocsin_csrf=")).findFirst().orElseThrow();
        assertTrue(made.contains("HttpOnly") && made.toLowerCase().contains("samesite=strict") && made.contains("Path=/console"), made);
        // signed in already: the sign-in page goes straight where it was asked to
        given().auth().none().redirects().follow(false).cookie("tocsin_session", support.session())
                .queryParam("next", "/console/support").get("/console/login").then().statusCode(303)
                .header("Location", containsString("/console/support"));
        // the CSRF check is the console's: a public form elsewhere (no cookie, no token) still works
        given().auth().none().contentType("application/x-www-form-urlencoded").formParams(Map.of("x", "y"))
                .post("/a/not-a-real-token/ack").then().statusCode(404);
        given().auth().none().redirects().follow(false).queryParam("next", "https://evil.example/").get("/console/login")
                .then().statusCode(200)
                .body(containsString("name=\"next\" value=\"/console\""));
    }
}
