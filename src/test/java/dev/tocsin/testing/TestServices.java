package dev.tocsin.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import jakarta.mail.internet.MimeMessage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The real services the production wiring talks to in tests: the local PostgreSQL (its own database,
 * created here when missing), the local RabbitMQ (its own queue names, see %test in application.properties)
 * GreenMail, a real SMTP server in-process, and WireMock stand-ins for Twilio's API and a push service.
 */
public class TestServices implements QuarkusTestResourceLifecycleManager {

    public static final String DB_NAME = "tocsin_test";
    public static final String TWILIO_ACCOUNT = "ACtest00000000000000000000000000";
    public static final String TWILIO_TOKEN = "twilio-test-auth-token";
    public static final String TWILIO_CALLBACK = "https://tocsin.example.com/webhooks/twilio/status";
    private static GreenMail greenMail;
    private static int smtpPort;
    private static TwilioStandIn twilio;
    private static PushStandIn push;

    public static PushStandIn push() {
        return push;
    }

    public static TwilioStandIn twilio() {
        return twilio;
    }

    public static GreenMail greenMail() {
        return greenMail;
    }

    /** How many emails each recipient whose address ends in "-<run>@example.com" received. */
    public static Map<String, Long> receivedPerRecipient(String run) {
        return Arrays.stream(greenMail.getReceivedMessages()).map(Mail::to)
                .filter(to -> to.endsWith("-" + run + "@example.com"))
                .collect(java.util.stream.Collectors.groupingBy(to -> to, java.util.stream.Collectors.counting()));
    }

    /** The bounce mailbox (IMAP), a GreenMail of its own: what bounces to our bounce addresses reach. */
    private static GreenMail bounceMailbox;
    private static com.icegreen.greenmail.user.GreenMailUser bounceUser;
    private static int bounceImapPort;
    public static final String BOUNCE_MAILBOX = "bounces@bounces.tocsin.test";
    static final String BOUNCE_LOGIN = "bounces";
    static final String BOUNCE_PASSWORD = "bounce-mailbox-password";

    /** A second bounce mailbox on the same server, read over POP3 by the POP3 test only. */
    private static com.icegreen.greenmail.user.GreenMailUser popUser;
    private static int bouncePop3Port;
    public static final String POP_LOGIN = "pop-bounces";
    public static final String POP_PASSWORD = "pop-bounce-mailbox-password";

    public static int bouncePop3Port() {
        return bouncePop3Port;
    }

    /** Puts a message in the POP3 bounce mailbox. */
    public static void deliverPopBounce(jakarta.mail.internet.MimeMessage message) {
        popUser.deliver(message);
    }

    /** The messages left in the POP3 bounce mailbox. */
    public static int popMessagesLeft() throws Exception {
        var inbox = bounceMailbox.getManagers().getImapHostManager().getInbox(popUser);
        int left = 0;
        for (var stored : inbox.getMessages()) {
            if (!stored.isSet(jakarta.mail.Flags.Flag.DELETED)) {
                left++;
            }
        }
        return left;
    }

    /** Puts a message in the bounce mailbox, as the bounce domain's mail server would. */
    public static void deliverBounce(jakarta.mail.internet.MimeMessage message) {
        bounceUser.deliver(message);
    }

    /** The messages now in a folder of the bounce mailbox (INBOX, Processed). */
    public static List<jakarta.mail.internet.MimeMessage> bounceFolder(String folder) throws Exception {
        var manager = bounceMailbox.getManagers().getImapHostManager();
        var mailbox = folder.equals("INBOX") ? manager.getInbox(bounceUser) : manager.getFolder(bounceUser, folder);
        List<jakarta.mail.internet.MimeMessage> found = new ArrayList<>();
        if (mailbox == null) {
            return found;
        }
        for (var stored : mailbox.getMessages()) {
            if (!stored.isSet(jakarta.mail.Flags.Flag.DELETED)) {
                found.add(stored.getMimeMessage());
            }
        }
        return found;
    }

    public static int smtpPort() {
        return smtpPort;
    }

