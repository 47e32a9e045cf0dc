package dev.tocsin.tracking;

import dev.tocsin.tracking.Recipients.Received;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a recipient does with a notice, without an account: opens the advisory link (in their language, Arabic
 * right to left), acknowledges it, checks its reference on /verify; what support then sees.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class RecipientPagesTest {

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void signIn() {
        TestUsers.ensure();
    }

    private static Response page(String path) {
        return given().auth().none().redirects().follow(false).get(path);
    }

    private static Map<String, Object> supportView(String address) {
        List<Map<String, Object>> found = TestUsers.as(TestUsers.SUPPORT).queryParam("email", address)
                .get("/api/deliveries").then().statusCode(200).extract().path("");
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }

    @Test
    void theAdvisoryPageShowsTheNoticeInTheReadersLanguageAndRecordsOpenAndAcknowledgeOnce() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Received> got = Recipients.notify(run, List.of("en", "ar", "ja"));

        for (String locale : List.of("en", "ar", "ja")) {
            Received r = got.get(locale);
            Response res = page("/a/" + r.token());
            assertEquals(200, res.statusCode(), res.asString());
            assertTrue(res.contentType().startsWith("text/html"), res.contentType());
            assertEquals("no-referrer", res.header("Referrer-Policy"));
            assertEquals("nosniff", res.header("X-Content-Type-Options"));
            String csp = res.header("Content-Security-Policy");
            assertTrue(csp.contains("frame-ancestors 'none'") && !csp.contains("script-src")
                    && csp.contains("default-src 'none'"), csp);
            Document doc = Jsoup.parse(res.asString());
            assertEquals(locale, doc.selectFirst("html").attr("lang"));
            assertEquals(locale.equals("ar") ? "rtl" : "ltr", doc.selectFirst("html").attr("dir"));
            assertEquals(1, doc.select("h1").size(), "one h1");
            assertHeadingsInOrder(doc);
            assertTrue(doc.select("script").isEmpty(), "no script on the page");
            assertTrue(doc.text().contains(r.reference()), "the page shows the notice's reference");
            assertEquals(List.of(), doc.select("input[type=password]"), "asks for no credentials");
            Element form = doc.selectFirst("form[method=post]");
            assertNotNull(form, "acknowledge is a plain form");
            assertEquals("../a/" + r.token() + "/ack", form.attr("action"));
            for (Element a : doc.select("a[href]")) {
                String href = a.attr("href");
                assertTrue(href.startsWith("../") || href.startsWith("http://localhost") || href.startsWith("mailto:"),
                        "links stay home: " + href);
            }
        }
        Document ja = Jsoup.parse(page("/a/" + got.get("ja").token()).asString());
        assertTrue(ja.selectFirst("h1").text().contains("セキュリティ"), ja.selectFirst("h1").text());
        Document ar = Jsoup.parse(page("/a/" + got.get("ar").token()).asString());
        assertTrue(ar.selectFirst("h1").text().contains("إشعار أمني"), ar.selectFirst("h1").text());
        // what happened, in Arabic (the incident's translation), not the English title
        assertTrue(ar.selectFirst("article.notice").text().contains("نسخ نسخة احتياطية"), ar.text());
        assertFalse(ar.selectFirst("article.notice").text().contains("Recipient pages"), ar.text());

        // the first view is the open; views since (above, and a link preview's GET) move nothing, acknowledge nothing
        String en = got.get("en").address();
        Map<String, Object> afterViews = supportView(en);
        assertNotNull(afterViews.get("openedAt"));
        assertNull(afterViews.get("acknowledgedAt"), "a GET never acknowledges");
        page("/a/" + got.get("en").token()).then().statusCode(200);
        assertEquals(afterViews.get("openedAt"), supportView(en).get("openedAt"), "a second view keeps the first time");

        Response thanks = given().auth().none().post("/a/" + got.get("en").token() + "/ack");
        assertEquals(200, thanks.statusCode());
        assertEquals("no-referrer", thanks.header("Referrer-Policy"));
        Document thanksPage = Jsoup.parse(thanks.asString());
        assertEquals("Thank you", thanksPage.selectFirst("h1").text());
        Object acknowledged = supportView(en).get("acknowledgedAt");
        assertNotNull(acknowledged);
        given().auth().none().post("/a/" + got.get("en").token() + "/ack").then().statusCode(200);
        assertEquals(acknowledged, supportView(en).get("acknowledgedAt"), "acknowledging again keeps the first time");
        Document after = Jsoup.parse(page("/a/" + got.get("en").token()).asString());
        assertTrue(after.select("form[method=post]").isEmpty(), "an acknowledged notice offers no button");

        // support: what the recipient did, in the delivery's history
        List<String> history = TestUsers.as(TestUsers.SUPPORT).queryParam("email", en).get("/api/deliveries")
                .then().extract().path("[0].history.status");
        assertTrue(history.containsAll(List.of("sent", "opened", "acknowledged")), history.toString());
    }

    private static void assertHeadingsInOrder(Document doc) {
        int previous = 0;
        for (Element h : doc.select("h1, h2, h3, h4, h5, h6")) {
            int level = h.tagName().charAt(1) - '0';
            assertTrue(level <= previous + 1, "heading " + h.tagName() + " '" + h.text() + "' skips a level");
            previous = level;
        }
    }

    @Test
    void aTamperedUnknownOrExpiredLinkGetsAPlainPageInTheBrowsersLanguage() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Received r = Recipients.notify(run, List.of("en")).get("en");
        String token = r.token();
        String tampered = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
        Response bad = given().auth().none().header("Accept-Language", "de-CH, de;q=0.9, en;q=0.5").get("/a/" + tampered);
        assertEquals(404, bad.statusCode());
        Document page = Jsoup.parse(bad.asString());
        assertEquals("de", page.selectFirst("html").attr("lang"));
        assertEquals("Dieser Link ist ungültig", page.selectFirst("h1").text());
        assertTrue(bad.asString().contains("security@example.com") || page.text().contains("@"), "says how to reach us");
        assertEquals("no-referrer", bad.header("Referrer-Policy"));
        for (String junk : List.of("x", "0.AAAAAAAAAAAAAAAAAAAAAA", "zzzzzzzzzzzzzz.AAAAAAAAAAAAAAAAAAAAAA",
                "-1." + token.substring(token.indexOf('.') + 1), "a".repeat(3000))) {
            Response res = given().auth().none().header("Accept-Language", "*;q=0, ;;;").get("/a/" + junk);
            assertEquals(404, res.statusCode(), junk);
            assertFalse(res.asString().contains("Exception"), junk);
        }
        given().auth().none().post("/a/" + tampered + "/ack").then().statusCode(404);

        // the campaign ended longer ago than links live (180 days by default)
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE campaign SET completed_at = CURRENT_TIMESTAMP - INTERVAL '181 days'"
                        + " WHERE id = (SELECT campaign_id FROM delivery WHERE address = ?)")) {
            ps.setString(1, r.address());
            assertEquals(1, ps.executeUpdate());
        }
        Response expired = given().auth().none().header("Accept-Language", "fr").get("/a/" + token);
        assertEquals(410, expired.statusCode());
        assertEquals("Ce lien a expiré", Jsoup.parse(expired.asString()).selectFirst("h1").text());
        given().auth().none().post("/a/" + token + "/ack").then().statusCode(410);
        assertNull(supportView(r.address()).get("acknowledgedAt"), "an expired link acknowledges nothing");
    }

    @Test
    void verifyTellsAGenuineReferenceFromAMadeUpOneAndForgivesTypingSlips() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Received r = Recipients.notify(run, List.of("en")).get("en");
        String ref = r.reference();
        String body = ref.substring(4).replace("-", "");
        // lower case, spaces instead of dashes, no prefix, a look-alike for one letter
        String slipped = body.toLowerCase(Locale.ROOT).substring(0, 5) + " " + body.toLowerCase(Locale.ROOT).substring(5);
        String lookalike = body.contains("D") ? body.replaceFirst("D", "0") : body.contains("L") ? body.replaceFirst("L", "1") : body;
        for (String typed : List.of(ref, "tcs " + slipped, slipped.replace(" ", ""), "TCS-" + lookalike)) {
            Response res = given().auth().none().queryParam("reference", typed).get("/verify");
            assertEquals(200, res.statusCode(), typed);
            Document doc = Jsoup.parse(res.asString());
            Element result = doc.selectFirst("section.result");
            assertNotNull(result, typed);
            assertTrue(result.hasClass("genuine"), typed + ": " + result.text());
            assertTrue(result.text().contains("Example Corp") && result.text().contains(ref)
                    && result.text().contains("email") && result.text().contains("Recipient pages " + run), result.text());
            assertFalse(result.text().contains(r.address()), "never the person's address");
            assertEquals("no-referrer", res.header("Referrer-Policy"));
        }
        Response madeUp = given().auth().none().header("Accept-Language", "es").queryParam("reference", "TCS-ZZZZZ-ZZZZZ").get("/verify");
        assertEquals(200, madeUp.statusCode());
        Element result = Jsoup.parse(madeUp.asString()).selectFirst("section.result");
        assertTrue(result.hasClass("unknown"), result.text());
        assertEquals("No enviamos ningún aviso con esta referencia", result.selectFirst("h2").text());
        Element malformed = Jsoup.parse(given().auth().none().queryParam("reference", "<script>alert(1)</script>")
                .get("/verify").asString()).selectFirst("section.result");
        assertTrue(malformed.hasClass("malformed"));
        Document form = Jsoup.parse(given().auth().none().get("/verify").asString());
        assertNotNull(form.selectFirst("form[method=get] input[name=reference]"));
        assertNotNull(form.selectFirst("label[for=reference]"));

        // support finds the notice from the reference the caller reads out, slips and all
        String found = TestUsers.as(TestUsers.SUPPORT).get("/api/deliveries/by-reference/" + slipped.replace(" ", "-"))
                .then().statusCode(200).extract().path("reference");
        assertEquals(ref, found);
        TestUsers.as(TestUsers.SUPPORT).get("/api/deliveries/by-reference/TCS-ZZZZZ-ZZZZZ").then().statusCode(404);
        TestUsers.as(TestUsers.SUPPORT).get("/api/deliveries/by-reference/nonsense").then().statusCode(400);
    }

    @Test
    void verifyIsRateLimitedPerClientAcrossInstances() throws Exception {
        // one check opens this client's window in the shared database
        given().auth().none().queryParam("reference", "TCS-ZZZZZ-ZZZZY").get("/verify").then().statusCode(200);
        long window = Instant.now().getEpochSecond() / 60;
        String key;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT client_key FROM public_rate_window WHERE client_key LIKE 'verify:%' AND window_start >= ?")) {
            ps.setLong(1, window - 1);
            var rs = ps.executeQuery();
            assertTrue(rs.next(), "the window is kept in the database");
            key = rs.getString(1);
        }
        try {
            // another instance used up this client's budget for this minute and the next
            try (Connection c = dataSource.getConnection()) {
                for (long w = window; w <= window + 1; w++) {
                    try (PreparedStatement del = c.prepareStatement(
                            "DELETE FROM public_rate_window WHERE client_key = ? AND window_start = ?")) {
                        del.setString(1, key);
                        del.setLong(2, w);
                        del.executeUpdate();
                    }
                    try (PreparedStatement ins = c.prepareStatement(
                            "INSERT INTO public_rate_window (client_key, window_start, used) VALUES (?, ?, 20)")) {
                        ins.setString(1, key);
                        ins.setLong(2, w);
                        ins.executeUpdate();
                    }
                }
            }
            Response limited = given().auth().none().queryParam("reference", "TCS-ZZZZZ-ZZZZX").get("/verify");
            assertEquals(429, limited.statusCode());
            int retryAfter = Integer.parseInt(limited.header("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
            Document page = Jsoup.parse(limited.asString());
            assertEquals("Too many checks from your connection", page.selectFirst("section.result h2").text());
            // the form itself (no reference) is never refused
            given().auth().none().get("/verify").then().statusCode(200);
        } finally {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM public_rate_window WHERE client_key = ?")) {
                ps.setString(1, key);
                ps.executeUpdate();
            }
        }
    }
}
