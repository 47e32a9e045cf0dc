package dev.tocsin.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * Replicas of the packaged production build (failsafe's {@code tocsin.jar}) on a database of their own, sending
 * to one GreenMail that keeps every message (Message-IDs to count). For the fault tests: each replica is a real
 * process that can be killed or stopped. Every wait ignores exceptions thrown on other threads: GreenMail's
 * handler of a killed replica's connection dies with "Connection reset", which Awaitility would otherwise take
 * for a failure of the condition (a CI run failed so).
 */
public final class Replicas implements AutoCloseable {

    public static final String PASSWORD = "replica-test-password-1";

    private final String database;
    private final List<Process> processes = new ArrayList<>();
    private final GreenMail smtp;

    /** A fresh database of this name and a started SMTP sink. */
    public Replicas(String database) throws Exception {
        this.database = database;
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            c.createStatement().execute("CREATE DATABASE " + database);
        }
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    /** The replicas started so far, in order. */
    public List<Process> processes() {
        return List.copyOf(processes);
    }

    public GreenMail smtp() {
        return smtp;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts one replica on this port with these settings (beside the database, SMTP and admin password). */
    public Process start(int httpPort, Map<String, String> settings, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx384m", "-jar", System.getProperty("tocsin.jar"));
        Map<String, String> env = pb.environment();
        env.put("TOCSIN_DB_URL", "jdbc:postgresql://127.0.0.1:5432/" + database);
        env.put("TOCSIN_SMTP_HOST", "127.0.0.1");
        env.put("TOCSIN_SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()));
        env.put("TOCSIN_ADMIN_PASSWORD", PASSWORD);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        env.putAll(settings);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    public static void awaitReady(int httpPort) {
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> RestAssured.given().port(httpPort).get("/q/health/ready").statusCode() == 200);
    }

    public static RequestSpecification as(int port, String user) {
        return RestAssured.given().port(port).auth().preemptive().basic(user, PASSWORD);
    }

    /**
     * An operator and an approver, an incident whose {@code recipients} accounts have an email address each
     * (k0@example.com ...), an approved and launched email campaign; returns its id.
     */
    public static String launchEmailCampaign(int port, int recipients) {
        for (String[] user : List.of(new String[]{"olivia", "operator"}, new String[]{"abel", "approver"})) {
            as(port, "admin").contentType(ContentType.JSON)
                    .body(Map.of("username", user[0], "password", PASSWORD, "roles", List.of(user[1])))
                    .post("/api/users").then().statusCode(201);
        }
        String incident = as(port, "olivia").contentType(ContentType.JSON)
                .body(Map.of("title", "fault", "occurredAt", "2026-11-01T00:00:00Z", "discoveredAt", "2026-11-02T00:00:00Z",
                        "facts", Map.of("companyActions", List.of("We reset every session."))))
                .post("/api/incidents").then().statusCode(201).extract().path("id");
        StringBuilder csv = new StringBuilder("account_id,email,exposed\n");
        for (int i = 0; i < recipients; i++) {
            csv.append("k").append(i).append(",k").append(i).append("@example.com,password\n");
        }
        as(port, "olivia").contentType("text/csv").body(csv.toString().getBytes())
                .post("/api/incidents/" + incident + "/accounts").then().statusCode(200);
        String campaign = as(port, "olivia").contentType(ContentType.JSON)
                .body(Map.of("incidentId", incident, "name", "fault", "templateSet", "credential-exposure",
                        "channels", List.of("email")))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
        as(port, "abel").contentType(ContentType.JSON).body("{}").post("/api/campaigns/" + campaign + "/approve").then().statusCode(200);
        as(port, "olivia").contentType(ContentType.JSON).body("{}").post("/api/campaigns/" + campaign + "/launch").then().statusCode(200);
        return campaign;
    }

    public Connection db() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
    }

    /** The rows being sent now and the claim that holds each. */
    public Map<Long, String> sending() throws Exception {
        Map<Long, String> rows = new HashMap<>();
        try (Connection c = db(); ResultSet rs = c.createStatement()
                .executeQuery("SELECT id, claim_token FROM delivery WHERE status = 'SENDING'")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2));
            }
        }
        return rows;
    }

    public static void awaitCompleted(int port, String campaign, Duration within) {
        await().dontCatchUncaughtExceptions().atMost(within).pollInterval(Duration.ofSeconds(1)).until(() ->
                "COMPLETED".equals(as(port, "olivia").get("/api/campaigns/" + campaign + "/stats").then().extract().path("status")));
    }

    public static String messageId(MimeMessage m) {
        try {
            return m.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String recipient(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
        smtp.stop();
    }
}
