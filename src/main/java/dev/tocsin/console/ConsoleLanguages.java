package dev.tocsin.console;

import org.eclipse.microprofile.config.ConfigProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The languages the console is written in: the build's quarkus.locales (English unless more are listed), each with
 * its messages/msg_{tag}.properties. A browser's Accept-Language picks among them; anything else reads English.
 */
final class ConsoleLanguages {

    static final Locale ENGLISH = Locale.ENGLISH;
    private static volatile List<Locale> available;

    private ConsoleLanguages() {
    }

    static List<Locale> available() {
        List<Locale> known = available;
        if (known == null) {
            List<Locale> found = new ArrayList<>();
            ConfigProvider.getConfig().getOptionalValues("quarkus.locales", String.class).orElse(List.of("en"))
                    .forEach(tag -> found.add(Locale.forLanguageTag(tag.trim().replace('_', '-'))));
            if (found.stream().noneMatch(l -> l.getLanguage().equals("en"))) {
                found.add(ENGLISH);
            }
            known = List.copyOf(found);
            available = known;
        }
        return known;
    }

    /** The best of the console's languages for an Accept-Language header (which anyone may send: bounded, never fails). */
    static Locale choose(String acceptLanguage) {
        return choose(acceptLanguage, available());
    }

    static Locale choose(String acceptLanguage, List<Locale> available) {
        if (acceptLanguage == null || acceptLanguage.isBlank() || acceptLanguage.length() > 400) {
            return ENGLISH;
        }
        try {
            Locale best = Locale.lookup(Locale.LanguageRange.parse(acceptLanguage), available);
            return best == null ? ENGLISH : best;
        } catch (IllegalArgumentException malformed) {
            return ENGLISH;
        }
    }
}
