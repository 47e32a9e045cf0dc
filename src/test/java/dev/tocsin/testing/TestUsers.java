package dev.tocsin.testing;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/**
 * The people of a trust-and-safety team, created through the API by the initial admin. Requests made with
 * plain given() act as the operator Olivia; the others are used explicitly.
 */
public final class TestUsers {

    public static final String ADMIN_PASSWORD = "admin-test-password-1";
    public static final String PASSWORD = "correct-horse-battery-1";

    public static final String OPERATOR = "olivia";
    public static final String SECOND_OPERATOR = "oscar";      // operator and approver: may edit, may approve others' work
    public static final String APPROVER = "abel";
    public static final String SUPPORT = "sam";
    public static final String AUDITOR = "aude";

    private static final Map<String, List<String>> USERS = Map.of(
            OPERATOR, List.of("operator"),
            SECOND_OPERATOR, List.of("operator", "approver"),
            APPROVER, List.of("approver"),
            SUPPORT, List.of("support"),
            AUDITOR, List.of("auditor"));

    private TestUsers() {
    }

    /** Creates the team if this application instance does not have it yet, and acts as Olivia by default. */
    public static void ensure() {
        List<String> existing = admin().get("/api/users").then().statusCode(200).extract().path("username");
        USERS.forEach((name, roles) -> {
            if (!existing.contains(name)) {
                admin().contentType(ContentType.JSON)
                        .body(Map.of("username", name, "password", PASSWORD, "roles", roles))
                        .post("/api/users").then().statusCode(201);
            }
        });
        RestAssured.authentication = RestAssured.preemptive().basic(OPERATOR, PASSWORD);
    }

    public static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", ADMIN_PASSWORD);
    }

    public static RequestSpecification as(String user) {
        return given().auth().preemptive().basic(user, PASSWORD);
    }

    public static String basicHeader(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }
}
