package dev.tocsin.testing;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * axe-core, the accessibility checker, fetched from the npm registry once (target/axe) and run inside the page
 * a browser test shows: the serious and critical violations it finds, each as "rule: where".
 */
public final class Axe {

    static final String VERSION = "4.10.3";
    private static final Path DIR = Path.of("target", "axe");
    private static String source;

    private Axe() {
    }

    private static synchronized String source() throws IOException, InterruptedException {
        if (source != null) {
            return source;
        }
        Path script = DIR.resolve("package").resolve("axe.min.js");
        if (!Files.exists(script)) {
            Files.createDirectories(DIR);
            run(List.of("npm", "pack", "axe-core@" + VERSION, "--pack-destination", DIR.toString()));
            run(List.of("tar", "-xzf", DIR.resolve("axe-core-" + VERSION + ".tgz").toString(), "-C", DIR.toString()));
        }
        source = Files.readString(script, StandardCharsets.UTF_8);
        return source;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("could not fetch axe-core (" + String.join(" ", command) + "): " + out);
        }
    }

    /** The serious and critical WCAG 2 A/AA violations on the page the driver shows now. */
    @SuppressWarnings("unchecked")
    public static List<String> seriousViolations(WebDriver driver) throws IOException, InterruptedException {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript(source());
        driver.manage().timeouts().scriptTimeout(java.time.Duration.ofSeconds(60));
        Object result = js.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                + ".then(function (r) { done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })"
                + ".map(function (v) { return v.id + ': ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', '); })); })"
                + ".catch(function (e) { done(['axe failed: ' + e]); });");
        return (List<String>) result;
    }

    /** For a failure message. */
    public static String describe(Map<String, List<String>> byPage) {
        StringBuilder out = new StringBuilder();
        byPage.forEach((page, v) -> out.append(page).append(": ").append(v).append('\n'));
        return out.toString();
    }
}
