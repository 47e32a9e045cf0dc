package dev.tocsin.delivery;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Mail;
import dev.tocsin.testing.PushStandIn;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import dev.tocsin.testing.TwilioStandIn;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The delivery engine's promise under faults, at campaign scale: 5,000 people on email, SMS and push while
 * the SMTP server goes down mid-campaign, Twilio answers every number 429, then 500, then accepts, and a
 * push service says 410 for some subscriptions. Afterwards every delivery is settled, each person got each
 * message exactly once (per Message-ID at the SMTP server, per To at Twilio, per subscription at the push
 * service), and the campaign's stats add up to what the providers saw.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class MixedFaultsTest {

    private static final int PEOPLE = 5_000;

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    @Test
    void everyDeliverySettlesAndEachPersonGetsEachMessageExactlyOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String digits = String.format("%02d", ThreadLocalRandom.current().nextInt(100));
        String incident = Api.createIncident("mixed faults " + run);
        StringBuilder csv = new StringBuilder("account_id,email,phone,locale,exposed\n");
        List<String> phones = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            String phone = "";
            if (i % 5 < 2) { // 2 in 5 have a phone; every one of them meets Twilio's storm
                phone = TwilioStandIn.STORM_PREFIX + digits + String.format("%04d", i);
                phones.add(phone);
            }
            csv.append("m").append(i).append('-').append(run).append(",m").append(i).append('-').append(run)
                    .append("@example.com,").append(phone).append(',').append(i % 3 == 0 ? "es" : "en")
                    .append(",password\n");
        }
        Api.uploadCsv(incident, csv.toString()).statusCode(200).body("accepted", org.hamcrest.Matchers.equalTo(PEOPLE));

        // 1 in 5 registered a browser; 1 in 25 of those subscriptions has since expired at the push service.
        Map<String, PushStandIn.Browser> browsers = new HashMap<>();
        for (int i = 0; i < PEOPLE; i += 5) {
            PushStandIn.Browser browser = new PushStandIn.Browser(i % 25 == 0 ? "gone-" : "ok-");
            given().contentType(ContentType.JSON)
                    .body(Map.of("endpoint", TestServices.push().endpoint(browser.subscription),
                            "keys", Map.of("p256dh", browser.p256dh(), "auth", browser.auth())))
                    .post("/api/accounts/m" + i + "-" + run + "/push-subscriptions").then().statusCode(201);
            browsers.put(browser.subscription, browser);
        }
        long gone = browsers.keySet().stream().filter(s -> s.startsWith("gone-")).count();

        String campaign = Api.campaign(incident).name("mixed faults").channels("email", "sms", "push").policy("all")
                .maxAttempts(8).create();
        Api.approve(campaign).statusCode(200);
        long started = System.nanoTime();
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);

        // The SMTP server goes down once a fifth of the emails are through, for three seconds.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() ->
                TestServices.greenMail().getReceivedMessages().length >= PEOPLE / 5);
        TestServices.stopSmtp();
        Thread.sleep(3000);
        TestServices.startSmtp();

        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500)).until(() ->
                "COMPLETED".equals(Api.get("/api/campaigns/" + campaign + "/stats").extract().path("status")));
        double seconds = (System.nanoTime() - started) / 1e9;

        JsonPath stats = Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200).extract().jsonPath();
        int total = PEOPLE + phones.size() + browsers.size();
        assertEquals(total, stats.getInt("total"));
        assertEquals(PEOPLE, stats.getInt("byChannel.email.sent"));
        assertEquals(phones.size(), stats.getInt("byChannel.sms.sent"));
        assertEquals(browsers.size() - gone, stats.getInt("byChannel.push.sent"));
        assertEquals(gone, stats.getInt("byChannel.push.undeliverable"));
        for (String unsettled : List.of("queued", "sending", "failed", "cancelled")) {
            assertEquals(0, stats.getInt("byStatus." + unsettled), unsettled);
        }
        Map<String, Integer> byStatus = stats.getMap("byStatus");
        assertEquals(total, byStatus.values().stream().mapToInt(Integer::intValue).sum(), "statuses add up to the total");
        for (String status : byStatus.keySet()) {
            int perChannel = 0;
            for (String channel : List.of("email", "sms", "push")) {
                perChannel += stats.getInt("byChannel." + channel + "." + status);
            }
            assertEquals(byStatus.get(status), perChannel, "channels add up for " + status);
        }

        // Email: each person got one notice, always under the same Message-ID. A physical second copy is possible
        // only for a message the server stored in the instant it went down, before its "250 OK" reached us: the
        // send looked failed, so it was retried under the same Message-ID (the key a mail system dedupes by).
        List<MimeMessage> mail = TestServices.allReceivedMail().stream()
                .filter(m -> Mail.to(m).endsWith("-" + run + "@example.com")).toList();
        Map<String, Set<String>> idsPerRecipient = mail.stream().collect(Collectors.groupingBy(Mail::to,
                Collectors.mapping(MixedFaultsTest::messageId, Collectors.toSet())));
        assertEquals(PEOPLE, idsPerRecipient.size(), "every person got the email");
        assertEquals(Set.of(1), idsPerRecipient.values().stream().map(Set::size).collect(Collectors.toSet()),
                "nobody got two different notices");
        Map<String, Long> perMessageId = mail.stream().collect(Collectors.groupingBy(MixedFaultsTest::messageId, Collectors.counting()));
        List<String> copiedTwice = perMessageId.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        List<String> cutOff = QuarkusTransaction.requiringNew().call(() -> Delivery.getEntityManager().createNativeQuery(
                        "SELECT DISTINCT d.id FROM delivery_event e JOIN delivery d ON d.id = e.delivery_id"
                                + " WHERE d.campaign_id = ?1 AND d.channel = 'email' AND e.detail LIKE '%without answering%'")
                .setParameter(1, campaign).getResultList()).stream().map(String::valueOf).toList();
        System.out.printf("mixed faults: emails copied twice by the outage: %s; sends left without an answer: %s%n",
                copiedTwice, cutOff);
        assertTrue(perMessageId.values().stream().allMatch(n -> n <= 2), "never more than one extra copy: " + copiedTwice);
        assertTrue(copiedTwice.size() <= 4, "at most one message per SMTP connection caught by the outage: " + copiedTwice);
        assertTrue(cutOff.size() <= 4, "only the message in flight on each of the 4 connections was left unanswered: " + cutOff);
        for (String messageId : copiedTwice) {
            assertTrue(cutOff.contains(messageId.replaceAll("^<delivery-(\\d+)@.*$", "$1")),
                    messageId + " was copied twice, but its send had been answered");
        }
        long hitByOutage = QuarkusTransaction.requiringNew().call(() -> (Long) Delivery.getEntityManager().createNativeQuery(
                        "SELECT COUNT(DISTINCT e.delivery_id) FROM delivery_event e JOIN delivery d ON d.id = e.delivery_id"
                                + " WHERE d.campaign_id = ?1 AND d.channel = 'email' AND e.status = 'QUEUED'")
                .setParameter(1, campaign).getSingleResult());
        assertTrue(hitByOutage > 0, "the SMTP outage made some emails wait and retry");

        // SMS: every number saw 429, then 500, then exactly one accepted message.
        Map<String, List<Integer>> perNumber = TestServices.twilio().requestsTo(phones).stream()
                .collect(Collectors.groupingBy(TwilioStandIn.Sent::to,
                        Collectors.mapping(TwilioStandIn.Sent::status, Collectors.toList())));
        assertEquals(phones.size(), perNumber.size(), "every number was texted");
        assertEquals(Set.of(List.of(429, 500, 201)), Set.copyOf(perNumber.values()), "retried through the storm, accepted once");

        // Push: each live subscription accepted one message; each expired one was tried once and never again.
        Map<String, List<Integer>> perSubscription = TestServices.push().receivedFor(List.copyOf(browsers.keySet())).stream()
                .collect(Collectors.groupingBy(PushStandIn.Received::subscription,
                        Collectors.mapping(PushStandIn.Received::status, Collectors.toList())));
        assertEquals(browsers.size(), perSubscription.size());
        perSubscription.forEach((subscription, statuses) ->
                assertEquals(List.of(subscription.startsWith("gone-") ? 410 : 201), statuses, subscription));
        String anyLive = browsers.keySet().stream().filter(s -> s.startsWith("ok-")).findFirst().orElseThrow();
        String payload = browsers.get(anyLive).decrypt(TestServices.push().receivedFor(List.of(anyLive)).get(0).body());
        assertTrue(payload.contains("\"reference\":\"TCS-"), payload);

        System.out.printf("mixed faults: %d deliveries (%d email, %d sms, %d push) settled in %.1f s; %d emails retried"
                        + " after the SMTP outage; %d Twilio requests; %d push subscriptions removed%n",
                total, PEOPLE, phones.size(), browsers.size(), seconds, hitByOutage, phones.size() * 3, gone);
    }

    private static String messageId(MimeMessage m) {
        try {
            return m.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
