package dev.tocsin.channel.email;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tocsin.testing.Api;
import dev.tocsin.testing.Mail;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SES notifications as SNS delivers them: signed with a certificate served by a local stand-in for SNS (the test
 * profile believes 127.0.0.1 as an SNS host), a subscription confirmed by following its URL, bounces and
 * complaints settling the notices they name; a wrongly signed message, or one naming a certificate elsewhere,
 * changes nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class SesWebhookTest {

    static WireMockServer sns;
    static PrivateKey key;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void standIn() throws Exception {
        Path dir = Files.createTempDirectory("sns");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=sns.us-east-1.amazonaws.com", "-keyout", dir.resolve("key.pem").toString(),
                "-out", dir.resolve("cert.pem").toString()).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
        String pem = Files.readString(dir.resolve("key.pem")).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        sns = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        sns.start();
        sns.stubFor(get(urlPathEqualTo("/SimpleNotificationService-test.pem"))
                .willReturn(aResponse().withStatus(200).withBody(Files.readString(dir.resolve("cert.pem")))));
        sns.stubFor(get(urlPathEqualTo("/confirm")).willReturn(aResponse().withStatus(200).withBody("<ConfirmSubscriptionResponse/>")));
    }

    @AfterAll
    static void stop() {
        sns.stop();
    }

    @BeforeEach
    void signIn() {
        TestUsers.ensure();
    }

    /** An SNS message signed as SNS signs (SignatureVersion 2: SHA256withRSA over the documented fields). */
    static String signed(Map<String, String> fields, String certUrl) throws Exception {
        Map<String, String> m = new LinkedHashMap<>(fields);
        m.put("SignatureVersion", "2");
        m.put("SigningCertURL", certUrl);
        List<String> order = "Notification".equals(m.get("Type"))
                ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                : List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
        StringBuilder canonical = new StringBuilder();
        for (String name : order) {
            if (m.containsKey(name)) {
                canonical.append(name).append('\n').append(m.get(name)).append('\n');
            }
        }
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update(canonical.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        m.put("Signature", Base64.getEncoder().encodeToString(s.sign()));
        return JSON.writeValueAsString(m);
    }

    private static String cert() {
        return "http://127.0.0.1:" + sns.port() + "/SimpleNotificationService-test.pem";
    }

    private static Map<String, String> notification(String sesEvent) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Type", "Notification");
        m.put("MessageId", UUID.randomUUID().toString());
        m.put("TopicArn", "arn:aws:sns:us-east-1:123456789012:ses-feedback");
        m.put("Message", sesEvent);
        m.put("Timestamp", "2026-11-27T12:00:00.000Z");
        return m;
    }

    private static MimeMessage received(String address) {
        return Arrays.stream(TestServices.greenMail().getReceivedMessages()).filter(x -> Mail.to(x).equals(address))
                .findFirst().orElseThrow();
    }

    private static io.restassured.response.ValidatableResponse post(String body) {
        return given().auth().none().contentType("text/plain; charset=UTF-8").body(body).post("/webhooks/ses").then();
    }

    @Test
    void signedNotificationsSettleNoticesAndNothingElseDoes() throws Exception {
        // SNS asks to confirm the subscription: the URL is followed (an SNS host only)
        Map<String, String> confirm = new LinkedHashMap<>();
        confirm.put("Type", "SubscriptionConfirmation");
        confirm.put("MessageId", UUID.randomUUID().toString());
        confirm.put("Token", "token-123");
        confirm.put("TopicArn", "arn:aws:sns:us-east-1:123456789012:ses-feedback");
        confirm.put("Message", "You have chosen to subscribe to the topic.");
        confirm.put("SubscribeURL", "http://127.0.0.1:" + sns.port() + "/confirm?Token=token-123");
        confirm.put("Timestamp", "2026-11-27T12:00:00.000Z");
        post(signed(confirm, cert())).statusCode(200).body("result", equalTo("confirmed"));
        sns.verify(1, getRequestedFor(urlPathEqualTo("/confirm")));

        String run = UUID.randomUUID().toString().substring(0, 8);
        String bounced = "ses-b-" + run + "@example.com";
        String complained = "ses-c-" + run + "@example.com";
        String full = "ses-s-" + run + "@example.com";
        String incident = Api.createIncident("ses " + run);
        Api.uploadCsv(incident, "account_id,email,exposed\nb-" + run + "," + bounced + ",password\nc-" + run + ","
                + complained + ",password\ns-" + run + "," + full + ",password\n").statusCode(200);
        String campaign = Api.launchAndWait(incident, "ses " + run, List.of("email"), "all");

        String bounce = "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\","
                + "\"bouncedRecipients\":[{\"emailAddress\":\"" + bounced + "\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}]},"
                + "\"mail\":{\"messageId\":\"0100018c-ses\",\"source\":\"notices@example.com\",\"commonHeaders\":{\"messageId\":\""
                + received(bounced).getMessageID() + "\"}}}";
        String complaint = "{\"notificationType\":\"Complaint\",\"complaint\":{\"complaintFeedbackType\":\"abuse\","
                + "\"complainedRecipients\":[{\"emailAddress\":\"" + complained + "\"}]},"
                + "\"mail\":{\"messageId\":\"0100018d-ses\",\"source\":\"" + received(complained).getHeader("Return-Path")[0]
                .replaceAll("[<>]", "") + "\"}}";

        // a changed message, a certificate on another host, an unsigned one: refused, nothing changes
        String good = signed(notification(bounce), cert());
        post(good.replace("Permanent", "Transient")).statusCode(403).body("error", equalTo("bad_signature"));
        post(signed(notification(bounce), "http://localhost:" + sns.port() + "/SimpleNotificationService-test.pem"))
                .statusCode(403);
        post(signed(notification(bounce), "https://sns.us-east-1.amazonaws.com.evil.example/cert.pem")).statusCode(403);
        post(JSON.writeValueAsString(notification(bounce))).statusCode(403);
        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200).body("byStatus.sent", equalTo(3));

        post(good).statusCode(200).body("result", equalTo("settled"));
        post(signed(notification(complaint), cert())).statusCode(200).body("result", equalTo("settled"));
        post(good).statusCode(200).body("result", equalTo("ignored"));
        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200)
                .body("byStatus.bounced", equalTo(1)).body("byStatus.complained", equalTo(1));

        // a transient bounce (SES gave up on a full mailbox): sent again; SNS delivering it twice changes nothing more
        String transientBounce = signed(notification("{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Transient\","
                + "\"bounceSubType\":\"MailboxFull\",\"bouncedRecipients\":[{\"emailAddress\":\"" + full + "\"}]},"
                + "\"mail\":{\"source\":\"notices@example.com\",\"commonHeaders\":{\"messageId\":\""
                + received(full).getMessageID() + "\"}}}"), cert());
        post(transientBounce).statusCode(200).body("result", equalTo("retrying"));
        post(transientBounce).statusCode(200).body("result", equalTo("ignored"));
        String firstCopy = received(full).getMessageID();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                java.util.Arrays.stream(TestServices.greenMail().getReceivedMessages()).filter(m -> {
                    try {
                        return firstCopy.equals(m.getMessageID());
                    } catch (jakarta.mail.MessagingException e) {
                        return false;
                    }
                }).count() == 2);
    }
}
