package dev.tocsin.campaign;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Mail;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.internet.MimeMessage;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Updates as the incident unfolds: a follow-up goes to the recipients of an earlier campaign (here only those
 * who have not acknowledged it), says which notice it updates, and both advisory pages list the incident's
 * notices newest first.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class FollowUpTest {

    private static final Pattern TOKEN = Pattern.compile("/a/([0-9a-z]+\\.[A-Za-z0-9_-]{22})");
    private static final Pattern REFERENCE = Pattern.compile("TCS-[A-Z2-9]{5}-[A-Z2-9]{5}");

    @BeforeEach
    void signIn() {
        TestUsers.ensure();
    }

    private static List<MimeMessage> received(String address) {
        return Arrays.stream(TestServices.greenMail().getReceivedMessages()).filter(m -> Mail.to(m).equals(address))
                .sorted(Comparator.comparing(m -> {
                    try {
                        return m.getSentDate();
                    } catch (jakarta.mail.MessagingException e) {
                        throw new IllegalStateException(e);
                    }
                })).toList();
    }

    private static String find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertTrue(m.find(), text);
        return m.group(m.groupCount() > 0 ? 1 : 0);
    }

    @Test
    void aFollowUpUpdatesTheNoticeOfThoseWhoHaveNotAcknowledgedIt() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("Follow-up " + run);
        String ann = "fu-ann-" + run + "@example.com";
        String ben = "fu-ben-" + run + "@example.com";
        Api.uploadCsv(incident, "account_id,email,exposed\nann-" + run + "," + ann + ",password\nben-" + run + "," + ben
                + ",password\n").statusCode(200);
        String first = Api.launchAndWait(incident, "first " + run, List.of("email"), "all");

        // Ann reads and acknowledges hers; Ben does not
        String annText = Mail.part(received(ann).get(0), "text/plain");
        given().auth().none().post("/a/" + find(TOKEN, annText) + "/ack").then().statusCode(200);
        String benFirst = Mail.part(received(ben).get(0), "text/plain");
        String benReference = find(REFERENCE, benFirst);

        // refused: an unknown campaign, one of another incident, an unknown audience
        Api.campaign(incident).set("followUpOf", "no-such-campaign").post().statusCode(400)
                .body("details[0].field", equalTo("followUpOf"));
        String other = Api.launchAndWait(Api.incidentWithEmailAccounts("fu-other", run, 1), "other " + run,
                List.of("email"), "all");
        Api.campaign(incident).set("followUpOf", other).post().statusCode(400).body("details[0].field", equalTo("followUpOf"));
        Api.campaign(incident).set("followUpOf", first).set("followUpAudience", "everyone").post().statusCode(400)
                .body("details[0].field", equalTo("followUpAudience"));

        String update = Api.campaign(incident).name("update " + run).set("followUpOf", first)
                .set("followUpAudience", "unacknowledged").create();
        Api.get("/api/campaigns/" + update).statusCode(200).body("followUpOf", equalTo(first))
                .body("followUpAudience", equalTo("unacknowledged"));
        Api.get("/api/campaigns/" + update + "/audience").statusCode(200).body("total", equalTo(1));
        Api.approve(update).statusCode(200);
        Api.post("/api/campaigns/" + update + "/launch").statusCode(200);
        Api.awaitCompleted(update);

        assertEquals(1, received(ann).size(), "Ann acknowledged: no update for her");
        List<MimeMessage> toBen = received(ben);
        assertEquals(2, toBen.size());
        String benUpdate = Mail.part(toBen.get(1), "text/plain");
        assertTrue(benUpdate.replace("\u2068", "").replace("\u2069", "")
                .contains("This notice updates the one we sent you on"), benUpdate);
        assertTrue(benUpdate.contains(benReference), "it names the notice it updates: " + benUpdate);
        String updateReference = find(REFERENCE, benUpdate.replace(benReference, ""));

        // the update's advisory page lists both notices, newest first, and links to the first one's page
        Document page = Jsoup.parse(given().auth().none().get("/a/" + find(TOKEN, benUpdate)).asString());
        Element history = page.selectFirst("section.history");
        assertNotNull(history, page.toString());
        List<Element> items = history.select("li");
        assertEquals(2, items.size());
        assertTrue(items.get(0).text().contains(updateReference) && items.get(0).selectFirst("strong") != null,
                "newest first, marked as this notice: " + items.get(0));
        assertTrue(items.get(1).text().contains(benReference));
        String firstLink = items.get(1).selectFirst("a").attr("href");
        assertEquals("../a/" + find(TOKEN, benFirst), firstLink);
        Document firstPage = Jsoup.parse(given().auth().none().get("/a/" + find(TOKEN, benFirst)).asString());
        assertEquals(2, firstPage.select("section.history li").size(), "the first notice's page lists the update too");
    }
}
