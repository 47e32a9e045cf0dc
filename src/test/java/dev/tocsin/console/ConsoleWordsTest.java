package dev.tocsin.console;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every word a console page shows comes from the message bundle (messages/msg_en.properties), so a translation is
 * one file: a template holds markup, values and {msg:...} keys, never text of its own. Attribute values a machine
 * reads (form values) are allowed; what a person reads (placeholder, title, aria-label, alt) is not.
 */
class ConsoleWordsTest {

    private static final Pattern READ_ATTRIBUTE = Pattern.compile("(?:placeholder|title|aria-label|alt)=\"([^\"]*)\"");

    @Test
    void consoleTemplatesHoldNoWordsOutsideTheMessageBundle() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/templates/console"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".html")).sorted().toList()) {
                String page = Files.readString(file)
                        .replaceAll("(?s)<script.*?</script>|<style.*?</style>|<!--.*?-->|\\{!.*?!}", " ");
                Matcher attributes = READ_ATTRIBUTE.matcher(page);
                while (attributes.find()) {
                    if (words(attributes.group(1))) {
                        found.add(file.getFileName() + ": attribute \"" + attributes.group(1) + "\"");
                    }
                }
                for (String text : page.split("<[^<>]*>")) {
                    if (words(text)) {
                        found.add(file.getFileName() + ": \"" + text.strip() + "\"");
                    }
                }
            }
        }
        assertEquals(List.of(), found, "text written in a console template rather than in messages/msg_en.properties");
    }

    /** Whether text has letters once the Qute expressions and sections ({...}) are taken out. */
    private static boolean words(String text) {
        return text.replaceAll("\\{[^{}]*}", " ").codePoints().anyMatch(Character::isLetter);
    }
}
