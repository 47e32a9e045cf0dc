package dev.tocsin.console;

import dev.tocsin.security.AppUser;
import dev.tocsin.testing.OidcProviderStandIn;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Console sign-in through the company's OIDC provider (authorization-code flow against a stand-in provider):
 * a person is made a Tocsin user with the roles their groups give, on every sign-in; a built-in user's name
 * cannot be taken, a person with no Tocsin role is told so, and a forged ID token or a code without its state
 * opens nothing.
 */
@QuarkusTest
@TestProfile(OidcConsoleSignInTest.ConsoleOidcOn.class)
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class OidcConsoleSignInTest {

    public static class ConsoleOidcOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            OidcProviderStandIn idp = OidcProviderStandIn.get();
            return Map.of(
                    "quarkus.oidc.console.tenant-enabled", "true",
                    "quarkus.oidc.console.auth-server-url", idp.url(),
                    "quarkus.oidc.console.discovery-enabled", "false",
                    "quarkus.oidc.console.authorization-path", "/authorize",
                    "quarkus.oidc.console.token-path", "/token",
                    "quarkus.oidc.console.jwks-path", "/jwks",
                    "quarkus.oidc.console.token.issuer", idp.url(),
                    "quarkus.oidc.console.client-id", OidcProviderStandIn.CLIENT_ID,
                    "quarkus.oidc.console.credentials.secret", OidcProviderStandIn.CLIENT_SECRET);
        }
    }

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    /** The browser's part of the flow: follow each redirect by hand, carrying the cookies each answer sets. */
    private static Response signInThroughTheProvider() {
        Map<String, String> cookies = new HashMap<>();
        Response step = given().auth().none().redirects().follow(false).get("/console/oidc/sign-in");
        for (int hop = 0; hop < 6 && (step.statusCode() == 302 || step.statusCode() == 303); hop++) {
            cookies.putAll(step.getCookies());
            String location = step.getHeader("Location");
            URI to = URI.create(location);
            step = given().auth().none().urlEncodingEnabled(false).redirects().follow(false).cookies(cookies).get(to.isAbsolute() ? location
                    : "/" + location.replaceFirst("^/", ""));
        }
        return step;
    }

    @Test
    void aPersonTheProviderSignsInGetsTheRolesTheirGroupsGive() {
        String run = UUID.randomUUID().toString().substring(0, 6);
        given().auth().none().get("/console/login").then().statusCode(200).body(containsString("id=\"oidc-sign-in\""));

        String user = "dora" + run;
        OidcProviderStandIn.get().nextSignIn(user, List.of("operator", "not-a-tocsin-role"));
        Response signedIn = signInThroughTheProvider();
        assertEquals(200, signedIn.statusCode(), signedIn.asString());
        String session = signedIn.getCookie("tocsin_session");
        assertNotNull(session, "the console's own session is opened");
        assertTrue(signedIn.getDetailedCookie("tocsin_session").isHttpOnly());
        given().auth().none().cookie("tocsin_session", session).get("/console").then().statusCode(200)
                .body(containsString(user + " (operator)"));
        given().auth().none().cookie("tocsin_session", session).get("/console/incidents/new").then().statusCode(200);
        AppUser made = QuarkusTransaction.requiringNew().call(() -> AppUser.findById(user));
        assertEquals("oidc", made.signsInWith);
        assertEquals("operator", made.roles);
        // no password opens this account, whatever is typed
        given().auth().preemptive().basic(user, "!oidc: signs in through the identity provider").get("/api/tokens")
                .then().statusCode(401);
        TestUsers.as(TestUsers.AUDITOR).queryParam("actor", user).queryParam("action", "console.sign-in").get("/api/audit")
                .then().statusCode(200).body("[0].details", containsString("OIDC"));

        // the next sign-in brings the groups the provider has now
        OidcProviderStandIn.get().nextSignIn(user, List.of("support"));
        String later = signInThroughTheProvider().getCookie("tocsin_session");
        given().auth().none().cookie("tocsin_session", later).get("/console/incidents/new").then().statusCode(403)
                .body(containsString("You need the role operator"));
    }

    @Test
    void aBuiltInNameNoRoleAForgedTokenOrACodeWithoutItsStateOpenNothing() {
        String rolesBefore = QuarkusTransaction.requiringNew().call(() -> AppUser.<AppUser>findById(TestUsers.OPERATOR).roles);
        OidcProviderStandIn.get().nextSignIn(TestUsers.OPERATOR, List.of("admin"));
        Response taken = signInThroughTheProvider();
        assertEquals(409, taken.statusCode());
        assertTrue(taken.asString().contains("built-in Tocsin user"), taken.asString());
        assertNull(taken.getCookie("tocsin_session"));
        assertEquals(rolesBefore, QuarkusTransaction.requiringNew().call(() -> AppUser.<AppUser>findById(TestUsers.OPERATOR).roles),
                "a built-in user's roles are not the provider's to change");

        OidcProviderStandIn.get().nextSignIn("nobody" + UUID.randomUUID().toString().substring(0, 6), List.of("staff"));
        Response noRole = signInThroughTheProvider();
        assertEquals(403, noRole.statusCode());
        assertTrue(noRole.asString().contains("none of Tocsin"), noRole.asString());
        assertNull(noRole.getCookie("tocsin_session"));

        OidcProviderStandIn.get().nextSignIn("mallory", List.of("admin"));
        OidcProviderStandIn.get().signNextWithAStrangersKey();
        Response forged = signInThroughTheProvider();
        assertNull(forged.getCookie("tocsin_session"), "a token the provider did not sign opens nothing");
        assertTrue(forged.statusCode() == 401 || forged.statusCode() == 403, "status " + forged.statusCode());
        assertNull(QuarkusTransaction.requiringNew().call(() -> AppUser.findById("mallory")));

        Response stray = given().auth().none().redirects().follow(false)
                .get("/console/oidc/sign-in?code=made-up&state=made-up");
        assertNull(stray.getCookie("tocsin_session"));
        assertTrue(stray.statusCode() != 200, "status " + stray.statusCode());
    }
}
