package dev.tocsin.console;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A careless or stolen operator account posts the worst values into the console's forms (facts, translations,
 * template parts, test sends, approval): each is answered with a page that says what was wrong, never a 5xx,
 * and a refused form changes nothing.
 */
@QuarkusTest
class ConsoleFormsHostileInputTest {

    static final List<String> WORST = List.of("", " ", "\u0000", "-1", "0", "99999999999999999999999", "1e309", "NaN",
            "../../../../etc/passwd", "<script>alert(1)</script>", "{#include ../application.properties/}", "{inject:x}",
            "en-a-aaaaaaaa-b-bbbbbbbb-c-cccccccc-d-dddddddd-e-eeeeeeee", "x".repeat(70_000), "\uD800", "2026-02-30T25:61",
            "javascript:alert(1)", "http://169.254.169.254/latest/meta-data/", "🙂".repeat(500), "\u202Egnp.exe");

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private record Session(String session, String csrfCookie, String token) {
    }

    private static Session signIn(String user) {
        Response form = given().auth().none().get("/console/login");
        String csrfCookie = form.getCookie("tocsin_csrf");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(form.asString());
        assertTrue(m.find());
        Response signed = given().auth().none().redirects().follow(false).cookie("tocsin_csrf", csrfCookie)
                .contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("csrf-token", m.group(1), "username", user, "password", TestUsers.PASSWORD, "next", "/console"))
                .post("/console/login");
        return new Session(signed.getCookie("tocsin_session"), csrfCookie, m.group(1));
    }

    private static int post(Session s, String path, Map<String, String> fields) {
        Map<String, String> body = new LinkedHashMap<>(fields);
        body.put("csrf-token", s.token());
        return given().auth().none().redirects().follow(false).cookie("tocsin_session", s.session())
                .cookie("tocsin_csrf", s.csrfCookie()).contentType("application/x-www-form-urlencoded; charset=UTF-8")
                .formParams(body).post(path).then().extract().statusCode();
    }

    @Test
    void theWorstValuesInEveryNewFormAreAnsweredWithoutA5xx() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("hostile forms " + run);
        String campaign = Api.campaign(incident).name("hostile " + run).create();
        Session operator = signIn(TestUsers.OPERATOR);
        Session approver = signIn(TestUsers.APPROVER);
        List<String> failures = new ArrayList<>();
        List<String> factFields = List.of("occurredUntil", "occurredEstimated", "lawEnforcementDelay", "delayNote", "companyActions",
                "securityMeasures", "contact.name", "contact.email", "contact.phone", "dpo.postalAddress", "offer.service",
                "offer.months", "offer.enrolmentUrl", "offer.enrolBy", "affectedCount");
        for (String worst : WORST) {
            for (String field : factFields) {
                Map<String, String> form = new LinkedHashMap<>(Map.of("offer.service", "Credit monitoring", "offer.months", "12",
                        "offer.enrolmentUrl", "https://example.com/enrol"));
                form.put(field, worst);
                check(failures, "facts " + field, worst, post(operator, "/console/incidents/" + incident + "/facts", form));
            }
            for (String field : List.of("locale", "title", "description", "companyActions", "delayNote")) {
                Map<String, String> form = new LinkedHashMap<>(Map.of("locale", "fr", "title", "Titre"));
                form.put(field, worst);
                check(failures, "translation " + field, worst, post(operator, "/console/incidents/" + incident + "/facts/translation", form));
            }
            for (String field : List.of("title", "description", "occurredAt", "discoveredAt")) {
                Map<String, String> form = new LinkedHashMap<>(Map.of("title", "Corrected", "occurredAt", "2026-11-01T10:00",
                        "discoveredAt", "2026-11-02T10:00"));
                form.put(field, worst);
                check(failures, "incident " + field, worst, post(operator, "/console/incidents/" + incident + "/facts/incident", form));
            }
            for (String field : List.of("locale", "part", "source")) {
                Map<String, String> form = new LinkedHashMap<>(Map.of("locale", "en", "part", "sms.txt", "source", "Hello"));
                form.put(field, worst);
                check(failures, "template " + field, worst, post(operator, "/console/drafts/" + campaign + "/templates", form));
            }
            for (String field : List.of("emails", "phones", "locale")) {
                Map<String, String> form = new LinkedHashMap<>(Map.of("emails", "not an address"));
                form.put(field, worst);
                check(failures, "test send " + field, worst, post(operator, "/console/drafts/" + campaign + "/test-send", form));
            }
            check(failures, "reject comment", worst, post(approver, "/console/campaigns/" + campaign + "/approval",
                    Map.of("decision", "reject", "comment", worst)));
            check(failures, "wizard count", worst, post(operator, "/console/campaigns/new",
                    Map.of("incidentId", incident, "name", worst, "countries", worst, "locales", worst, "maxAttempts", worst)));
            if (!fitsInARequestLine(worst)) {
                continue;
            }
            check(failures, "templates page", worst, given().auth().none().cookie("tocsin_session", operator.session())
                    .queryParam("locale", worst).queryParam("part", worst).get("/console/drafts/" + campaign + "/templates")
                    .then().extract().statusCode());
            check(failures, "facts page", worst, given().auth().none().cookie("tocsin_session", operator.session())
                    .queryParam("locale", worst).get("/console/incidents/" + incident + "/facts").then().extract().statusCode());
        }
        // and the forms do their work with good values (a refusal above is not a missing page)
        assertEquals(200, post(operator, "/console/incidents/" + incident + "/facts/incident", Map.of("title",
                "Corrected " + run, "occurredAt", "2026-11-01T10:00", "discoveredAt", "2026-11-02T10:00")));
        assertEquals("Corrected " + run, given().auth().preemptive().basic(TestUsers.OPERATOR, TestUsers.PASSWORD)
                .get("/api/incidents/" + incident).then().extract().path("title"));
        assertEquals(200, post(operator, "/console/incidents/" + incident + "/facts/translation", Map.of("locale", "fr",
                "title", "Titre " + run)));
        assertEquals(200, post(operator, "/console/incidents/" + incident + "/facts", Map.of("affectedCount", "12")));
        // unknown ids: a page that says so
        check(failures, "unknown campaign", "", post(operator, "/console/drafts/no-such/templates", Map.of("locale", "en", "part", "sms.txt", "source", "x")));
        check(failures, "unknown incident", "", post(operator, "/console/incidents/no-such/facts", Map.of()));
        assertTrue(failures.isEmpty(), "5xx answers:\n" + String.join("\n", failures));
    }

    /**
     * A value longer than the HTTP layer's request-line limit (4 KiB) cannot reach the page through a query: the
     * server answers 414 and closes the connection, and a client still writing its long line then sees a broken
     * pipe instead of the answer. Forms carry those values in the body (above); queries only the ones that fit.
     */
    private static boolean fitsInARequestLine(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).length() * 2 < 3_000;
    }

    private static void check(List<String> failures, String what, String value, int status) {
        if (status >= 500) {
            failures.add(what + " = '" + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "' -> " + status);
        }
    }
}
