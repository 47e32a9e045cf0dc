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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two replicas of the packaged production build (PostgreSQL + RabbitMQ) share a campaign; one dies in the middle.
 * SIGKILL: the survivor takes its claimed rows over within seconds (the lease, renewed by each live instance
 * every third of it, runs out; the sweep hands them over) and the campaign completes; a notice the SMTP server
 * had accepted in the instant before the kill, its outcome not yet recorded, is sent again with the same
 * Message-ID (at-least-once with an idempotency key), and the test bounds how many. SIGTERM (a rolling update):
 * the stopping replica finishes its chunk, hands the rest back and exits; nothing is sent twice. The figures
 * are printed ("crash: ...", "stop: ...").
 */
class CrashRecoveryIT {

    private static final int RECIPIENTS = 900;
    private static final int WORKERS = 4;
    private static final int PER_SECOND = 60;
    private static final String PASSWORD = "crash-test-password-1";
    private static final String DB = "tocsin_crash";

    private final List<Process> apps = new ArrayList<>();
    private GreenMail smtp;

    @AfterEach
    void stop() {
        apps.forEach(Process::destroyForcibly);
        if (smtp != null) {
            smtp.stop();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process start(int httpPort, int smtpPort, String queuePrefix, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx384m", "-jar", System.getProperty("tocsin.jar"));
        Map<String, String> env = pb.environment();
        env.put("TOCSIN_DB_URL", "jdbc:postgresql://127.0.0.1:5432/" + DB);
        env.put("TOCSIN_QUEUE_PREFIX", queuePrefix);
        env.put("TOCSIN_SMTP_HOST", "127.0.0.1");
        env.put("TOCSIN_SMTP_PORT", Integer.toString(smtpPort));
        env.put("TOCSIN_SMTP_PER_SECOND", Integer.toString(PER_SECOND));
        env.put("TOCSIN_WORKERS", Integer.toString(WORKERS));
        env.put("TOCSIN_ADMIN_PASSWORD", PASSWORD);
        // small batches, so both replicas hold some; lease, sweep and drain are the defaults under test
        env.put("TOCSIN_DELIVERY_BATCH_SIZE", "30");
        env.put("TOCSIN_DELIVERY_REPUBLISH_AFTER", "PT10S");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        apps.add(p);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> RestAssured.given().port(httpPort).get("/q/health/ready").statusCode() == 200);
        return p;
    }

    private static RequestSpecification as(int port, String user) {
        return RestAssured.given().port(port).auth().preemptive().basic(user, PASSWORD);
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + DB, "postgres", "");
    }

