package dev.tocsin.common;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API's contract as an independent linter reads it: Redocly's CLI with its recommended rules must find
 * no error in /q/openapi (the warnings accepted, and why, are in redocly.yaml at the top of the project).
 * Needs Node.js (npx), which fetches the pinned CLI from the npm registry the first time.
 */
@QuarkusTest
class OpenApiLintTest {

    static final String REDOCLY = "@redocly/cli@2.77.0";

    @Test
    void theOpenApiDocumentPassesRedoclysRecommendedRules() throws Exception {
        String document = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        Path file = Path.of("target", "openapi-lint", "openapi.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, document, StandardCharsets.UTF_8);
        Process lint = new ProcessBuilder(List.of("npx", "--yes", REDOCLY, "lint", "--config", "redocly.yaml",
                file.toString())).redirectErrorStream(true).start();
        String output;
        try {
            boolean finished = lint.waitFor(5, TimeUnit.MINUTES);
            output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(finished, "the linter did not finish in 5 minutes: " + output);
        } finally {
            lint.destroyForcibly();
        }
        System.out.println(output);
        assertEquals(0, lint.exitValue(), "Redocly found errors in /q/openapi:\n" + output);
        assertTrue(output.contains("Woohoo") || output.contains("valid"), output);
    }
}
