package dev.tocsin.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.net.ServerSocket;
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

    public static int smtpPort() {
        return smtpPort;
    }

    @Override
    public Map<String, String> start() {
        ensureDatabase();
        if (greenMail == null) {
            smtpPort = freePort();
            greenMail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            greenMail.start();
        }
        if (twilio == null) {
            twilio = new TwilioStandIn(TWILIO_ACCOUNT);
        }
        if (push == null) {
            push = new PushStandIn();
        }
        return Map.of(
                "tocsin.smtp.host", "127.0.0.1",
                "tocsin.smtp.port", Integer.toString(smtpPort),
                "tocsin.twilio.account-sid", TWILIO_ACCOUNT,
                "tocsin.twilio.auth-token", TWILIO_TOKEN,
                "tocsin.twilio.messaging-service-sid", "MGtest0000000000000000000000000000",
                "tocsin.twilio.status-callback-url", TWILIO_CALLBACK,
                "tocsin.twilio.api-base-url", twilio.baseUrl());
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
        greenMail = new GreenMail(same);
        greenMail.start();
    }

    @Override
    public void stop() {
        // GreenMail stays up for the whole JVM: several test classes share it and filter by recipient.
    }

    static void ensureDatabase() {
        String admin = System.getenv().getOrDefault("TOCSIN_TEST_DB_ADMIN_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        try (Connection c = DriverManager.getConnection(admin, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DB_NAME + "'")) {
            if (!rs.next()) {
                c.createStatement().execute("CREATE DATABASE " + DB_NAME);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL must run on 127.0.0.1:5432 for the tests (see README): " + e.getMessage(), e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
