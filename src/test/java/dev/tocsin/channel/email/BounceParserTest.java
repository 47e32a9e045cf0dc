package dev.tocsin.channel.email;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bounces as mail servers write them, read into kind, original Message-ID and the bounce address they came to. */
class BounceParserTest {

    static final String VERP = "bounces+2s.6f1c0a9e4b7d2c83@bounces.example.com";
    static final String ID = "<delivery-100@tocsin.local>";

    private static BounceParser.Report read(String raw) throws Exception {
        return BounceParser.parse(new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void rfc3464ReportsSayHardSoftOrDelivered() throws Exception {
        BounceParser.Report hard = read(BounceMailboxTest.dsn(VERP, "a@example.com", "failed", "5.1.1",
                "550 5.1.1 User unknown", ID, "r"));
        assertEquals(EmailFeedback.Kind.HARD_BOUNCE, hard.kind());
        assertEquals(ID, hard.originalMessageId());
        assertEquals(VERP, hard.bounceAddress());
        assertTrue(hard.detail().contains("5.1.1") && hard.detail().contains("User unknown"), hard.detail());
        assertEquals(EmailFeedback.Kind.DELAYED, read(BounceMailboxTest.dsn(VERP, "a@example.com", "delayed", "4.4.7",
                "timeout", ID, "r")).kind(), "the relay still tries: not ours to send again");
        assertEquals(EmailFeedback.Kind.SOFT_BOUNCE, read(BounceMailboxTest.dsn(VERP, "a@example.com", "failed", "4.2.2",
                "452 mailbox full", ID, "r")).kind(), "the relay gave up on a temporary failure: ours to retry");
        assertEquals(EmailFeedback.Kind.DELIVERY, read(BounceMailboxTest.dsn(VERP, "a@example.com", "delivered", "2.0.0",
                "250 ok", ID, "r")).kind());
    }

    @Test
    void rfc5965AbuseReportsAreComplaints() throws Exception {
        BounceParser.Report arf = read(BounceMailboxTest.arf("Tocsin <" + VERP + ">", "a@example.com", ID));
        assertEquals(EmailFeedback.Kind.COMPLAINT, arf.kind());
        assertEquals(ID, arf.originalMessageId());
        assertEquals(VERP, arf.bounceAddress(), "the address inside angle brackets");
    }

    @Test
    void plainTextBouncesOfEximPostfixAndQmail() throws Exception {
        BounceParser.Report exim = read(BounceMailboxTest.exim(VERP, "a@example.com", ID));
        assertEquals(EmailFeedback.Kind.HARD_BOUNCE, exim.kind());
        assertEquals(ID, exim.originalMessageId(), "the returned message's id, not the bounce's own");
        assertTrue(exim.detail().contains("550 5.1.1 User does not exist"), exim.detail());

        BounceParser.Report postfix = read("From: MAILER-DAEMON@mail.example.com (Mail Delivery System)\n"
                + "Delivered-To: " + VERP + "\nTo: someone-else@example.com\n"
                + "Subject: Undelivered Mail Returned to Sender\n\n"
                + "This is the mail system at host mail.example.com.\n\n"
                + "I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n"
                + "<a@example.com>: host mx.example.net[192.0.2.2] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)\n\n"
                + "Message-ID: " + ID + "\n");
        assertEquals(EmailFeedback.Kind.SOFT_BOUNCE, postfix.kind());

        BounceParser.Report postfixDelay = read("From: MAILER-DAEMON@mail.example.com (Mail Delivery System)\n"
                + "To: " + VERP + "\nSubject: Delayed Mail (still being retried)\n\n"
                + "This is the mail system at host mail.example.com.\n\n"
                + "####################################################################\n"
                + "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
                + "####################################################################\n\n"
                + "<a@example.com>: host mx.example.net[192.0.2.2] said: 451 4.7.1 Greylisted\n\n"
                + "Message-ID: " + ID + "\n");
        assertEquals(EmailFeedback.Kind.DELAYED, postfixDelay.kind());
        assertEquals(VERP, postfix.bounceAddress(), "Delivered-To names the address it was delivered to");

        BounceParser.Report qmail = read("From: MAILER-DAEMON@mx.example.org\nTo: " + VERP + "\nSubject: failure notice\n\n"
                + "Hi. This is the qmail-send program at mx.example.org.\n"
                + "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
                + "<a@example.com>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n"
                + "--- Below this line is a copy of the message.\n\nMessage-ID: " + ID + "\n");
        assertEquals(EmailFeedback.Kind.HARD_BOUNCE, qmail.kind());
        assertEquals(ID, qmail.originalMessageId());
    }

    @Test
    void anOrdinaryMessageIsNoBounce() throws Exception {
        assertNull(read("From: news@shop.example\nTo: " + VERP + "\nSubject: Our autumn sale\n\nBuy things.\n"));
    }
}
