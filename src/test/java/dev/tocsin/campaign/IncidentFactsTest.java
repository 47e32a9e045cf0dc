package dev.tocsin.campaign;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Mail;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the notices state comes from the incident's recorded facts, and a campaign whose readers' law needs a
 * fact that is not recorded cannot be approved: the approver is told which element, for which place and language.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class IncidentFactsTest {

    @BeforeEach
    void signIn() {
        TestUsers.ensure();
    }

    private static Map<String, Object> facts(boolean withOffer, boolean withDpo) {
        Map<String, Object> facts = new HashMap<>();
        facts.put("occurredUntil", "2026-11-03T12:00:00Z");
        facts.put("occurredEstimated", true);
        facts.put("lawEnforcementDelay", true);
        facts.put("delayNote", "The police asked us to wait five days.");
        facts.put("companyActions", List.of("We took the backup server offline on 20 November.",
                "We reported the incident to the California Attorney General."));
        facts.put("contact", Map.of("name", "Incident desk", "phone", "1-800-555-0100"));
        if (withDpo) {
            facts.put("dpo", Map.of("name", "Dana Officer", "email", "dpo@example.com"));
        }
        if (withOffer) {
            facts.put("offer", Map.of("service", "IdentityGuard Plus", "months", 24,
                    "enrolmentUrl", "https://localhost/enrol", "enrolBy", "2099-03-01"));
        }
        return facts;
    }

    @Test
    void factsAreCheckedBeforeNoticesStateThem() {
        String incident = Api.createIncident("facts checked " + UUID.randomUUID());
        Map<String, Object> bad = new HashMap<>(facts(false, false));
        bad.put("occurredUntil", "2026-10-01T00:00:00Z"); // before the incident began
        bad.put("offer", Map.of("service", "Monitor", "months", 12, "enrolmentUrl", "https://enrol.unknown-partner.example/x"));
        bad.put("contact", Map.of("phone", "call us!"));
        given().contentType(ContentType.JSON).body(bad).put("/api/incidents/" + incident + "/facts").then().statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("details.field", hasItems("facts.occurredUntil", "facts.offer.enrolmentUrl", "facts.contact.phone"))
                .body("details.find { it.field == 'facts.offer.enrolmentUrl' }.reason", containsString("TOCSIN_LINK_DOMAINS"));
        Map<String, Object> plainHttp = new HashMap<>(facts(false, false));
        plainHttp.put("offer", Map.of("service", "Monitor", "months", 12, "enrolmentUrl", "http://localhost/enrol"));
        given().contentType(ContentType.JSON).body(plainHttp).put("/api/incidents/" + incident + "/facts").then()
                .statusCode(400).body("details.field", hasItem("facts.offer.enrolmentUrl"));
        Map<String, Object> tooLong = new HashMap<>(facts(false, false));
        tooLong.put("offer", Map.of("service", "Monitor", "months", 1000, "enrolmentUrl", "https://localhost/enrol"));
        given().contentType(ContentType.JSON).body(tooLong).put("/api/incidents/" + incident + "/facts").then()
                .statusCode(400).body("details.field", hasItem(containsString("months")));
        // refused on creation: no half-made incident is left behind
        String title = "refused " + UUID.randomUUID();
        given().contentType(ContentType.JSON).body(Map.of("title", title, "occurredAt", "2026-11-01T00:00:00Z",
                        "discoveredAt", "2026-11-02T00:00:00Z", "translations", Map.of("es", Map.of("title", "t")),
                        "facts", Map.of("companyActions", List.of("x".repeat(1900), "y".repeat(1900), "z".repeat(1900),
                                "x".repeat(1900), "y".repeat(1900), "z".repeat(1900), "x".repeat(1900), "y".repeat(1900),
                                "z".repeat(1900), "x".repeat(1900), "y".repeat(1900)))))
                .post("/api/incidents").then().statusCode(400)
                .body("details.field", hasItem("facts.companyActions"));
        assertEquals(0L, io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() ->
                dev.tocsin.incident.Incident.count("title", title)), "nothing kept of a refused incident");
        // an auditor reads facts but does not record them; nothing changed
        TestUsers.as(TestUsers.AUDITOR).contentType(ContentType.JSON).body(facts(true, true))
                .put("/api/incidents/" + incident + "/facts").then().statusCode(403);
        given().get("/api/incidents/" + incident).then().statusCode(200).body("facts.facts.offer", equalTo(null))
                .body("facts.companyActions", equalTo(List.of("We reset every sign-in session on 20 November.")));
    }

    @Test
    void approvalNamesWhatEachPlacesLawMissesAndTheNoticeStatesTheRecordedFacts() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("Facts " + run);
        String californian = "ca-" + run + "@example.com";
        String briton = "gb-" + run + "@example.com";
        String secondCalifornian = "ca2-" + run + "@example.com";
        Api.uploadCsv(incident, "account_id,email,locale,country,region,exposed,enrolment_code\n"
                + "ca-" + run + "," + californian + ",en,US,CA,ssn;email,IDG-" + run + "\n"
                + "ca2-" + run + "," + secondCalifornian + ",en,US,CA,ssn;email,IDG-2-" + run + "\n"
                + "gb-" + run + "," + briton + ",en,GB,,email;password_hash,\n").statusCode(200);
        given().contentType(ContentType.JSON).body(facts(false, false)).put("/api/incidents/" + incident + "/facts")
                .then().statusCode(200).body("facts.facts.lawEnforcementDelay", equalTo(true));
        String campaign = Api.campaign(incident).name("facts " + run).create();

        // California: SSNs exposed and no offer; the UK: no data protection officer
        Api.approve(campaign).statusCode(409).body("error", equalTo("required_content_missing"))
                .body("details.findAll { it.element == 'offer' && it.locale == 'en' }.problem",
                        hasItem(containsString("US-CA (Cal. Civ. Code 1798.82(d))")))
                .body("details.findAll { it.element == 'dpo' }.problem", hasItem(containsString("GB (UK GDPR")))
                .body("details.element", not(hasItem("company-actions")));

        given().contentType(ContentType.JSON).body(facts(true, true)).put("/api/incidents/" + incident + "/facts")
                .then().statusCode(200).body("facts.facts.offer.months", equalTo(24));
        Api.approve(campaign).log().ifValidationFails().statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        Api.awaitCompleted(campaign);

        String toCalifornia = Mail.part(received(californian), "text/plain").replaceAll("[\u2068\u2069]", "");
        for (String stated : List.of("Notice of Data Breach", "Date of this notice:", "It happened between",
                "(these dates are estimates)", "This notice was delayed because a law-enforcement investigation required it.",
                "The police asked us to wait five days.", "We took the backup server offline on 20 November.",
                "We are offering you 24 months of IdentityGuard Plus, free of charge. To enrol, go to https://localhost/enrol",
                "P.O. Box 105788, Atlanta, GA 30348-5788", "California Civil Code section 1798.82",
                "Your enrolment code: IDG-" + run + ".",
                "Incident desk", "1-800-555-0100")) {
            assertTrue(toCalifornia.contains(stated), "the Californian's notice states: " + stated + "\n" + toCalifornia);
        }
        assertFalse(toCalifornia.contains("informed the authorities") || toCalifornia.contains("closed the weakness"),
                "no claim the incident does not record");
        // each person's own code, even where the rest of the notice is the same
        String toSecond = Mail.part(received(secondCalifornian), "text/plain").replaceAll("[\u2068\u2069]", "");
        assertTrue(toSecond.contains("Your enrolment code: IDG-2-" + run + ".") && !toSecond.contains("IDG-" + run + "."), toSecond);
        String toBriton = Mail.part(received(briton), "text/plain").replaceAll("[\u2068\u2069]", "");
        assertTrue(toBriton.contains("Dana Officer") && toBriton.contains("dpo@example.com") && toBriton.contains("ico.org.uk"),
                toBriton);
        assertFalse(toBriton.contains("Equifax, P.O. Box"), "no US credit bureaus for a UK resident");
        assertFalse(toBriton.contains("enrolment code"), "no code, no sentence about one");
    }

    private static MimeMessage received(String address) {
        return Arrays.stream(TestServices.greenMail().getReceivedMessages()).filter(m -> Mail.to(m).equals(address))
                .findFirst().orElseThrow();
    }
}
