package dev.tocsin.security;

import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * Production sign-in: OIDC bearer tokens from the company's identity provider, roles from a claim. The
 * identity provider is stood in for by a key pair whose public half Tocsin is configured with; API tokens
 * and built-in users keep working beside it.
 */
@QuarkusTest
@TestProfile(OidcBearerTest.OidcOn.class)
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class OidcBearerTest {

    static final KeyPair IDP = keyPair();
    static final KeyPair STRANGER = keyPair();

    public static class OidcOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.oidc.tenant-enabled", "true",
                    "quarkus.oidc.public-key", Base64.getEncoder().encodeToString(IDP.getPublic().getEncoded()),
                    "quarkus.oidc.token.issuer", "https://idp.example.com",
                    "quarkus.oidc.roles.role-claim-path", "groups");
        }
    }

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String token(KeyPair signer, String issuer, String user, List<String> groups) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(user);
        claims.setClaim("preferred_username", user);
        claims.setStringListClaim("groups", groups);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(signer.getPrivate());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    @Test
    void rolesComeFromTheTokensGroupsClaim() throws Exception {
        String auditor = token(IDP, "https://idp.example.com", "ext-auditor", List.of("auditor"));
        given().auth().none().header("Authorization", "Bearer " + auditor).get("/api/audit?limit=1").then().statusCode(200);
        given().auth().none().header("Authorization", "Bearer " + auditor).contentType(ContentType.JSON).body("{}")
                .post("/api/incidents").then().statusCode(403);
        String operator = token(IDP, "https://idp.example.com", "ext-operator", List.of("operator"));
        given().auth().none().header("Authorization", "Bearer " + operator).contentType(ContentType.JSON)
                .body(Map.of("title", "via OIDC", "occurredAt", "2026-11-01T00:00:00Z", "discoveredAt", "2026-11-02T00:00:00Z"))
                .post("/api/incidents").then().statusCode(201);
        TestUsers.as(TestUsers.AUDITOR).queryParam("action", "POST /api/incidents").queryParam("actor", "ext-operator")
                .get("/api/audit").then().statusCode(200).body("[0].outcome", equalTo(201));
    }

    @Test
    void forgedOrForeignTokensAreRefused() throws Exception {
        String forged = token(STRANGER, "https://idp.example.com", "mallory", List.of("admin"));
        given().auth().none().header("Authorization", "Bearer " + forged).get("/api/users").then().statusCode(401);
        String otherIssuer = token(IDP, "https://evil.example.com", "mallory", List.of("admin"));
        given().auth().none().header("Authorization", "Bearer " + otherIssuer).get("/api/users").then().statusCode(401);
    }

    @Test
    void apiTokensAndBuiltInUsersStillWork() {
        String token = TestUsers.as(TestUsers.SUPPORT).contentType(ContentType.JSON).body(Map.of("name", "helpdesk"))
                .post("/api/tokens").then().statusCode(201).extract().path("token");
        given().auth().none().header("Authorization", "Bearer " + token).queryParam("accountId", "nobody")
                .get("/api/deliveries").then().statusCode(200);
        TestUsers.admin().get("/api/users").then().statusCode(200);
    }
}