    /** Two replicas on a fresh database, and a launched campaign; returns the campaign id and the ports. */
    private int[] twoReplicasSending(String queuePrefix, String[] campaignOut) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            c.createStatement().execute("CREATE DATABASE " + DB);
        }
        int smtpPort = freePort();
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        int a = freePort();
        int b = freePort();
        start(a, smtpPort, queuePrefix, new File("target/" + queuePrefix + "-a.log").toPath());
        start(b, smtpPort, queuePrefix, new File("target/" + queuePrefix + "-b.log").toPath());
        for (String[] user : List.of(new String[]{"olivia", "operator"}, new String[]{"abel", "approver"})) {
            as(a, "admin").contentType(ContentType.JSON)
                    .body(Map.of("username", user[0], "password", PASSWORD, "roles", List.of(user[1])))
                    .post("/api/users").then().statusCode(201);
        }
        String incident = as(a, "olivia").contentType(ContentType.JSON)
                .body(Map.of("title", "crash", "occurredAt", "2026-11-01T00:00:00Z", "discoveredAt", "2026-11-02T00:00:00Z",
                        "facts", Map.of("companyActions", List.of("We reset every session."))))
                .post("/api/incidents").then().statusCode(201).extract().path("id");
        StringBuilder csv = new StringBuilder("account_id,email,exposed\n");
        for (int i = 0; i < RECIPIENTS; i++) {
            csv.append("k").append(i).append(",k").append(i).append("@example.com,password\n");
        }
        as(a, "olivia").contentType("text/csv").body(csv.toString().getBytes())
                .post("/api/incidents/" + incident + "/accounts").then().statusCode(200);
        String campaign = as(a, "olivia").contentType(ContentType.JSON)
                .body(Map.of("incidentId", incident, "name", "crash", "templateSet", "credential-exposure",
                        "channels", List.of("email")))
                .post("/api/campaigns").then().statusCode(201).extract().path("id");
        as(a, "abel").contentType(ContentType.JSON).body("{}").post("/api/campaigns/" + campaign + "/approve").then().statusCode(200);
        as(a, "olivia").contentType(ContentType.JSON).body("{}").post("/api/campaigns/" + campaign + "/launch").then().statusCode(200);
        campaignOut[0] = campaign;
        await().atMost(Duration.ofSeconds(60)).until(() -> smtp.getReceivedMessages().length >= RECIPIENTS / 3);
        return new int[]{a, b};
    }

    /** The rows being sent now and the claim that holds each. */
    private static Map<Long, String> sending() throws Exception {
        Map<Long, String> rows = new HashMap<>();
        try (Connection c = db(); ResultSet rs = c.createStatement()
                .executeQuery("SELECT id, claim_token FROM delivery WHERE status = 'SENDING'")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2));
            }
        }
        return rows;
    }

    private void awaitCompleted(int port, String campaign) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                "COMPLETED".equals(as(port, "olivia").get("/api/campaigns/" + campaign + "/stats").then().extract().path("status")));
        as(port, "olivia").get("/api/campaigns/" + campaign + "/stats").then()
                .body("byStatus.sent", org.hamcrest.Matchers.equalTo(RECIPIENTS));
    }

    @Test
    void aKilledReplicasWorkIsTakenOverWithinSecondsAndLosesNothing() throws Exception {
        String[] campaign = new String[1];
        int[] ports = twoReplicasSending("tocsin-crash-kill", campaign);
        apps.get(0).destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no chance to record anything
        long killedAt = System.nanoTime();
        int beforeKill = smtp.getReceivedMessages().length;
        assertTrue(beforeKill < RECIPIENTS, "killed mid-campaign");
        Map<Long, String> heldAtKill = sending();
        // taken over: none of the rows being sent at the kill is still held by the claim it had then
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<Long, String> now = sending();
            return heldAtKill.entrySet().stream().noneMatch(e -> e.getValue().equals(now.get(e.getKey())));
        });
        double takeover = (System.nanoTime() - killedAt) / 1e9;

        awaitCompleted(ports[1], campaign[0]);
        Map<String, Long> perMessageId = Arrays.stream(smtp.getReceivedMessages())
                .collect(Collectors.groupingBy(CrashRecoveryIT::messageId, Collectors.counting()));
        assertEquals(RECIPIENTS, perMessageId.size(), "no notice was lost");
        assertEquals(RECIPIENTS, Arrays.stream(smtp.getReceivedMessages()).map(CrashRecoveryIT::recipient).distinct().count());
        long resent = perMessageId.values().stream().filter(n -> n > 1).count();
        int inFlight = WORKERS * Math.max(1, PER_SECOND / 10);
        System.out.printf("crash: 2 replicas, SIGKILL of one at %d of %d sent; %d rows being sent at the kill taken over in"
                + " %.1f s; %d notices sent twice (same Message-ID; bound %d)%n", beforeKill, RECIPIENTS, heldAtKill.size(),
                takeover, resent, inFlight);
        assertTrue(takeover <= 15, "the dead replica's rows waited " + takeover + " s");
        assertTrue(resent <= inFlight, resent + " notices were sent twice");
        assertTrue(perMessageId.values().stream().allMatch(n -> n <= 2));
    }

    @Test
    void aStoppedReplicaHandsBackItsWorkAndSendsNothingTwice() throws Exception {
        String[] campaign = new String[1];
        int[] ports = twoReplicasSending("tocsin-crash-term", campaign);
        long askedAt = System.nanoTime();
        Process stopping = apps.get(0);
        stopping.destroy(); // SIGTERM, as an orchestrator's rolling update sends it
        assertTrue(stopping.waitFor(40, TimeUnit.SECONDS), "the replica exits after handing its work back");
        double stopSeconds = (System.nanoTime() - askedAt) / 1e9;
        int atStop = smtp.getReceivedMessages().length;

        awaitCompleted(ports[1], campaign[0]);
        Map<String, Long> perMessageId = Arrays.stream(smtp.getReceivedMessages())
                .collect(Collectors.groupingBy(CrashRecoveryIT::messageId, Collectors.counting()));
        Map<String, Long> perRecipient = Arrays.stream(smtp.getReceivedMessages())
                .collect(Collectors.groupingBy(CrashRecoveryIT::recipient, Collectors.counting()));
        long twice = perRecipient.values().stream().filter(n -> n > 1).count();
        String log = Files.readString(Path.of("target/tocsin-crash-term-a.log"));
        String handedBack = log.lines().filter(l -> l.contains("handed back to the queue")).findFirst().orElse("(no hand-back line)");
        System.out.printf("stop: 2 replicas, SIGTERM of one at %d of %d sent; it exited in %.1f s; %d recipients got the"
                + " notice twice; %s%n", atStop, RECIPIENTS, stopSeconds, twice, handedBack.replaceAll(".*\\] ", ""));
        assertEquals(RECIPIENTS, perMessageId.size(), "no notice was lost");
        assertEquals(RECIPIENTS, perRecipient.size());
        assertEquals(0, twice, "a rolling update sends nothing twice");
        assertTrue(log.contains("handed back to the queue"), "the stopping replica said what it handed back");
    }

    private static String messageId(MimeMessage m) {
        try {
            return m.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String recipient(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
