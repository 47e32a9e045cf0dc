package dev.tocsin.delivery;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged production build (PostgreSQL + RabbitMQ) killed with SIGKILL in the middle of a campaign and
 * started again: the campaign completes and every recipient gets the notice. A notice the SMTP server had
 * accepted in the instant before the kill, but whose outcome was not yet recorded, is sent again with the
 * same Message-ID (at-least-once with an idempotency key); the test bounds how many that can be.
 */
class CrashRecoveryIT {

    private static final int RECIPIENTS = 600;
    private static final int WORKERS = 4;
    private static final int PER_SECOND = 60;
    private static final String PASSWORD = "crash-test-password-1";

    private Process app;
    private GreenMail smtp;

    @AfterEach
    void stop() {
        if (app != null) {
            app.destroyForcibly();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process start(int httpPort, int smtpPort, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx512m", "-jar", System.getProperty("tocsin.jar"));
        Map<String, String> env = pb.environment();
        env.put("TOCSIN_DB_URL", "jdbc:postgresql://127.0.0.1:5432/tocsin_crash");
        env.put("TOCSIN_QUEUE_PREFIX", "tocsin-crash");
        env.put("TOCSIN_SMTP_HOST", "127.0.0.1");
        env.put("TOCSIN_SMTP_PORT", Integer.toString(smtpPort));
        env.put("TOCSIN_SMTP_PER_SECOND", Integer.toString(PER_SECOND));
        env.put("TOCSIN_WORKERS", Integer.toString(WORKERS));
        env.put("TOCSIN_ADMIN_PASSWORD", PASSWORD);
        env.put("TOCSIN_DELIVERY_LEASE", "PT10S");
        env.put("TOCSIN_DELIVERY_REPUBLISH_AFTER", "PT10S");
        env.put("TOCSIN_DELIVERY_SWEEP_EVERY", "1s");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        RestAssured.port = httpPort;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> RestAssured.given().get("/q/health/ready").statusCode() == 200);
        return p;
    }

    private static RequestSpecification as(String user) {
        return RestAssured.given().auth().preemptive().basic(user, PASSWORD);
    }

    @Test
    void aKilledInstanceLosesNothingWhenItComesBack() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS tocsin_crash");
            c.createStatement().execute("CREATE DATABASE tocsin_crash");
        }
        int smtpPort = freePort();
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        int httpPort = freePort();
        Path log = new File("target/crash-recovery-it.log").toPath();
        app = start(httpPort, smtpPort, log);

        for (String[] user : List.of(new String[]{"olivia", "operator"}, new String[]{"abel", "approver"})) {
            as("admin").contentType(ContentType.JSON)
                    .body(Map.of("username", user[0], "password", PASSWORD, "roles", List.of(user[1])))
                    .post("/api/users").then().statusCode(201);
        }
        String incident = as("olivia").contentType(ContentType.JSON)
                .body(Map.of("title", "crash", "occurredAt", "2026-11-01T00:00:00Z", "discoveredAt", "2026-11-02T00:00:00Z",
                        "facts", Map.of("companyActions", List.of("We reset every session."))))
                .post("/api/incidents").then().statusCode(201).extract().path("id");
        StringBuilder csv = new StringBuilder("account_id,email,exposed\n");
        for (int i = 0; i < RECIPIENTS; i++) {
            csv.append("k").append(i).append(",k").append(i).append("@example.com,password\n");
        }
        as("olivia").contentType("text/csv").body(csv.toString().getBytes())
                .post("/api/incidents/" + incident + "/accounts").then().statusCode(200);
        String campaign = as("olivia").contentType(ContentType.JSON)
                .body(Map.of("incidentId", incident, "name", "crash", "templateSet", "credential-exposure",
                        "channels", List.of("email")))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
        as("abel").contentType(ContentType.JSON).body("{}").post("/api/campaigns/" + campaign + "/approve").then().statusCode(200);
        as("olivia").contentType(ContentType.JSON).body("{}").post("/api/campaigns/" + campaign + "/launch").then().statusCode(200);

        await().atMost(Duration.ofSeconds(60)).until(() -> smtp.getReceivedMessages().length >= RECIPIENTS / 3);
        app.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no chance to record anything
        int beforeKill = smtp.getReceivedMessages().length;
        assertTrue(beforeKill < RECIPIENTS, "killed mid-campaign");

        app = start(httpPort, smtpPort, log);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                "COMPLETED".equals(as("olivia").get("/api/campaigns/" + campaign + "/stats").then().extract().path("status")));
        as("olivia").get("/api/campaigns/" + campaign + "/stats").then()
                .body("byStatus.sent", org.hamcrest.Matchers.equalTo(RECIPIENTS));

        Map<String, Long> perMessageId = Arrays.stream(smtp.getReceivedMessages())
                .collect(Collectors.groupingBy(CrashRecoveryIT::messageId, Collectors.counting()));
        assertEquals(RECIPIENTS, perMessageId.size(), "no notice was lost");
        long resent = perMessageId.values().stream().filter(n -> n > 1).count();
        // At most the chunk each worker had in flight at the kill: a tenth of a second's budget.
        int inFlight = WORKERS * Math.max(1, PER_SECOND / 10);
        System.out.printf("crash: %d received before the kill, %d of %d re-sent after it (bound %d)%n",
                beforeKill, resent, RECIPIENTS, inFlight);
        assertTrue(resent <= inFlight, resent + " notices were sent twice");
        assertTrue(perMessageId.values().stream().allMatch(n -> n <= 2));
    }

    private static String messageId(MimeMessage m) {
        try {
            return m.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
