package dev.tocsin.template;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CLDR cardinal categories for whole numbers in the library's languages. */
class PluralRulesTest {

    @Test
    void eachLanguagePicksItsOwnForm() {
        assertEquals("one", PluralRules.select("en", 1));
        assertEquals("other", PluralRules.select("en", 0));
        assertEquals("other", PluralRules.select("de", 2));
        assertEquals("one", PluralRules.select("fr", 0), "French: zero is singular");
        assertEquals("one", PluralRules.select("pt", 1));
        assertEquals("other", PluralRules.select("pt", 2));
        assertEquals("other", PluralRules.select("ja", 1), "Japanese has one form");
        assertEquals("zero", PluralRules.select("ar", 0));
        assertEquals("one", PluralRules.select("ar", 1));
        assertEquals("two", PluralRules.select("ar", 2), "Arabic dual");
        assertEquals("few", PluralRules.select("ar", 3));
        assertEquals("few", PluralRules.select("ar", 10));
        assertEquals("many", PluralRules.select("ar", 11));
        assertEquals("many", PluralRules.select("ar", 99));
        assertEquals("other", PluralRules.select("ar", 100));
        assertEquals("few", PluralRules.select("ar", 103));
    }
}
