package dev.tocsin.common;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one definition of what text may not hold, as every input uses it. */
class UnprintableTest {

    @Test
    void controlCharactersAndHalfPairsAreFoundWhereverTheyAre() {
        assertEquals(-1, Unprintable.find("Zoë 😀 <b>", false, false), "letters, an emoji (a whole pair), markup");
        assertEquals(1, Unprintable.find("a\u0000b", true, true));
        assertEquals(1, Unprintable.find("a\u0085b", true, true), "C1 controls too (NEL)");
        assertEquals(1, Unprintable.find("a\u007Fb", true, true));
        assertEquals(1, Unprintable.find("a\ud800b", true, true), "a high half alone");
        assertEquals(1, Unprintable.find("a\udc00b", true, true), "a low half alone");
        assertEquals(1, Unprintable.find("a\ud800", true, true), "a high half at the end");
        assertEquals("the control character U+0000", Unprintable.describe("\u0000", 0));
        assertEquals("half of a UTF-16 surrogate pair", Unprintable.describe("\ud800", 0));
    }

    @Test
    void tabsAndLineBreaksOnlyWhereAllowed() {
        assertEquals(-1, Unprintable.find("a\tb\r\nc", true, true));
        assertEquals(1, Unprintable.find("a\tb", false, true));
        assertEquals(3, Unprintable.find("a\tb\nc", true, false));
    }

    @Test
    void replacedKeepsTextAndTabsAndMarksTheRest() {
        assertEquals("same 😀", Unprintable.replaced("same 😀"));
        assertEquals("a\t\uFFFDb\uFFFD\uFFFDc", Unprintable.replaced("a\t\u0000b\n\ud800c"));
    }
}
