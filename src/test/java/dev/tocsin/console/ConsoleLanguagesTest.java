package dev.tocsin.console;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The console's language for a browser: its first choice the console has, else English, whatever it sends. */
class ConsoleLanguagesTest {

    private static final List<Locale> EN_FR_PT = List.of(Locale.ENGLISH, Locale.FRENCH, Locale.forLanguageTag("pt-BR"));

    @Test
    void theBrowsersFirstChoiceAmongTheConsolesLanguages() {
        assertEquals(Locale.FRENCH, ConsoleLanguages.choose("fr-CA,fr;q=0.9,en;q=0.5", EN_FR_PT));
        assertEquals(Locale.FRENCH, ConsoleLanguages.choose("de-DE,de;q=0.9,fr;q=0.8", EN_FR_PT), "German is missing: the next choice");
        assertEquals(Locale.forLanguageTag("pt-BR"), ConsoleLanguages.choose("pt-BR", EN_FR_PT));
        assertEquals(Locale.ENGLISH, ConsoleLanguages.choose("en-US,fr;q=0.1", EN_FR_PT));
    }

    @Test
    void anythingElseReadsEnglish() {
        for (String header : new String[]{null, "", "de", "*", ";;q=abc,", "fr;q=2", "x".repeat(5000), "\u0000", "zz-ZZ-x-y"}) {
            assertEquals(Locale.ENGLISH, ConsoleLanguages.choose(header, EN_FR_PT), String.valueOf(header));
        }
        assertEquals(Locale.ENGLISH, ConsoleLanguages.choose("fr", List.of(Locale.ENGLISH)), "only English ships");
    }
}
