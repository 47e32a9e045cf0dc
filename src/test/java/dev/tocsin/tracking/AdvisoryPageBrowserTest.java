package dev.tocsin.tracking;

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

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The advisory page as a person sees it in a real browser: on a 360 px phone nothing runs off the side, Arabic
 * reads right to left, the keyboard focus is visible, and the button works without script. Screenshots go to
 * target/screenshots/ for people to look at.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class AdvisoryPageBrowserTest {

    @TestHTTPResource("/")
    URL root;

    @BeforeEach
    void signIn() {
        TestUsers.ensure();
    }

    @Test
    void theAdvisoryPageFitsAPhoneReadsRightToLeftInArabicAndAcknowledgesWithoutScript() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Recipients.Received> got = Recipients.notify(run, List.of("en", "ar"));
        ChromeDriver phone = Browser.open(360, 800);
        try {
            for (String locale : List.of("en", "ar")) {
                phone.get(root + "a/" + got.get(locale).token());
                assertEquals(1, phone.findElements(By.tagName("h1")).size());
                Object overflow = phone.executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
                assertEquals(0L, ((Number) overflow).longValue(), locale + ": the page is wider than a 360 px phone");
                Object direction = phone.executeScript("return getComputedStyle(document.querySelector('main')).direction;");
                assertEquals(locale.equals("ar") ? "rtl" : "ltr", direction);
                Object fontSize = phone.executeScript(
                        "return parseFloat(getComputedStyle(document.querySelector('.notice p')).fontSize);");
                assertTrue(((Number) fontSize).doubleValue() >= 16, "body text at least 16 px: " + fontSize);
                Browser.screenshot(phone, "advisory-" + locale + "-360");
            }
            // keyboard: tab to the button; its focus ring shows
            phone.get(root + "a/" + got.get("en").token());
            WebElement button = phone.findElement(By.cssSelector("form button"));
            WebElement active = phone.switchTo().activeElement();
            for (int i = 0; i < 30 && !active.equals(button); i++) {
                active.sendKeys(Keys.TAB);
                active = phone.switchTo().activeElement();
            }
            assertEquals(button, active, "the acknowledge button is reachable by keyboard");
            Object outline = phone.executeScript("return getComputedStyle(arguments[0]).outlineStyle;", button);
            assertEquals("solid", outline, "visible focus");
            button.click();
            // the form posts without script; the browser loads the thank-you page
            new org.openqa.selenium.support.ui.WebDriverWait(phone, java.time.Duration.ofSeconds(10)).until(
                    org.openqa.selenium.support.ui.ExpectedConditions.textToBe(By.tagName("h1"), "Thank you"));
            Browser.screenshot(phone, "advisory-en-thanks-360");
        } finally {
            phone.quit();
        }
        ChromeDriver desktop = Browser.open(1280, 900);
        try {
            desktop.get(root + "a/" + got.get("ar").token());
            Browser.screenshot(desktop, "advisory-ar-1280");
            desktop.get(root + "verify");
            Browser.screenshot(desktop, "verify-en-1280");
        } finally {
            desktop.quit();
        }
    }
}
