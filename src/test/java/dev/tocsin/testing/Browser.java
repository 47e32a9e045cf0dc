package dev.tocsin.testing;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium driven through ChromeDriver, as Debian installs them (/usr/bin/chromium,
 * /usr/bin/chromedriver). On a machine without them, the browser tests install them with apt-get when they can
 * (root), as .ci/run does, and otherwise fail saying what to install.
 */
public final class Browser {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Browser() {
    }

    public static ChromeDriver open(int width, int height) throws IOException, InterruptedException {
        return open(width, height, true);
    }

    /** A browser whose pages run no script at all (as with JavaScript switched off in its settings). */
    public static ChromeDriver openWithoutJavaScript(int width, int height) throws IOException, InterruptedException {
        return open(width, height, false);
    }

    private static ChromeDriver open(int width, int height, boolean javaScript) throws IOException, InterruptedException {
        ensureInstalled();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--window-size=" + width + "," + height,
                "--user-data-dir=" + Files.createTempDirectory("tocsin-chromium"));
        if (!javaScript) {
            options.setExperimentalOption("prefs", java.util.Map.of("profile.managed_default_content_settings.javascript", 2));
        }
        if (width < 500) {
            // a desktop window cannot be narrower than about 500 px: a phone is emulated (viewport, touch, DPR 2)
            options.setExperimentalOption("mobileEmulation", java.util.Map.of("deviceMetrics",
                    java.util.Map.of("width", width, "height", height, "pixelRatio", 2.0, "touch", true)));
        }
                ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Saves what the browser shows under target/screenshots/{name}.png (looked at by people, not asserted). */
    public static Path screenshot(ChromeDriver driver, String name) throws IOException {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "screenshots", name + ".png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    private static synchronized void ensureInstalled() throws IOException, InterruptedException {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER)) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            Process p = new ProcessBuilder("/bin/sh", "-c", "apt-get update -q && DEBIAN_FRONTEND=noninteractive"
                    + " apt-get install -y -q chromium chromium-driver fonts-noto-core fonts-noto-cjk")
                    .inheritIO().start();
            if (p.waitFor(15, TimeUnit.MINUTES) && p.exitValue() == 0 && Files.isExecutable(DRIVER)) {
                return;
            }
        }
        throw new IllegalStateException("The browser tests need Chromium and ChromeDriver: install them with"
                + " 'apt-get install chromium chromium-driver fonts-noto-core fonts-noto-cjk' (.ci/run does).");
    }
}
