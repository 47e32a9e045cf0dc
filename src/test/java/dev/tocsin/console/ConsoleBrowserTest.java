package dev.tocsin.console;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Axe;
import dev.tocsin.testing.Browser;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in headless Chromium, as its people use it: the operator signs in, opens an incident, watches a
 * campaign reach 100 % against GreenMail and cancels another after reading what that does; support finds a
 * person by the reference they read out and sends their notice again; the auditor sees those actions in the
 * trail. Every page passes axe-core's WCAG A/AA checks (no serious or critical violation) and is saved under
 * target/screenshots/.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class ConsoleBrowserTest {

    @TestHTTPResource("/")
    URL root;

    private final Map<String, List<String>> violations = new LinkedHashMap<>();

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private WebDriverWait waitOn(ChromeDriver browser) {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    /** Saves the page and checks it with axe-core. */
    private void look(ChromeDriver browser, String name) throws Exception {
        Browser.screenshot(browser, "console-" + name);
        List<String> found = Axe.seriousViolations(browser);
        if (!found.isEmpty()) {
            violations.put(name, found);
        }
    }

    private void signIn(ChromeDriver browser, String user) {
        browser.manage().deleteAllCookies();
        browser.get(root + "console/login");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(TestUsers.PASSWORD, Keys.ENTER);
        waitOn(browser).until(ExpectedConditions.urlMatches(".*/console/?$"));
    }

    /** Presses Tab until the element has the focus (at most 60 times: a form one cannot reach by keyboard fails). */
    private static WebElement tabTo(ChromeDriver browser, By target) {
        WebElement wanted = browser.findElement(target);
        for (int i = 0; i < 60; i++) {
            WebElement focused = browser.switchTo().activeElement();
            if (focused.equals(wanted)) {
                return focused;
            }
            focused.sendKeys(Keys.TAB);
        }
        throw new AssertionError("Tab never reaches " + target);
    }

    private static void setValue(ChromeDriver browser, String id, String value) {
        browser.executeScript("document.getElementById(arguments[0]).value = arguments[1];", id, value);
    }

    @Test
    void operatorSupportAndAuditorDoTheirWorkInTheBrowser() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        ChromeDriver browser = Browser.open(1280, 900);
        try {
            // not signed in: the sign-in page, which comes back to where you were going
            browser.get(root + "console");
            waitOn(browser).until(ExpectedConditions.urlContains("/console/login?next="));
            look(browser, "login");
            // the keyboard's first stop is the skip link
            browser.findElement(By.tagName("body")).sendKeys(Keys.TAB);
            assertEquals("skip", browser.switchTo().activeElement().getAttribute("class"));

            browser.findElement(By.id("username")).sendKeys(TestUsers.OPERATOR);
            browser.findElement(By.id("password")).sendKeys("not the password", Keys.ENTER);
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".problem")));
            assertTrue(browser.findElement(By.cssSelector(".problem")).getText().contains("wrong"));
            assertEquals(TestUsers.OPERATOR, browser.findElement(By.id("username")).getAttribute("value"));
            look(browser, "login-failed");

            signIn(browser, TestUsers.OPERATOR);
            assertEquals("Home", browser.findElement(By.tagName("h1")).getText());
            look(browser, "home-operator");

            // an incident, first with a missing title (said, and what was typed is kept), then whole
            browser.findElement(By.linkText("New incident")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("title")));
            look(browser, "incident-new");
            browser.executeScript("document.querySelector('form.stack').noValidate = true;");
            setValue(browser, "occurredAt", "2026-11-20T08:00");
            setValue(browser, "discoveredAt", "2026-11-25T09:30");
            browser.findElement(By.cssSelector("form.stack button")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("problems")));
            assertTrue(browser.findElement(By.id("problems")).getText().contains("title"));
            assertEquals("2026-11-25T09:30", browser.findElement(By.id("discoveredAt")).getAttribute("value"));
            browser.findElement(By.id("title")).sendKeys("Console breach " + run);
            browser.findElement(By.id("description")).sendKeys("Attackers copied the user table from a backup server.");
            browser.findElement(By.cssSelector("form.stack button")).click();
            waitOn(browser).until(ExpectedConditions.textToBe(By.tagName("h1"), "Console breach " + run));
            String incident = browser.getCurrentUrl().replaceAll(".*/console/incidents/", "");
            look(browser, "incident");

            // the facts the notices state, through the incident's form: a number that is not one is said, what was typed kept
            browser.findElement(By.partialLinkText("What the notices state")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("f-actions")));
            browser.findElement(By.id("f-actions")).sendKeys("We reset every sign-in session on 25 November.");
            browser.findElement(By.id("f-security")).sendKeys("Passwords were stored as salted bcrypt hashes.");
            browser.findElement(By.id("f-dpo-name")).sendKeys("Dana Officer");
            browser.findElement(By.id("f-dpo-email")).sendKeys("dpo@example.com");
            browser.findElement(By.id("f-count")).sendKeys("about three");
            browser.findElement(By.xpath("//button[text()='Record the facts']")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("facts-problems")));
            assertTrue(browser.findElement(By.id("facts-problems")).getText().contains("affectedCount"));
            assertEquals("Dana Officer", browser.findElement(By.id("f-dpo-name")).getAttribute("value"));
            look(browser, "incident-facts-problem");
            browser.findElement(By.id("f-count")).clear();
            browser.findElement(By.id("f-count")).sendKeys("3");
            browser.findElement(By.xpath("//button[text()='Record the facts']")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("saved")));
            // and the incident's title in Arabic, for the Arabic notices
            browser.findElement(By.id("t-locale")).sendKeys("ar");
            browser.findElement(By.id("t-title")).sendKeys("اختراق بيانات " + run);
            browser.findElement(By.id("t-actions")).sendKeys("أعدنا تعيين جميع جلسات تسجيل الدخول.");
            browser.findElement(By.xpath("//button[text()='Record this language']")).click();
            waitOn(browser).until(ExpectedConditions.textToBePresentInElementLocated(By.id("saved"), "ar"));
            look(browser, "incident-facts");
            Map<String, Object> recorded = given().get("/api/incidents/" + incident).then().statusCode(200).extract().path("facts");
            assertEquals(List.of("We reset every sign-in session on 25 November."), recorded.get("companyActions"));
            assertEquals("اختراق بيانات " + run, given().get("/api/incidents/" + incident).then().extract()
                    .path("translations.ar.title"));
            // the accounts file through the page: a bad line is reported by its number and reason, the rest kept
            java.nio.file.Path file = java.nio.file.Files.createTempFile("accounts-" + run, ".csv");
            java.nio.file.Files.writeString(file, "account_id,email,exposed\n" + "c1-" + run + ",c1-" + run + "@example.com,password\n"
                    + "c2-" + run + ",c2-" + run + "@example.com,password\n" + "c3-" + run + ",not-an-address,password\n");
            browser.get(root + "console/incidents/" + incident);
            browser.findElement(By.id("accounts-file")).sendKeys(file.toAbsolutePath().toString());
            browser.findElement(By.cssSelector("#upload-form button")).click();
            waitOn(browser).until(ExpectedConditions.urlContains("/uploads/"));
            assertEquals("2", browser.findElement(By.id("upload-accepted")).getText());
            assertEquals("1", browser.findElement(By.id("upload-rejected")).getText());
            WebElement rejected = browser.findElement(By.id("rejected"));
            assertTrue(rejected.getText().contains("4") && rejected.getText().contains("c3-" + run), rejected.getText());
            assertEquals(1, browser.findElements(By.partialLinkText("Download the rejected lines")).size());
            look(browser, "upload-report");
            // the wizard: the audience count follows the filter as it changes
            browser.get(root + "console/incidents/" + incident);
            browser.findElement(By.linkText("New campaign")).click();
            waitOn(browser).until(ExpectedConditions.textToBe(By.id("audience-count"), "2"));
            look(browser, "campaign-new");
            // with the keyboard alone: Tab to each field in turn, type, tick with Space, send with Enter
            tabTo(browser, By.id("name")).sendKeys("Console run " + run);
            tabTo(browser, By.cssSelector("input[name=exposedAny][value=ssn]")).sendKeys(Keys.SPACE);
            waitOn(browser).until(ExpectedConditions.textToBe(By.id("audience-count"), "0"));
            browser.switchTo().activeElement().sendKeys(Keys.SPACE);
            waitOn(browser).until(ExpectedConditions.textToBe(By.id("audience-count"), "2"));
            tabTo(browser, By.xpath("//button[text()='Create the campaign']")).sendKeys(Keys.ENTER);
            waitOn(browser).until(ExpectedConditions.textToBe(By.id("campaign-status"), "draft"));
            String campaign = browser.getCurrentUrl().replaceAll(".*/console/campaigns/", "");

            // the required-content check runs on the campaign's page; a custom part is checked as it is uploaded:
            // a syntax error is shown at its line, a missing required section is listed where it is missing
            assertEquals(1, browser.findElements(By.id("content-ok")).size(), "the library's notice passes the check");
            browser.findElement(By.linkText("Custom templates")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("t-source")));
            browser.get(root + "console/drafts/" + campaign + "/templates?locale=en&part=email.txt");
            String library = browser.findElement(By.id("t-source")).getAttribute("value");
            assertTrue(library.contains("{! covers: contact !}"), "the form starts from the library's text");
            setValue(browser, "t-source", "Dear reader,\n{#if true}\nunclosed\n");
            browser.findElement(By.xpath("//button[text()='Upload and check']")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("template-problem")));
            assertTrue(browser.findElement(By.id("template-problem")).getText().matches("(?s).*line \\d+, column \\d+.*"),
                    browser.findElement(By.id("template-problem")).getText());
            assertEquals(1, browser.findElements(By.id("error-line")).size(), "the line with the error is marked");
            look(browser, "template-error");
            setValue(browser, "t-source", library.replace("{! covers: contact !}", ""));
            browser.findElement(By.xpath("//button[text()='Upload and check']")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("content-problems")));
            assertTrue(browser.findElement(By.id("content-problems")).getText().contains("en / email.txt: contact"),
                    browser.findElement(By.id("content-problems")).getText());
            look(browser, "campaign-content-missing");
            browser.get(root + "console/drafts/" + campaign + "/templates?locale=en&part=email.txt");
            setValue(browser, "t-source", library);
            browser.findElement(By.xpath("//button[text()='Upload and check']")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("content-ok")));
            // a test send: a bad address is named, nothing goes out; then the test reaches only the given address
            browser.findElement(By.linkText("Send a test")).click();
            browser.findElement(By.id("ts-emails")).sendKeys("test-" + run + "@example.com\nnot-an-address");
            browser.findElement(By.xpath("//button[text()='Send the test']")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("test-problem")));
            assertTrue(browser.findElement(By.id("test-problem")).getText().contains("not-an-address"));
            browser.findElement(By.id("ts-emails")).clear();
            browser.findElement(By.id("ts-emails")).sendKeys("test-" + run + "@example.com");
            browser.findElement(By.xpath("//button[text()='Send the test']")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("test-result")));
            look(browser, "test-send");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> TestServices.allReceivedMail().stream()
                    .anyMatch(m -> dev.tocsin.testing.Mail.to(m).equals("test-" + run + "@example.com")));
            browser.get(root + "console/campaigns/" + campaign);

            // English and Arabic side by side: the email framed without script, the SMS with its segments
            browser.findElement(By.partialLinkText("Preview the notice")).click();
            waitOn(browser).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("iframe.email"), 2));
            assertEquals("", browser.findElements(By.cssSelector("iframe.email")).get(1).getAttribute("sandbox"));
            assertEquals(1, browser.findElements(By.cssSelector("section[lang=ar]")).size());
            browser.switchTo().frame(browser.findElements(By.cssSelector("iframe.email")).get(1));
            assertTrue(browser.findElement(By.tagName("body")).getText().length() > 100, "the Arabic email is shown");
            browser.switchTo().defaultContent();
            look(browser, "campaign-preview");

            // the approver sends it back once, with a reason (a reason is required), then approves it
            signIn(browser, TestUsers.APPROVER);
            browser.findElement(By.linkText("Console run " + run)).click();
            browser.findElement(By.linkText("Review for approval")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("audience-total")));
            assertEquals("2", browser.findElement(By.id("audience-total")).getText());
            assertTrue(browser.findElements(By.id("content-ok")).size() == 1, "the required-content check passes");
            assertEquals(1, browser.findElements(By.id("never-approved")).size());
            browser.findElement(By.id("reject")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("approval-problem")));
            assertTrue(browser.findElement(By.id("approval-problem")).getText().contains("Say why"));
            browser.findElement(By.id("comment")).sendKeys("Add the phone line to call.");
            browser.findElement(By.id("reject")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("rejected")));
            assertTrue(browser.findElement(By.id("rejected")).getText().contains("Add the phone line to call."));
            browser.get(root + "console/campaigns/" + campaign + "/approval");
            look(browser, "approval");
            browser.findElement(By.id("comment")).sendKeys("Checked the facts with legal.");
            browser.findElement(By.id("approve")).click();
            waitOn(browser).until(ExpectedConditions.textToBe(By.id("campaign-status"), "approved"));

            // the operator changes the text after approval: the approval is withdrawn, the next approver sees the change
            signIn(browser, TestUsers.OPERATOR);
            browser.get(root + "console/drafts/" + campaign + "/templates?locale=en&part=email.txt");
            setValue(browser, "t-source", library + "\nCall us on 0800 123 456.\n");
            browser.findElement(By.xpath("//button[text()='Upload and check']")).click();
            waitOn(browser).until(ExpectedConditions.textToBe(By.id("campaign-status"), "draft"));
            signIn(browser, TestUsers.APPROVER);
            browser.get(root + "console/campaigns/" + campaign + "/approval");
            WebElement changes = browser.findElement(By.id("changes"));
            assertTrue(changes.getText().contains("template en/email.txt") && changes.getText().contains("+ Call us on 0800 123 456."),
                    changes.getText());
            look(browser, "approval-changes");
            browser.findElement(By.id("approve")).click();
            waitOn(browser).until(ExpectedConditions.textToBe(By.id("campaign-status"), "approved"));

            // the operator launches it after reading what launching does, and watches it reach 100 %
            signIn(browser, TestUsers.OPERATOR);
            browser.get(root + "console/campaigns/" + campaign);
            browser.findElement(By.linkText("Launch")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".consequence")));
            browser.findElement(By.cssSelector("form.inline button")).click();
            waitOn(browser).until(ExpectedConditions.textToBe(By.id("campaign-status"), "completed"));
            assertEquals("100", browser.findElement(By.id("progress-percent")).getText());
            // the chart of notices per second is drawn (uPlot's canvas) from the campaign's event stream, whose last
            // snapshot says every notice has settled
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#rate-chart canvas")));
            waitOn(browser).until(ExpectedConditions.textMatches(By.id("rate-now"),
                    java.util.regex.Pattern.compile("([1-9][0-9,]*) of \\1 left or settled")));
            look(browser, "campaign-completed");
            browser.executeScript("document.getElementById('rate').scrollIntoView();");
            Browser.screenshot(browser, "console-campaign-chart");

            // pause one mid-way (the mail server is down, so it keeps running), then resume it once the server is back
            String third = Api.campaign(incident).name("Console paused " + run).create();
            Api.approve(third).statusCode(200);
            TestServices.stopSmtp();
            try {
                Api.post("/api/campaigns/" + third + "/launch").statusCode(200);
                browser.get(root + "console/campaigns/" + third);
                waitOn(browser).until(ExpectedConditions.textToBe(By.id("campaign-status"), "running"));
                browser.findElement(By.linkText("Pause")).click();
                waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".consequence")));
                assertTrue(browser.findElement(By.cssSelector(".consequence")).getText().contains("resume sends the rest"));
                browser.findElement(By.cssSelector("form.inline button")).click();
                waitOn(browser).until(ExpectedConditions.textToBe(By.id("campaign-status"), "paused"));
                look(browser, "campaign-paused");
            } finally {
                TestServices.startSmtp();
            }
            browser.findElement(By.linkText("Resume")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".consequence")));
            browser.findElement(By.cssSelector("form.inline button")).click();
            new WebDriverWait(browser, Duration.ofSeconds(60)).until(ExpectedConditions.textToBe(By.id("campaign-status"), "completed"));
            assertEquals("100", browser.findElement(By.id("progress-percent")).getText());

            // cancel a second one, after reading what cancelling does
            String second = Api.campaign(incident).name("Console second " + run).create();
            Api.approve(second).statusCode(200);
            browser.get(root + "console/campaigns/" + second);
            browser.findElement(By.linkText("Cancel the campaign")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".consequence")));
            assertTrue(browser.findElement(By.cssSelector(".consequence")).getText().contains("cannot be undone"));
            look(browser, "campaign-cancel-confirm");
            browser.findElement(By.cssSelector("form.inline button")).click();
            waitOn(browser).until(ExpectedConditions.textToBe(By.id("campaign-status"), "cancelled"));
            browser.findElement(By.cssSelector("form.signout button")).click();
            waitOn(browser).until(ExpectedConditions.urlContains("/console/login"));

            // support: the operator's pages say which role they take; the caller's reference finds their notice
            signIn(browser, TestUsers.SUPPORT);
            browser.get(root + "console/incidents/new");
            assertEquals("You need the role operator", browser.findElement(By.tagName("h1")).getText());
            look(browser, "needs-role");
            String reference = given().queryParam("email", "c1-" + run + "@example.com").get("/api/deliveries")
                    .then().statusCode(200).extract().path("[0].reference");
            browser.get(root + "console/support");
            browser.findElement(By.id("q")).sendKeys(reference.toLowerCase().replace("-", " "), Keys.ENTER);
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("article.delivery")));
            WebElement notice = browser.findElement(By.cssSelector("article.delivery"));
            assertTrue(notice.getText().contains("sent"), notice.getText());
            assertTrue(notice.getText().contains("c1-" + run.substring(0, 1)), "the address, masked for support: " + notice.getText());
            look(browser, "support-found");
            notice.findElement(By.name("reason")).sendKeys("caller deleted it by mistake", Keys.ENTER);
            waitOn(browser).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".notice"), "Sent again"));
            browser.findElement(By.id("q")).clear();
            browser.findElement(By.id("q")).sendKeys("TCS-ZZZZZ-ZZZZZ", Keys.ENTER);
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".empty")));
            assertTrue(browser.findElement(By.cssSelector(".empty")).getText().contains("did not come from us"));

            // the auditor sees what the operator and support did, as the API calls they stand for
            signIn(browser, TestUsers.AUDITOR);
            look(browser, "home-auditor");
            browser.get(root + "console/audit?actor=" + TestUsers.OPERATOR + "&objectId=" + incident);
            WebElement created = browser.findElements(By.cssSelector("ol.audit li")).stream()
                    .filter(li -> li.getText().contains("POST /api/incidents incident")).findFirst()
                    .orElseThrow(() -> new AssertionError(browser.findElement(By.cssSelector("ol.audit")).getText()));
            created.findElement(By.tagName("summary")).click();
            assertTrue(created.getText().contains("from the console"), created.getText());
            browser.get(root + "console/audit?actor=" + TestUsers.SUPPORT + "&action=resend");
            assertTrue(browser.findElement(By.cssSelector("ol.audit")).getText().contains("/resend"));
            look(browser, "audit");

            // four eyes: who created a campaign is told why they cannot approve it
            String own = given().auth().preemptive().basic(TestUsers.SECOND_OPERATOR, TestUsers.PASSWORD)
                    .contentType(io.restassured.http.ContentType.JSON)
                    .body(Map.of("incidentId", incident, "name", "Own " + run, "templateSet", "credential-exposure",
                            "channels", List.of("email")))
                    .post("/api/campaigns").then().statusCode(201).extract().path("id");
            signIn(browser, TestUsers.SECOND_OPERATOR);
            browser.get(root + "console/campaigns/" + own + "/approval");
            assertTrue(browser.findElement(By.id("four-eyes")).getText().contains("second person"));

            // letters: the page for the mail house; a reference we never printed is said to be unknown
            browser.get(root + "console/letters");
            look(browser, "letters");
            browser.findElement(By.id("references")).sendKeys("TCS-ZZZZZ-ZZZZZ");
            browser.findElement(By.cssSelector("form.stack button")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("returned-lines")));
            assertTrue(browser.findElement(By.id("returned-lines")).getText().contains("unknown"));

            // an admin makes a user, gives them a role and disables them
            browser.manage().deleteAllCookies();
            browser.get(root + "console/login");
            browser.findElement(By.id("username")).sendKeys("admin");
            browser.findElement(By.id("password")).sendKeys(TestUsers.ADMIN_PASSWORD, Keys.ENTER);
            waitOn(browser).until(ExpectedConditions.urlMatches(".*/console/?$"));
            browser.findElement(By.linkText("Users")).click();
            String newcomer = "carol" + run.substring(0, 5);
            browser.findElement(By.id("new-username")).sendKeys(newcomer);
            browser.findElement(By.id("new-password")).sendKeys("a long enough password 1");
            browser.findElements(By.cssSelector("form.stack input[name=roles]")).stream()
                    .filter(box -> "support".equals(box.getAttribute("value"))).findFirst().orElseThrow().click();
            browser.findElement(By.cssSelector("form.stack button")).click();
            waitOn(browser).until(ExpectedConditions.presenceOfElementLocated(By.xpath("//th[text()='" + newcomer + "']")));
            look(browser, "users");
            browser.findElement(By.xpath("//button[text()='Disable " + newcomer + "']")).click();
            waitOn(browser).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".notice"), "is disabled"));

            // JavaScript off: the accounts file goes as a plain form, the wizard counts again on request
            ChromeDriver plain = Browser.openWithoutJavaScript(1280, 900);
            try {
                signIn(plain, TestUsers.OPERATOR);
                java.nio.file.Path more = java.nio.file.Files.createTempFile("more-" + run, ".csv");
                java.nio.file.Files.writeString(more, "account_id,email,exposed\n" + "n1-" + run + ",n1-" + run
                        + "@example.com,password\n" + "n2-" + run + ",n2-" + run + "@example.com,ssn\n" + "n3-" + run + ",nope,ssn\n");
                plain.get(root + "console/incidents/" + incident);
                assertTrue(plain.findElement(By.xpath("//p[contains(text(), 'Without JavaScript the file is sent')]")).isDisplayed(),
                        "the page says how the upload goes without script (a <noscript> shown only when script is off)");
                plain.findElement(By.id("accounts-file")).sendKeys(more.toAbsolutePath().toString());
                plain.findElement(By.cssSelector("#upload-form button")).click();
                waitOn(plain).until(ExpectedConditions.urlContains("/uploads/"));
                assertEquals("2", plain.findElement(By.id("upload-accepted")).getText());
                assertEquals("1", plain.findElement(By.id("upload-rejected")).getText());
                Browser.screenshot(plain, "console-upload-report-no-script"); // axe-core needs script: checked above with it on
                plain.get(root + "console/campaigns/new?incidentId=" + incident);
                plain.findElements(By.cssSelector("input[name=exposedAny][value=ssn]")).get(0).click();
                plain.findElement(By.xpath("//button[text()='Count again']")).click();
                waitOn(plain).until(ExpectedConditions.textToBe(By.id("audience-count"), "1"));
                assertTrue(plain.getCurrentUrl().endsWith("/console/campaigns/new"), "no token in the address: " + plain.getCurrentUrl());
            } finally {
                plain.quit();
            }

            // a phone: nothing runs off the side
            ChromeDriver phone = Browser.open(360, 800);
            try {
                signIn(phone, TestUsers.OPERATOR);
                phone.get(root + "console/campaigns/" + campaign);
                Object overflow = phone.executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
                assertEquals(0L, ((Number) overflow).longValue(), "the campaign page is wider than a 360 px phone");
                Browser.screenshot(phone, "console-campaign-360");
            } finally {
                phone.quit();
            }
        } finally {
            browser.quit();
        }
        assertTrue(violations.isEmpty(), "axe-core found serious or critical violations:\n" + Axe.describe(violations));
    }
}
