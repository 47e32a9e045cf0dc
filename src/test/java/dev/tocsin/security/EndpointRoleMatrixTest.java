package dev.tocsin.security;

import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every REST endpoint in the OpenAPI document refuses an anonymous caller (401) and every role it does not
 * allow (403), and lets the roles it allows past the security check. The expected matrix below must list
 * exactly the endpoints the document has: a new endpoint fails this test until its roles are decided here.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class EndpointRoleMatrixTest {

    private static final Set<String> READERS = Set.of("operator", "approver", "auditor");
    private static final Set<String> EVERYONE = Set.of("admin", "operator", "approver", "support", "auditor");

    /** Endpoints anyone may call; each has its own protection (signatures, unguessable tokens) or none is needed. */
    private static final Set<String> PUBLIC = Set.of("POST /webhooks/twilio/status", "POST /webhooks/email-events", "POST /webhooks/ses", "GET /api/push/vapid-public-key",
            "GET /a/{token}", "POST /a/{token}/ack", "GET /verify");

    private static final Map<String, Set<String>> MATRIX = new TreeMap<>(Map.ofEntries(
            Map.entry("POST /api/incidents", Set.of("operator")),
            Map.entry("GET /api/incidents/{id}", READERS),
            Map.entry("PUT /api/incidents/{id}/translations/{locale}", Set.of("operator")),
            Map.entry("PUT /api/incidents/{id}/facts", Set.of("operator")),
            Map.entry("PUT /api/incidents/{id}", Set.of("operator")),
            Map.entry("GET /api/letters/batches", Set.of("operator", "auditor")),
            Map.entry("GET /api/suppressions", Set.of("operator", "auditor", "support")),
            Map.entry("DELETE /api/suppressions/{address}", Set.of("operator")),
            Map.entry("GET /api/bounces/mailbox", Set.of("operator", "auditor", "admin")),
            Map.entry("DELETE /api/users/{username}/mfa", Set.of("admin")),
            Map.entry("POST /api/letters/batches", Set.of("operator")),
            Map.entry("GET /api/letters/batches/{id}", Set.of("operator", "auditor")),
            Map.entry("GET /api/letters/batches/{id}/letters.zip", Set.of("operator")),
            Map.entry("POST /api/letters/batches/{id}/handover", Set.of("operator")),
            Map.entry("POST /api/letters/returned", Set.of("operator")),
            Map.entry("POST /api/incidents/{incidentId}/accounts", Set.of("operator")),
            Map.entry("GET /api/incidents/{incidentId}/uploads", Set.of("operator", "auditor")),
            Map.entry("GET /api/incidents/{incidentId}/uploads/{uploadId}", Set.of("operator", "auditor")),
            Map.entry("POST /api/accounts/{accountId}/push-subscriptions", Set.of("operator")),
            Map.entry("POST /api/campaigns", Set.of("operator")),
            Map.entry("GET /api/campaigns/{id}", READERS),
            Map.entry("PUT /api/campaigns/{id}", Set.of("operator")),
            Map.entry("GET /api/campaigns/{id}/audience", READERS),
            Map.entry("POST /api/campaigns/{id}/preview", READERS),
            Map.entry("PUT /api/campaigns/{id}/templates/{locale}/{part}", Set.of("operator")),
            Map.entry("POST /api/campaigns/{id}/test-send", Set.of("operator")),
            Map.entry("POST /api/campaigns/{id}/approve", Set.of("approver")),
            Map.entry("POST /api/campaigns/{id}/reject", Set.of("approver")),
            Map.entry("GET /api/campaigns/{id}/changes-since-approval", READERS),
            Map.entry("POST /api/campaigns/{id}/launch", Set.of("operator")),
            Map.entry("POST /api/campaigns/{id}/pause", Set.of("operator")),
            Map.entry("POST /api/campaigns/{id}/resume", Set.of("operator")),
            Map.entry("POST /api/campaigns/{id}/cancel", Set.of("operator")),
            Map.entry("GET /api/campaigns/{id}/stats", READERS),
            Map.entry("GET /api/campaigns/{id}/report.csv", Set.of("operator", "auditor")),
            Map.entry("GET /api/campaigns/{id}/events", READERS),
            Map.entry("GET /api/deliveries/by-reference/{reference}", Set.of("support", "operator", "auditor")),
            Map.entry("POST /api/deliveries/{id}/resend", Set.of("support", "operator")),
            Map.entry("GET /api/deliveries", Set.of("support", "operator", "auditor")),
            Map.entry("GET /api/deliveries/{id}", Set.of("support", "operator", "auditor")),
            Map.entry("GET /api/audit", Set.of("auditor", "admin")),
            Map.entry("POST /api/users", Set.of("admin")),
            Map.entry("GET /api/users", Set.of("admin")),
            Map.entry("PUT /api/users/{username}/roles", Set.of("admin")),
            Map.entry("DELETE /api/users/{username}", Set.of("admin")),
            Map.entry("DELETE /api/users/{username}/login-delays", Set.of("admin")),
            Map.entry("POST /api/tokens", EVERYONE),
            Map.entry("GET /api/tokens", EVERYONE),
            Map.entry("DELETE /api/tokens/{id}", EVERYONE)));

    /** One user per role, holding only that role. */
    private static final Map<String, String> USER_OF_ROLE = Map.of(
            "admin", "admin", "operator", TestUsers.OPERATOR, "approver", TestUsers.APPROVER,
            "support", TestUsers.SUPPORT, "auditor", TestUsers.AUDITOR);

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    @Test
    void everyDocumentedEndpointIsInTheMatrixAndEnforcesIt() {
        Map<String, Map<String, Object>> paths = given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().path("paths");
        Set<String> documented = new TreeSet<>();
        paths.forEach((path, operations) -> operations.keySet().forEach(method -> {
            if (Set.of("get", "post", "put", "delete", "patch").contains(method)) {
                documented.add(method.toUpperCase() + " " + path);
            }
        }));
        Set<String> expected = new TreeSet<>(MATRIX.keySet());
        expected.addAll(PUBLIC);
        assertEquals(expected, documented, "the role matrix must list exactly the documented endpoints");

        List<String> violations = new ArrayList<>();
        int checks = 0;
        for (var entry : MATRIX.entrySet()) {
            String method = entry.getKey().split(" ")[0];
            String path = entry.getKey().split(" ")[1].replaceAll("\\{[^}]+}", "x");
            int anonymous = call(given().auth().none(), method, path);
            checks++;
            if (anonymous != 401) {
                violations.add(entry.getKey() + " as anonymous -> " + anonymous);
            }
            for (var role : USER_OF_ROLE.entrySet()) {
                String user = role.getValue();
                RequestSpecification spec = "admin".equals(user) ? TestUsers.admin() : TestUsers.as(user);
                int status = call(spec, method, path);
                checks++;
                boolean allowed = entry.getValue().contains(role.getKey());
                if (allowed && (status == 401 || status == 403)) {
                    violations.add(entry.getKey() + " as " + role.getKey() + " (allowed) -> " + status);
                } else if (!allowed && status != 403) {
                    violations.add(entry.getKey() + " as " + role.getKey() + " (not allowed) -> " + status);
                }
            }
        }
        for (String endpoint : PUBLIC) {
            String method = endpoint.split(" ")[0];
            int anonymous = call(given().auth().none(), method, endpoint.split(" ")[1].replaceAll("\\{[^}]+}", "x"));
            checks++;
            if (anonymous == 401) {
                violations.add(endpoint + " is public but asked an anonymous caller to sign in");
            }
        }
        assertTrue(violations.isEmpty(), String.join("\n", violations));
        System.out.printf("endpoint/role matrix: %d endpoints, %d checks%n", MATRIX.size(), checks);
    }

    private static int call(RequestSpecification spec, String method, String path) {
        RequestSpecification s = spec.redirects().follow(false);
        if (path.endsWith("/accounts")) {
            s = s.contentType("text/csv").body("account_id,exposed\n".getBytes());
        } else if (path.endsWith("/returned")) {
            s = s.contentType("text/plain").body("reference\n".getBytes());
        } else if (!method.equals("GET") && !method.equals("DELETE")) {
            s = s.contentType("application/json").body("{}");
        }
        return s.request(method, path).then().extract().statusCode();
    }

    @Test
    void refusalsUseTheDocumentedErrorShape() {
        RestAssured.given().auth().none().get("/api/campaigns/x").then().statusCode(401)
                .header("WWW-Authenticate", org.hamcrest.Matchers.containsString("Basic"))
                .body("error", org.hamcrest.Matchers.equalTo("unauthorized"));
        TestUsers.as(TestUsers.SUPPORT).get("/api/campaigns/x").then().statusCode(403)
                .body("error", org.hamcrest.Matchers.equalTo("forbidden"));
    }
}
