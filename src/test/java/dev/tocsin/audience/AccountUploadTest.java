package dev.tocsin.audience;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestServices;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class AccountUploadTest {
    // EmbeddedAccountUploadTest runs every test here again on the embedded default (H2)

    @org.junit.jupiter.api.BeforeEach
    void signIn() {
        dev.tocsin.testing.TestUsers.ensure();
    }

    static final String HEADER = "account_id,email,phone,locale,timezone,country,name,exposed\n";

    @TestHTTPResource("/")
    URL base;

    @ConfigProperty(name = "tocsin.upload.batch-size")
    int uploadBatchSize;

    private static String run() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void nationalNumbersAreNormalizedAndFixedLinesAreKeptButNotCountedForSms() {
        String r = run();
        String incident = Api.createIncident("phones " + r);
        Api.uploadCsv(incident, "account_id,phone,country,exposed\n"
                + "mobile-" + r + ",06 12 34 56 78,FR,password\n"
                + "landline-" + r + ",01 42 68 53 00,FR,password\n"
                + "nowhere-" + r + ",0612345678,,password\n"
                + "invalid-" + r + ",+1 415 000 0001,US,password\n").statusCode(200)
                .body("accepted", equalTo(2)).body("rejected", equalTo(2))
                .body("errors[0].line", equalTo(4)).body("errors[0].reason", containsString("has no country code"))
                .body("errors[1].line", equalTo(5)).body("errors[1].reason", containsString("not a valid number in United States"));
        String campaign = Api.campaign(incident).channels("sms").create();
        Api.get("/api/campaigns/" + campaign + "/audience").statusCode(200)
                .body("total", equalTo(2)).body("byChannel.sms", equalTo(1)).body("phonesWithoutSms", equalTo(1))
                .body("unreachable", equalTo(1));
        QuarkusTransaction.requiringNew().run(() ->
                assertEquals("+33142685300", ((Account) Account.findById("landline-" + r)).phone, "kept, in E.164"));
    }

    @Test
    void everyBadRowIsReportedWithItsLineAndReasonAndGoodRowsAreKept() {
        String r = run();
        String incident = Api.createIncident("bad rows " + r);
        String csv = HEADER
                + "ok1-" + r + ",ok1-" + r + "@example.com,,en,UTC,US,\"Smith,\nJunior\",password\n"  // lines 2-3
                + ",missing@example.com,,en,UTC,US,No Id,password\n"                                     // 4
                + "bad-email-" + r + ",not-an-email,,en,UTC,US,X,password\n"                              // 5
                + "bad-phone-" + r + ",p@example.com,555-1234,en,UTC,US,X,password\n"                     // 6
                + "bad-locale-" + r + ",l@example.com,,en_US!,UTC,US,X,password\n"                        // 7
                + "bad-cat-" + r + ",c@example.com,,en,UTC,US,X,password;shoe_size\n"                     // 8
                + "ok1-" + r + ",again@example.com,,en,UTC,US,Again,password\n"                           // 9
                + "short-" + r + ",s@example.com,,en\n"                                                   // 10
                + "bad-tz-" + r + ",t@example.com,,en,Mars/Olympus,US,X,password\n"                       // 11
                + "bad-country-" + r + ",k@example.com,,en,UTC,XX,X,password\n"                           // 12
                + "no-exposed-" + r + ",n@example.com,,en,UTC,US,X,\n"                                    // 13
                + "\n"                                                                                    // 14 blank
                + "ok2-" + r + ",,+5511987654321,pt-BR,America/Sao_Paulo,BR,Ana,ssn;payment_card\n";      // 15
        Api.uploadCsv(incident, csv).statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("accepted", equalTo(2))
                .body("rejected", equalTo(10))
                .body("errors", hasSize(10))
                .body("errors[0].line", equalTo(4)).body("errors[0].reason", containsString("account_id is missing"))
                .body("errors[1].line", equalTo(5)).body("errors[1].reason", containsString("not a valid email"))
                .body("errors[2].line", equalTo(6)).body("errors[2].reason", containsString("E.164"))
                .body("errors[3].line", equalTo(7)).body("errors[3].reason", containsString("BCP 47"))
                .body("errors[4].line", equalTo(8)).body("errors[4].reason", containsString("unknown data category 'shoe_size'"))
                .body("errors[5].line", equalTo(9)).body("errors[5].reason", containsString("already appears on line 2"))
                .body("errors[5].accountId", equalTo("ok1-" + r))
                .body("errors[6].line", equalTo(10)).body("errors[6].reason", containsString("wrong number of columns"))
                .body("errors[7].line", equalTo(11)).body("errors[7].reason", containsString("time zone"))
                .body("errors[8].line", equalTo(12)).body("errors[8].reason", containsString("ISO 3166"))
                .body("errors[9].line", equalTo(13)).body("errors[9].reason", containsString("exposed is empty"));

        Account first = QuarkusTransaction.requiringNew().call(() -> Account.findById("ok1-" + r));
        assertEquals("ok1-" + r + "@example.com", first.email, "the first of two rows for one account wins; the repeat is rejected");
        assertEquals("Smith,\nJunior", first.name);
        Account second = QuarkusTransaction.requiringNew().call(() -> Account.findById("ok2-" + r));
        assertEquals("+5511987654321", second.phone);
        assertNull(QuarkusTransaction.requiringNew().call(() -> Account.findById("bad-email-" + r)));
    }

    @Test
    void anUnknownHeaderColumnRefusesTheWholeFileAndNamesTheColumn() {
        String incident = Api.createIncident("bad header " + run());
        Api.uploadCsv(incident, "account_id,email,favourite_colour,exposed\nx,x@example.com,blue,password\n")
                .statusCode(400)
                .body("error", equalTo("invalid_header"))
                .body("message", containsString("favourite_colour"))
                .body("details[0].field", equalTo("favourite_colour"));
        Api.uploadCsv(incident, "email,exposed\nx@example.com,password\n")
                .statusCode(400).body("details.field", org.hamcrest.Matchers.hasItem("account_id"));
    }

    @Test
    void reUploadingAnAccountUpdatesItAndNeverCreatesASecondRecipient() {
        String r = run();
        String incident = Api.createIncident("re-upload " + r);
        Api.uploadCsv(incident, HEADER + "acc-" + r + ",old-" + r + "@example.com,+14155550100,en,UTC,US,Old,password\n")
                .statusCode(200).body("accepted", equalTo(1));
        Api.uploadCsv(incident, HEADER + "acc-" + r + ",new-" + r + "@example.com,,fr,Europe/Paris,FR,New,password_hash;email\n")
                .statusCode(200).body("accepted", equalTo(1));
        Account a = QuarkusTransaction.requiringNew().call(() -> Account.findById("acc-" + r));
        assertEquals("new-" + r + "@example.com", a.email);
        assertEquals("+14155550100", a.phone, "a blank value in a re-upload keeps what was known");
        assertEquals("fr", a.locale);
        long rows = QuarkusTransaction.requiringNew().call(() -> Exposure.count("id.incidentId = ?1", incident));
        assertEquals(1, rows);
        Exposure e = QuarkusTransaction.requiringNew().call(() ->
                Exposure.<Exposure>find("id.incidentId = ?1", incident).firstResult());
        assertEquals(List.of("email", "password_hash"), e.categoryList());
    }

    @Test
    void anAccountKnownFromAnotherIncidentIsUpdatedAndExposedToTheNewOneToo() {
        String r = run();
        String first = incidentKnowing("both-" + r, r);
        String second = Api.createIncident("second incident " + r);
        Api.uploadCsv(second, HEADER + "both-" + r + ",new-" + r + "@example.com,,en,UTC,US,,email\n"
                + "only-" + r + ",only-" + r + "@example.com,,en,UTC,US,Only,email\n"
                + "both-" + r + ",third-" + r + "@example.com,,en,UTC,US,,ssn\n")
                .statusCode(200).body("accepted", equalTo(2)).body("rejected", equalTo(1))
                .body("errors[0].reason", containsString("already appears on line 2"));
        Account a = QuarkusTransaction.requiringNew().call(() -> Account.findById("both-" + r));
        assertEquals("new-" + r + "@example.com", a.email, "the second incident's file updates the one account");
        assertEquals("Old", a.name, "a blank value keeps what was known");
        Exposure e = QuarkusTransaction.requiringNew().call(() ->
                Exposure.<Exposure>find("id.incidentId = ?1 and id.accountId = ?2", second, "both-" + r).firstResult());
        assertEquals(List.of("email"), e.categoryList(), "the repeat's categories are not taken");
        Exposure kept = QuarkusTransaction.requiringNew().call(() ->
                Exposure.<Exposure>find("id.incidentId = ?1 and id.accountId = ?2", first, "both-" + r).firstResult());
        assertEquals(List.of("password"), kept.categoryList(), "the first incident's exposure is its own");
    }

    /** A new incident whose upload brought one account: old-{r}@example.com, +14155550100, named Old, password exposed. */
    private static String incidentKnowing(String accountId, String r) {
        String incident = Api.createIncident("knows " + accountId);
        Api.uploadCsv(incident, HEADER + accountId + ",old-" + r + "@example.com,+14155550100,en,UTC,US,Old,password\n")
                .statusCode(200).body("accepted", equalTo(1));
        return incident;
    }

    /** {@code count} rows of new accounts named {@code prefix-1...}, one line each. */
    private static String newAccounts(String prefix, int count) {
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            rows.append(prefix).append('-').append(i).append(',').append(prefix).append(i).append("@example.com,,en,UTC,US,N,email\n");
        }
        return rows.toString();
    }

    @Test
    void aRepeatOfALineInAnEarlierBatchIsRejectedAndTheFirstLineKept() {
        String r = run();
        String incident = Api.createIncident("repeat across batches " + r);
        // line 2 starts the first batch; the last line, a batch later, brings its account again
        String csv = HEADER + "first-" + r + ",kept-" + r + "@example.com,,en,UTC,US,Kept,email\n"
                + newAccounts("fill-" + r, uploadBatchSize)
                + "first-" + r + ",later-" + r + "@example.com,,en,UTC,US,Later,ssn\n";
        int lastLine = uploadBatchSize + 3;
        Api.uploadCsv(incident, csv).statusCode(200)
                .body("accepted", equalTo(uploadBatchSize + 1)).body("rejected", equalTo(1))
                .body("errors[0].line", equalTo(lastLine))
                .body("errors[0].reason", containsString("already appears on line 2"));
        Account a = QuarkusTransaction.requiringNew().call(() -> Account.findById("first-" + r));
        assertEquals("kept-" + r + "@example.com", a.email, "the repeat a batch later changes nothing");
        Exposure e = QuarkusTransaction.requiringNew().call(() ->
                Exposure.<Exposure>find("id.incidentId = ?1 and id.accountId = ?2", incident, "first-" + r).firstResult());
        assertEquals(List.of("email"), e.categoryList());
        long stored = QuarkusTransaction.requiringNew().call(() -> Exposure.count("id.incidentId = ?1", incident));
        assertEquals(uploadBatchSize + 1, stored);
    }

    @Test
    void theAnswerListsTheFilesFirstThousandRefusedLines() {
        String r = run();
        String incident = Api.createIncident("many refused " + r);
        StringBuilder csv = new StringBuilder(HEADER).append("once-").append(r).append(",o@example.com,,en,UTC,US,O,email\n");
        for (int i = 0; i < 10; i++) {      // lines 3-12: the account of line 2 again
            csv.append("once-").append(r).append(",again@example.com,,en,UTC,US,A,email\n");
        }
        for (int i = 0; i < 1_000; i++) {   // lines 13-1012: a phone number that is not one
            csv.append("bad-").append(r).append('-').append(i).append(",b@example.com,12345,en,UTC,US,B,email\n");
        }
        Api.uploadCsv(incident, csv.toString()).statusCode(200)
                .body("accepted", equalTo(1)).body("rejected", equalTo(1_010))
                .body("errors", hasSize(AccountImporter.ERRORS_IN_ANSWER)).body("errorsTruncated", equalTo(true))
                .body("errors[0].line", equalTo(3)).body("errors[0].reason", containsString("already appears on line 2"))
                .body("errors[10].line", equalTo(13))
                .body("errors[999].line", equalTo(1_002));
    }

    @Test
    void aKnownAccountAfterABatchOfNewOnesIsUpdatedNotRefused() {
        String r = run();
        String other = incidentKnowing("known-" + r, r);
        String incident = Api.createIncident("known after new " + r);
        // a whole batch of accounts nobody knew, then, in the next batch, one the database knows
        String csv = HEADER + newAccounts("new-" + r, uploadBatchSize)
                + "known-" + r + ",new-" + r + "@example.com,,fr,UTC,US,,email\n"
                + newAccounts("more-" + r, 3);
        Api.uploadCsv(incident, csv).statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("accepted", equalTo(uploadBatchSize + 4)).body("rejected", equalTo(0));
        Account a = QuarkusTransaction.requiringNew().call(() -> Account.findById("known-" + r));
        assertEquals("new-" + r + "@example.com", a.email);
        assertEquals("+14155550100", a.phone, "a blank value keeps what was known");
        assertEquals("Old", a.name);
        long stored = QuarkusTransaction.requiringNew().call(() -> Exposure.count("id.incidentId = ?1", incident));
        assertEquals(uploadBatchSize + 4, stored);
        Exposure kept = QuarkusTransaction.requiringNew().call(() ->
                Exposure.<Exposure>find("id.incidentId = ?1 and id.accountId = ?2", other, "known-" + r).firstResult());
        assertEquals(List.of("password"), kept.categoryList(), "the first incident's exposure is its own");
    }

    @Test
    void twoUploadsOfTheSameNewAccountsAtOnceBothTakeEveryRow() throws Exception {
        String r = run();
        String first = Api.createIncident("at once, first " + r);
        String second = Api.createIncident("at once, second " + r);
        String csv = new String(new GeneratedCsv(r, 6_000, 0).readAllBytes(), StandardCharsets.UTF_8);
        // both files bring the same accounts, new to the database, batch after batch at the same time: each
        // batch of one may find an account the other inserted a moment before
        var one = java.util.concurrent.CompletableFuture.supplyAsync(() -> Api.uploadCsv(first, csv).extract());
        var two = java.util.concurrent.CompletableFuture.supplyAsync(() -> Api.uploadCsv(second, csv).extract());
        for (var answer : List.of(one.get(), two.get())) {
            assertEquals(200, answer.statusCode(), answer.asString());
            assertEquals(6_000, (int) answer.path("accepted"), answer.asString());
            assertEquals(0, (int) answer.path("rejected"), answer.asString());
        }
        for (String incident : List.of(first, second)) {
            long stored = QuarkusTransaction.requiringNew().call(() -> Exposure.count("id.incidentId = ?1", incident));
            assertEquals(6_000, stored);
        }
    }

    @Test
    void ndjsonUsesTheSameKeysAndReportsBadLines() {
        String r = run();
        String incident = Api.createIncident("ndjson " + r);
        String body = "{\"account_id\":\"n1-" + r + "\",\"email\":\"n1-" + r + "@example.com\",\"locale\":\"es\",\"exposed\":[\"password\",\"email\"]}\n"
                + "{\"account_id\":\"n2-" + r + "\",\"email\":\"n2@example.com\",\"exposed\":\"password\"\n"
                + "{\"account_id\":\"n3-" + r + "\",\"shoe\":\"42\",\"exposed\":\"password\"}\n"
                + "[1,2]\n"
                + "{\"account_id\":\"n4-" + r + "\",\"phone\":\"+447946012343\",\"exposed\":\"ssn\"}";
        Api.uploadNdjson(incident, body).statusCode(200)
                .body("accepted", equalTo(2))
                .body("rejected", equalTo(3))
                .body("errors[0].line", equalTo(2)).body("errors[0].reason", containsString("not valid JSON"))
                .body("errors[1].line", equalTo(3)).body("errors[1].reason", containsString("unknown key(s) [shoe]"))
                .body("errors[2].line", equalTo(4)).body("errors[2].reason", containsString("one JSON object"));
    }

    @Test
    void aHundredThousandRowFileStreamsInWithExactCounts() {
        String r = run();
        String incident = Api.createIncident("large " + r);
        int rows = 100_000;
        InputStream csv = new GeneratedCsv(r, rows, 10_000);
        long start = System.nanoTime();
        ExtractableResponse<Response> answer = given().contentType("text/csv").body(csv)
                .post("/api/incidents/" + incident + "/accounts").then().statusCode(200).extract();
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("100k-row upload: %d rows in %d ms (%.0f rows/s)%n", rows, millis, rows * 1000.0 / millis);
        // Every 10,000th data row has a bad phone number: 10 rejected, each on its own line.
        assertEquals(rows - 10, (int) answer.path("accepted"));
        assertEquals(10, (int) answer.path("rejected"));
        assertEquals(List.of(10_001, 20_001, 30_001, 40_001, 50_001, 60_001, 70_001, 80_001, 90_001, 100_001),
                answer.path("errors.line"));
        long stored = QuarkusTransaction.requiringNew().call(() -> Exposure.count("id.incidentId = ?1", incident));
        assertEquals(rows - 10, stored);
    }

    @Test
    void anUploadCutOffHalfwayKeepsWhatWasAcceptedAndSaysWhereItStopped() throws Exception {
        String r = run();
        String incident = Api.createIncident("cut off " + r);
        // two and a half batches (their size differs between the builds)
        byte[] part = new GeneratedCsv(r, uploadBatchSize * 5 / 2, 0).readAllBytes();
        // Promise a much larger body, send them, then hang up: the client died mid-upload.
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/incidents/" + incident + "/accounts HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: " + dev.tocsin.testing.TestUsers.basicHeader(dev.tocsin.testing.TestUsers.OPERATOR) + "\r\n"
                    + "Content-Type: text/csv\r\nContent-Length: " + (part.length * 10L) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(part);
            out.flush();
            Thread.sleep(500);
        }
        await().atMost(Duration.ofSeconds(20)).until(() ->
                "FAILED".equals(Api.get("/api/incidents/" + incident + "/uploads").extract().path("[0].status")));
        Map<String, Object> upload = Api.get("/api/incidents/" + incident + "/uploads").extract().path("[0]");
        int accepted = (int) upload.get("accepted");
        assertTrue(accepted >= uploadBatchSize && accepted % uploadBatchSize == 0,
                "whole batches before the cut are kept: " + upload);
        assertTrue(((String) upload.get("failure")).contains("lines from " + (accepted + 2) + " on were not taken in"),
                upload.toString());
        long stored = QuarkusTransaction.requiringNew().call(() -> Exposure.count("id.incidentId = ?1", incident));
        assertEquals(accepted, stored);
    }

    @Test
    void uploadToAnUnknownIncidentIs404() {
        Api.uploadCsv("no-such-incident", HEADER).statusCode(404)
                .body("error", equalTo("incident_not_found"))
                .body("details", hasSize(0));
    }

    @Test
    void uploadErrorsAreKeptForLaterReading() {
        String r = run();
        String incident = Api.createIncident("errors kept " + r);
        String uploadId = Api.uploadCsv(incident, HEADER + "x-" + r + ",bad,,en,UTC,US,X,password\n")
                .statusCode(200).extract().path("uploadId");
        Api.get("/api/incidents/" + incident + "/uploads/" + uploadId).statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("failure", nullValue())
                .body("errors[0].line", equalTo(2))
                .body("errors[0].reason", containsString("not a valid email"));
    }
}
