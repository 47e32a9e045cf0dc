package dev.tocsin.channel.email;

import dev.tocsin.delivery.DeliveryEvent;
import dev.tocsin.testing.Api;
import dev.tocsin.testing.Mail;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bounce mailbox read over IMAP (GreenMail's): a standard DSN, an abuse report, Exim's plain-text bounce
 * and a delayed-delivery DSN each settle the notice they came back for, found by the bounce address it was sent
 * with; a forged bounce address, a DSN naming only a Message-ID and a stray newsletter stay in the mailbox;
 * the same DSN twice changes nothing the second time.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class BounceMailboxTest {

    @BeforeEach
    void signIn() {
        TestUsers.ensure();
    }

    private static MimeMessage parse(String raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
    }

    private static MimeMessage received(String address) {
        return Arrays.stream(TestServices.greenMail().getReceivedMessages()).filter(x -> Mail.to(x).equals(address))
                .findFirst().orElseThrow();
    }

    private static String verp(String address) throws Exception {
        return received(address).getHeader("Return-Path")[0].replaceAll("[<>]", "");
    }

    /** An RFC 3464 report (after its section 10 examples): one recipient, the returned headers. */
    static String dsn(String to, String recipient, String action, String status, String diagnostic, String messageId, String run) {
        return "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>\n"
                + "To: " + to + "\n"
                + "Subject: Returned mail: see transcript for details\n"
                + "Message-ID: <dsn-" + UUID.randomUUID() + "@mx.example.net>\n"
                + "MIME-Version: 1.0\n"
                + "Content-Type: multipart/report; report-type=delivery-status;\n boundary=\"RAA14128.773615765/mx.example.net\"\n"
                + "\n"
                + "--RAA14128.773615765/mx.example.net\n"
                + "Content-Type: text/plain\n\n"
                + "The original message was received at Fri, 27 Nov 2026 10:00:00 +0000 and could not be delivered.\n\n"
                + "--RAA14128.773615765/mx.example.net\n"
                + "Content-Type: message/delivery-status\n\n"
                + "Reporting-MTA: dns; mx.example.net\n"
                + "Arrival-Date: Fri, 27 Nov 2026 10:00:00 +0000\n\n"
                + "Final-Recipient: rfc822; " + recipient + "\n"
                + "Action: " + action + "\n"
                + "Status: " + status + "\n"
                + "Diagnostic-Code: smtp; " + diagnostic + "\n\n"
                + "--RAA14128.773615765/mx.example.net\n"
                + "Content-Type: text/rfc822-headers\n\n"
                + "Message-ID: " + messageId + "\n"
                + "From: Example Corp <notices@example.com>\n"
                + "To: " + recipient + "\n"
                + "Subject: Security notice " + run + "\n\n"
                + "--RAA14128.773615765/mx.example.net--\n";
    }

    /** An RFC 5965 abuse report. */
    static String arf(String to, String recipient, String messageId) {
        return "From: <abuse@isp.example>\n"
                + "To: " + to + "\n"
                + "Subject: FW: Security notice\n"
                + "MIME-Version: 1.0\n"
                + "Content-Type: multipart/report; report-type=feedback-report;\n boundary=\"part1_13d.2e68ed54_boundary\"\n\n"
                + "--part1_13d.2e68ed54_boundary\n"
                + "Content-Type: text/plain; charset=\"US-ASCII\"\n\n"
                + "This is an email abuse report for an email message received from IP 192.0.2.1.\n\n"
                + "--part1_13d.2e68ed54_boundary\n"
                + "Content-Type: message/feedback-report\n\n"
                + "Feedback-Type: abuse\n"
                + "User-Agent: SomeGenerator/1.0\n"
                + "Version: 1\n"
                + "Original-Rcpt-To: " + recipient + "\n\n"
                + "--part1_13d.2e68ed54_boundary\n"
                + "Content-Type: text/rfc822-headers\n\n"
                + "Message-ID: " + messageId + "\n"
                + "From: <notices@example.com>\n"
                + "To: " + recipient + "\n\n"
                + "--part1_13d.2e68ed54_boundary--\n";
    }

    /** Exim's bounce: plain text, the reason in the SMTP error, the returned message after a marker line. */
    static String exim(String to, String recipient, String messageId) {
        return "From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n"
                + "To: " + to + "\n"
                + "Subject: Mail delivery failed: returning message to sender\n"
                + "Message-Id: <E1qXYZ-000123-AB@mx.example.org>\n\n"
                + "This message was created automatically by mail delivery software.\n\n"
                + "A message that you sent could not be delivered to one or more of its\n"
                + "recipients. This is a permanent error. The following address(es) failed:\n\n"
                + "  " + recipient + "\n"
                + "    SMTP error from remote mail server after RCPT TO:<" + recipient + ">:\n"
                + "    550 5.1.1 User does not exist\n\n"
                + "------ This is a copy of the message, including all the headers. ------\n\n"
                + "Return-path: <" + to + ">\n"
                + "Message-ID: " + messageId + "\n"
                + "Subject: Security notice\n\n"
                + "Dear customer,\n";
    }

    @Test
    void eachBounceSettlesTheNoticeItCameBackForAndNothingElse() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String[] people = {"dsn", "arf", "exim", "full", "forged"};
        StringBuilder csv = new StringBuilder("account_id,email,exposed\n");
        for (String p : people) {
            csv.append(p).append('-').append(run).append(',').append(p).append('-').append(run).append("@example.com,password\n");
        }
        String incident = Api.createIncident("bounce mailbox " + run);
        Api.uploadCsv(incident, csv.toString()).statusCode(200);
        String campaign = Api.campaign(incident).name("bounces " + run).create();
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        Api.awaitCompleted(campaign);

        String dsnAddress = "dsn-" + run + "@example.com";
        String full = "full-" + run + "@example.com";
        String forgedVerp = verp("forged-" + run + "@example.com").replaceAll("\\.[0-9a-f]{16}@", ".0123456789abcdef@");
        String hardDsn = dsn(verp(dsnAddress), dsnAddress, "failed", "5.1.1", "550 5.1.1 <" + dsnAddress + ">... User unknown",
                received(dsnAddress).getMessageID(), run);
        TestServices.deliverBounce(parse(hardDsn));
        TestServices.deliverBounce(parse(arf(verp("arf-" + run + "@example.com"), "arf-" + run + "@example.com",
                received("arf-" + run + "@example.com").getMessageID())));
        TestServices.deliverBounce(parse(exim(verp("exim-" + run + "@example.com"), "exim-" + run + "@example.com",
                received("exim-" + run + "@example.com").getMessageID())));
        TestServices.deliverBounce(parse(dsn(verp(full), full, "delayed", "4.2.2", "452 4.2.2 Mailbox full",
                received(full).getMessageID(), run)));
        // a bounce address with a made-up MAC, a DSN naming only our (guessable) Message-ID, a newsletter
        TestServices.deliverBounce(parse(dsn(forgedVerp, "forged-" + run + "@example.com", "failed", "5.1.1", "550 no",
                received("forged-" + run + "@example.com").getMessageID(), run)));
        TestServices.deliverBounce(parse(dsn(TestServices.BOUNCE_MAILBOX, "forged-" + run + "@example.com", "failed", "5.1.1",
                "550 no", received("forged-" + run + "@example.com").getMessageID(), run)));
        TestServices.deliverBounce(parse("From: news@shop.example\nTo: " + TestServices.BOUNCE_MAILBOX
                + "\nSubject: Our autumn sale " + run + "\n\nBuy things.\n"));

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200)
                        .body("byStatus.bounced", equalTo(2)).body("byStatus.complained", equalTo(1))
                        .body("byStatus.sent", equalTo(2)));
        // moved once settled; what names nothing of ours stays for a person to read
        await().atMost(Duration.ofSeconds(10)).until(() -> TestServices.bounceFolder("INBOX").stream()
                .filter(m -> contains(m, run)).count() == 3);
        assertEquals(4, TestServices.bounceFolder("Processed").stream().filter(m -> contains(m, run)).count());
        // what stays is counted where an operator looks
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> Api.get("/api/bounces/mailbox").statusCode(200)
                .body("configured", equalTo(true)).body("protocol", equalTo("imap"))
                .body("lastPassAt", org.hamcrest.Matchers.notNullValue())
                .body("unrecognized", org.hamcrest.Matchers.greaterThanOrEqualTo(3)));
        long delayedEvents = QuarkusTransaction.requiringNew().call(() -> DeliveryEvent.count("deliveryId = ?1 and status = ?2",
                deliveryIdOf(full), "DELAYED"));
        assertEquals(1, delayedEvents, "the delayed-delivery report is in the history; the notice stays sent");

        // the same DSN again (a crash before the move would read it twice): processed, nothing moves twice
        TestServices.deliverBounce(parse(hardDsn));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                TestServices.bounceFolder("Processed").stream().filter(m -> contains(m, run)).count() == 5);
        long bouncedEvents = QuarkusTransaction.requiringNew().call(() -> DeliveryEvent.count("deliveryId = ?1 and status = ?2",
                deliveryIdOf(dsnAddress), "BOUNCED"));
        assertEquals(1, bouncedEvents);
        Api.get("/api/suppressions?channel=email&limit=1000").statusCode(200)
                .body("suppressions.address", org.hamcrest.Matchers.hasItems(dsnAddress, "exim-" + run + "@example.com",
                        "arf-" + run + "@example.com"))
                .body("suppressions.address", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(full)));
    }

    @jakarta.inject.Inject
    BounceMailbox mailbox;

    @Test
    void aSoftBounceSendsTheNoticeAgainOnceEvenWhenTheReaderDiesBeforeMovingIt() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String person = "soft-" + run + "@example.com";
        String incident = Api.createIncident("soft bounce " + run);
        Api.uploadCsv(incident, "account_id,email,exposed\nsoft-" + run + "," + person + ",password\n").statusCode(200);
        String campaign = Api.campaign(incident).name("soft " + run).maxAttempts(2).create();
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        Api.awaitCompleted(campaign);
        String messageId = received(person).getMessageID();
        String bounceAddress = verp(person);

        // the reader commits the outcome, then dies before it can move the message
        java.util.concurrent.atomic.AtomicInteger crashes = new java.util.concurrent.atomic.AtomicInteger();
        mailbox.afterCommit(() -> {
            if (crashes.getAndIncrement() == 0) {
                throw new IllegalStateException("the reader died here");
            }
        });
        try {
            TestServices.deliverBounce(parse(dsn(bounceAddress, person, "failed", "4.2.2", "452 4.2.2 Mailbox full", messageId, run)));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() ->
                    TestServices.bounceFolder("Processed").stream().filter(m -> contains(m, run)).count() == 1);
        } finally {
            mailbox.afterCommit(null);
        }
        assertTrue(crashes.get() >= 2, "the message was read again after the crash");
        // sent again after the retry backoff: the same notice (same Message-ID), once
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() ->
                copiesOf(messageId) == 2);
        Api.awaitCompleted(campaign);
        long deliveryId = deliveryIdOf(person);
        assertEquals(1, (long) QuarkusTransaction.requiringNew().call(() ->
                DeliveryEvent.count("deliveryId = ?1 and status = ?2", deliveryId, "SOFT_BOUNCE")));
        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200).body("byStatus.sent", equalTo(1));

        // a second soft bounce with the attempts spent: bounced, the address not suppressed (the reason may pass)
        TestServices.deliverBounce(parse(dsn(bounceAddress, person, "failed", "4.2.2", "452 4.2.2 Mailbox still full", messageId, run)));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200).body("byStatus.bounced", equalTo(1)));
        assertEquals(2, copiesOf(messageId), "no third copy once the attempts are spent");
        Api.get("/api/suppressions?channel=email&limit=1000").statusCode(200)
                .body("suppressions.address", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(person)));
    }

    @Test
    void aPop3MailboxIsReadTooAndEachSettledMessageDeletedAfterItsCommit() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String person = "pop-" + run + "@example.com";
        String incident = Api.createIncident("pop3 bounce " + run);
        Api.uploadCsv(incident, "account_id,email,exposed\npop-" + run + "," + person + ",password\n").statusCode(200);
        String campaign = Api.campaign(incident).name("pop3 " + run).create();
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        Api.awaitCompleted(campaign);
        TestServices.deliverPopBounce(parse(dsn(verp(person), person, "failed", "5.1.1", "550 5.1.1 no such user",
                received(person).getMessageID(), run)));
        TestServices.deliverPopBounce(parse("From: news@shop.example\nTo: pop-bounces@bounces.tocsin.test\nSubject: Sale "
                + run + "\n\nBuy things.\n"));
        BounceConfig.Imap pop3 = new BounceConfig.Imap() {
            public java.util.Optional<String> host() { return java.util.Optional.of("127.0.0.1"); }
            public int port() { return TestServices.bouncePop3Port(); }
            public java.util.Optional<String> username() { return java.util.Optional.of(TestServices.POP_LOGIN); }
            public java.util.Optional<String> password() { return java.util.Optional.of(TestServices.POP_PASSWORD); }
            public boolean ssl() { return false; }
            public String protocol() { return "pop3"; }
            public boolean idle() { return false; }
            public String folder() { return "INBOX"; }
            public String processedFolder() { return "Processed"; }
        };
        mailbox.readOnce(pop3, Duration.ZERO);
        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200).body("byStatus.bounced", equalTo(1));
        assertEquals(1, TestServices.popMessagesLeft(), "the bounce is deleted once settled; the newsletter stays");
        mailbox.readOnce(pop3, Duration.ZERO); // the stranger is not settled on a second pass either
        assertEquals(1, TestServices.popMessagesLeft());
    }

    private static long copiesOf(String messageId) {
        return Arrays.stream(TestServices.greenMail().getReceivedMessages()).filter(m -> {
            try {
                return messageId.equals(m.getMessageID());
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }).count();
    }

    private static long deliveryIdOf(String address) throws Exception {
        return Long.parseLong(received(address).getMessageID().replaceAll("^<delivery-(\\d+)@.*$", "$1"));
    }

    private static boolean contains(MimeMessage m, String run) {
        try {
            return new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains(run)
                    || String.valueOf(m.getSubject()).contains(run) || String.valueOf(m.getHeader("To", ",")).contains(run);
        } catch (Exception e) {
            return false;
        }
    }
}