    @Override
    public Map<String, String> start() {
        ensureDatabase();
        // Ports are chosen by the kernel as each server binds (port 0), never picked first and bound later: a port
        // picked by opening and closing a socket can be taken by an outgoing connection in between.
        if (greenMail == null) {
            greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
            greenMail.start();
            smtpPort = greenMail.getSmtp().getPort();
        }
        if (bounceMailbox == null) {
            bounceMailbox = new GreenMail(new ServerSetup[]{
                    new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort(),
                    new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3).dynamicPort()});
            bounceMailbox.start();
            bounceImapPort = bounceMailbox.getImap().getPort();
            bouncePop3Port = bounceMailbox.getPop3().getPort();
            bounceUser = bounceMailbox.setUser(BOUNCE_MAILBOX, BOUNCE_LOGIN, BOUNCE_PASSWORD);
            popUser = bounceMailbox.setUser("pop-bounces@bounces.tocsin.test", POP_LOGIN, POP_PASSWORD);
        }
        if (twilio == null) {
            twilio = new TwilioStandIn(TWILIO_ACCOUNT);
        }
        if (push == null) {
            push = new PushStandIn();
        }
        return Map.ofEntries(
                Map.entry("tocsin.smtp.host", "127.0.0.1"),
                Map.entry("tocsin.smtp.port", Integer.toString(smtpPort)),
                Map.entry("tocsin.twilio.account-sid", TWILIO_ACCOUNT),
                Map.entry("tocsin.twilio.auth-token", TWILIO_TOKEN),
                Map.entry("tocsin.twilio.messaging-service-sid", "MGtest0000000000000000000000000000"),
                Map.entry("tocsin.twilio.status-callback-url", TWILIO_CALLBACK),
                Map.entry("tocsin.twilio.api-base-url", twilio.baseUrl()),
                Map.entry("tocsin.bounce.imap.host", "127.0.0.1"),
                Map.entry("tocsin.bounce.imap.port", Integer.toString(bounceImapPort)),
                Map.entry("tocsin.bounce.imap.username", BOUNCE_LOGIN),
                Map.entry("tocsin.bounce.imap.password", BOUNCE_PASSWORD));
    }

    private static final List<MimeMessage> receivedBeforeRestarts = new ArrayList<>();

    /** The SMTP server goes away, as in an outage: connections are refused until {@link #startSmtp()}. */
    public static synchronized void stopSmtp() {
        // stop() replaces GreenMail's store: keep the old one to read what it had accepted until the very end
        com.icegreen.greenmail.Managers store = greenMail.getManagers();
        greenMail.stop();
        store.getImapHostManager().getAllMessages().forEach(m -> receivedBeforeRestarts.add(m.getMimeMessage()));
    }

    /** Every message the SMTP server accepted in this JVM, across outages. */
    public static synchronized List<MimeMessage> allReceivedMail() {
        List<MimeMessage> all = new ArrayList<>(receivedBeforeRestarts);
        all.addAll(Arrays.asList(greenMail.getReceivedMessages()));
        return all;
    }

    /** The SMTP server comes back on the same port (with an empty mailbox). */
    public static synchronized void startSmtp() {
        ServerSetup same = new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        // The port the stopped server held may not be free again at once (its sockets still closing): try again
        // for a few seconds rather than fail the test that restarts it.
        RuntimeException last = null;
        for (int attempt = 0; attempt < 40; attempt++) {
            GreenMail restarted = new GreenMail(same);
            try {
                restarted.start();
                greenMail = restarted;
                return;
            } catch (RuntimeException e) {
                last = e;
                try {
                    restarted.stop();
                } catch (RuntimeException ignored) {
                    // it never started
                }
                java.util.concurrent.locks.LockSupport.parkNanos(250_000_000L);
            }
        }
        throw new IllegalStateException("GreenMail could not listen on port " + smtpPort + " again", last);
    }

    @Override
    public void stop() {
        // GreenMail stays up for the whole JVM: several test classes share it and filter by recipient.
    }

    static void ensureDatabase() {
        String admin = System.getenv().getOrDefault("TOCSIN_TEST_DB_ADMIN_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        // A busy machine can refuse a connection for a moment (a previous test application still closing its
        // pool): try for a few seconds before failing every test that follows.
        SQLException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try (Connection c = DriverManager.getConnection(admin, "postgres", "");
                 ResultSet rs = c.createStatement().executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DB_NAME + "'")) {
                if (!rs.next()) {
                    c.createStatement().execute("CREATE DATABASE " + DB_NAME);
                }
                return;
            } catch (SQLException e) {
                last = e;
                java.util.concurrent.locks.LockSupport.parkNanos(500_000_000L);
            }
        }
        throw new IllegalStateException("PostgreSQL must run on 127.0.0.1:5432 for the tests (see README): "
                + last.getMessage(), last);
    }
}
