package dev.tocsin.common;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The README's configuration table tells the truth: every TOCSIN_* variable it names is read by the
 * configuration (as ${TOCSIN_...} or by Quarkus's environment mapping of a key), and every TOCSIN_* variable
 * the configuration reads is in the README.
 */
class ConfigDocumentationTest {

    private static final Pattern README_VARIABLE = Pattern.compile("`(TOCSIN_[A-Z0-9_]+)`((?:\\s*/\\s*`_[A-Z0-9_]+`)*)");
    private static final Pattern SUFFIX = Pattern.compile("`(_[A-Z0-9_]+)`");
    private static final Pattern CONFIG_VARIABLE = Pattern.compile("\\$\\{(TOCSIN_[A-Z0-9_]+)");
    private static final Pattern KEY = Pattern.compile("(?m)^(?:%[\\w,]+\\.)?(tocsin\\.[\\w.-]+)=");

    @Test
    void theReadmeNamesExactlyTheVariablesTheConfigurationReads() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String config = Files.readString(Path.of("src/main/resources/application.properties"));

        Set<String> documented = new TreeSet<>();
        Matcher m = README_VARIABLE.matcher(readme);
        while (m.find()) {
            documented.add(m.group(1));
            // "`TOCSIN_SMTP_HOST` / `_PORT`" names TOCSIN_SMTP_PORT too
            String base = m.group(1).substring(0, m.group(1).lastIndexOf('_'));
            Matcher suffix = SUFFIX.matcher(m.group(2));
            while (suffix.find()) {
                documented.add(base + suffix.group(1));
            }
        }
        Set<String> read = new TreeSet<>();
        CONFIG_VARIABLE.matcher(config).results().forEach(r -> read.add(r.group(1)));
        Set<String> mapped = new TreeSet<>();
        KEY.matcher(config).results().forEach(r -> mapped.add(r.group(1).toUpperCase().replaceAll("[^A-Z0-9]", "_")));

        Set<String> undocumented = new TreeSet<>(read);
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "read by application.properties but missing from the README's table");

        Set<String> unread = new TreeSet<>(documented);
        unread.removeAll(read);
        unread.removeAll(mapped);
        assertEquals(Set.of(), unread, "in the README but read by no configuration key");
    }
}
