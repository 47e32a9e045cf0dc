package dev.tocsin.channel.push;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Mail;
import dev.tocsin.testing.PushStandIn;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Web Push through the web-push library against a local push-service stand-in: the payload arrives encrypted
 * for the subscribing browser, which decrypts it to the localized notice; a push service answering 410/404
 * removes the subscription and settles the delivery as undeliverable (and first-available falls back).
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class PushCampaignTest {

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    static io.restassured.response.ValidatableResponse subscribe(String accountId, PushStandIn.Browser browser) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("endpoint", TestServices.push().endpoint(browser.subscription),
                        "keys", Map.of("p256dh", browser.p256dh(), "auth", browser.auth())))
                .post("/api/accounts/" + accountId + "/push-subscriptions").then();
    }

    private static String launch(String incident, List<String> channels, String policy) {
        return Api.launchAndWait(incident, "push notice", channels, policy);
    }

    @Test
    void aSubscriptionIsCheckedBeforeItIsKept() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("push registration " + run);
        Api.uploadCsv(incident, "account_id,email,exposed\nr1-" + run + ",r1-" + run + "@example.com,password\n").statusCode(200);
        PushStandIn.Browser browser = new PushStandIn.Browser("reg-");

        given().contentType(ContentType.JSON)
                .body(Map.of("endpoint", "ftp://push.example.com/x",
                        "keys", Map.of("p256dh", Base64.getUrlEncoder().encodeToString(new byte[65]), "auth", "c2hvcnQ")))
                .post("/api/accounts/r1-" + run + "/push-subscriptions").then().statusCode(400)
                .body("error", equalTo("invalid_push_subscription"))
                .body("details.field", hasItems("endpoint", "keys.p256dh", "keys.auth"));
        subscribe("nobody-" + run, browser).statusCode(404).body("error", equalTo("account_not_found"));

        int id = subscribe("r1-" + run, browser).statusCode(201)
                .body("accountId", equalTo("r1-" + run))
                .body("endpointHost", equalTo("127.0.0.1")).extract().path("id");
        // The same browser again (e.g. keys rotated) updates the one subscription.
        subscribe("r1-" + run, browser).statusCode(200).body("id", equalTo(id));

        String key = given().auth().none().get("/api/push/vapid-public-key").then().statusCode(200).extract().path("publicKey");
        byte[] point = Base64.getUrlDecoder().decode(key);
        assertEquals(65, point.length, "an uncompressed P-256 point, as pushManager.subscribe() expects");
        assertEquals(4, point[0]);
    }

    @Test
    void eachBrowserGetsItsNoticeOnceEncryptedForItAndGoneSubscriptionsAreRemoved() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("push " + run);
        Api.uploadCsv(incident, "account_id,email,locale,exposed\n"
                + "p1-" + run + ",,en,password\n"
                + "p2-" + run + ",,fr,password_hash\n"
                + "p3-" + run + ",,en,password\n"
                + "p4-" + run + ",,en,password\n"
                + "p5-" + run + ",,en,password\n").statusCode(200).body("accepted", equalTo(5));
        PushStandIn.Browser english = new PushStandIn.Browser("ok-");
        PushStandIn.Browser french = new PushStandIn.Browser("ok-");
        PushStandIn.Browser gone = new PushStandIn.Browser("gone-");
        PushStandIn.Browser flaky = new PushStandIn.Browser("flaky-");
        TestServices.push().flaky(flaky.subscription);
        subscribe("p1-" + run, english).statusCode(201);
        subscribe("p2-" + run, french).statusCode(201);
        subscribe("p3-" + run, gone).statusCode(201);
        subscribe("p4-" + run, flaky).statusCode(201);
        // p5 has no subscription: not reachable by push

        String campaign = Api.campaign(incident).name("push").channels("push").create();
        Api.get("/api/campaigns/" + campaign + "/audience").statusCode(200)
                .body("total", equalTo(5)).body("byChannel.push", equalTo(4)).body("unreachable", equalTo(1));
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                "COMPLETED".equals(Api.get("/api/campaigns/" + campaign + "/stats").extract().path("status")));

        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200)
                .body("total", equalTo(4))
                .body("byChannel.push.sent", equalTo(3))
                .body("byChannel.push.undeliverable", equalTo(1))
                .body("byStatus.failed", equalTo(0));

        List<PushStandIn.Received> received = TestServices.push().receivedFor(
                List.of(english.subscription, french.subscription, gone.subscription, flaky.subscription));
        assertEquals(List.of(201), statuses(received, english), "one push to each browser");
        assertEquals(List.of(201), statuses(received, french));
        assertEquals(List.of(410), statuses(received, gone), "a gone subscription is tried once, never again");
        assertEquals(List.of(429, 503, 201), statuses(received, flaky), "429 and 503 are retried until accepted");

        PushStandIn.Received toEnglish = only(received, english);
        assertEquals("aes128gcm", toEnglish.contentEncoding());
        assertTrue(toEnglish.authorization().startsWith("vapid t="), toEnglish.authorization());
        String vapidKey = given().auth().none().get("/api/push/vapid-public-key").then().extract().path("publicKey");
        assertTrue(toEnglish.authorization().endsWith("k=" + vapidKey), "signed with the key browsers subscribed with");
        assertNotNull(toEnglish.ttl());

        JsonPath en = JsonPath.from(english.decrypt(toEnglish.body()));
        assertEquals("Example Corp: security notice about your account", en.getString("title"));
        assertTrue(en.getString("body").startsWith("A security incident affected your account."), en.getString("body"));
        // a lock screen shows the body to anyone nearby: it names no exposed data
        assertFalse(en.getString("body").toLowerCase(java.util.Locale.ROOT).contains("password"), en.getString("body"));
        assertTrue(en.getString("reference").matches("TCS-[A-Z2-9]{5}-[A-Z2-9]{5}"), en.getString("reference"));
        assertTrue(en.getString("body").endsWith("Ref " + en.getString("reference")), en.getString("body"));
        // the advisory link points at the address this instance serves (no TOCSIN_ADVISORY_BASE_URL in tests)
        assertTrue(en.getString("url").startsWith("http://localhost:" + io.restassured.RestAssured.port + "/a/"),
                en.getString("url"));
        JsonPath fr = JsonPath.from(french.decrypt(only(received, french).body()));
        assertTrue(fr.getString("title").contains("avis de sécurité"), fr.getString("title"));
        assertTrue(fr.getString("body").startsWith("Un incident de sécurité a touché votre compte."), fr.getString("body"));

        assertEquals(0L, subscriptionsOf("p3-" + run), "the push service said 410: the subscription is removed");
        assertEquals(1L, subscriptionsOf("p1-" + run));
        String reason = TestUsers.as(TestUsers.SUPPORT).queryParam("accountId", "p3-" + run).get("/api/deliveries")
                .then().statusCode(200).body("[0].channel", equalTo("push")).body("[0].status", equalTo("undeliverable"))
                .extract().path("[0].lastError");
        assertTrue(reason.contains("HTTP 410"), reason);
        assertTrue(!reason.contains(gone.subscription), "the endpoint (a capability) is not shown: " + reason);
    }

    @Test
    void firstAvailableFallsBackFromAGoneSubscriptionToEmail() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String fallback = "pushgone-" + run + "@example.com";
        String reached = "pushok-" + run + "@example.com";
        String incident = Api.createIncident("push fallback " + run);
        Api.uploadCsv(incident, "account_id,email,exposed\n"
                + "g1-" + run + "," + fallback + ",password\n"
                + "g2-" + run + "," + reached + ",password\n").statusCode(200);
        PushStandIn.Browser gone = new PushStandIn.Browser("gone-");
        PushStandIn.Browser ok = new PushStandIn.Browser("ok-");
        subscribe("g1-" + run, gone).statusCode(201);
        subscribe("g2-" + run, ok).statusCode(201);

        String campaign = launch(incident, List.of("push", "email"), "first-available");
        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200)
                .body("byChannel.push.sent", equalTo(1))
                .body("byChannel.push.undeliverable", equalTo(1))
                .body("byChannel.email.sent", equalTo(1));
        List<String> got = Arrays.stream(TestServices.greenMail().getReceivedMessages()).map(Mail::to)
                .filter(to -> to.contains(run)).toList();
        assertEquals(List.of(fallback), got, "email goes only to the person push could not reach");
    }

    private static List<Integer> statuses(List<PushStandIn.Received> received, PushStandIn.Browser browser) {
        return received.stream().filter(r -> r.subscription().equals(browser.subscription)).map(PushStandIn.Received::status).toList();
    }

    private static PushStandIn.Received only(List<PushStandIn.Received> received, PushStandIn.Browser browser) {
        List<PushStandIn.Received> mine = received.stream().filter(r -> r.subscription().equals(browser.subscription)).toList();
        assertEquals(1, mine.size());
        return mine.get(0);
    }

    private static long subscriptionsOf(String accountId) {
        return QuarkusTransaction.requiringNew().call(() -> PushSubscription.count("accountId", accountId));
    }
}
