package dev.tocsin.template;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SmsSegmentsTest {

    @Test
    void plainGsm7FitsOneSegmentUpTo160Septets() {
        assertEquals(new SmsSegments.Count("GSM-7", 160, 1), SmsSegments.count("a".repeat(160)));
        assertEquals(new SmsSegments.Count("GSM-7", 161, 2), SmsSegments.count("a".repeat(161)));
        assertEquals(new SmsSegments.Count("GSM-7", 306, 2), SmsSegments.count("a".repeat(306)));
        assertEquals(new SmsSegments.Count("GSM-7", 307, 3), SmsSegments.count("a".repeat(307)));
        assertEquals("GSM-7", SmsSegments.count("Ça va à Noé? ¿Qué? Ñandu Ü ß £5 @home").encoding());
        assertEquals("UCS-2", SmsSegments.count("Olá, você").encoding(), "á and ê are not in GSM 03.38");
    }

    @Test
    void extendedCharactersTakeTwoSeptetsAndAreNeverSplit() {
        // € and [ are in GSM 03.38's extension table: escape + character
        assertEquals(new SmsSegments.Count("GSM-7", 160, 1), SmsSegments.count("€".repeat(80)));
        assertEquals(new SmsSegments.Count("GSM-7", 162, 2), SmsSegments.count("[" + "a".repeat(160)));
        // 152 plain septets then €: the pair does not fit in the first segment's 153, so it opens the second
        SmsSegments.Count c = SmsSegments.count("a".repeat(152) + "€" + "a".repeat(10));
        assertEquals(164, c.units());
        assertEquals(2, c.segments());
        assertEquals(3, SmsSegments.count("a".repeat(152) + "€".repeat(77)).segments());
    }

    @Test
    void anythingOutsideGsm7IsUcs2With70And67Units() {
        assertEquals(new SmsSegments.Count("UCS-2", 70, 1), SmsSegments.count("ж".repeat(70)));
        assertEquals(new SmsSegments.Count("UCS-2", 71, 2), SmsSegments.count("ж".repeat(71)));
        assertEquals(new SmsSegments.Count("UCS-2", 134, 2), SmsSegments.count("ж".repeat(134)));
        // one Japanese or Arabic character makes the whole text UCS-2
        assertEquals("UCS-2", SmsSegments.count("Your code 1234 通知").encoding());
        assertEquals("UCS-2", SmsSegments.count("تنبيه أمني").encoding());
        // an emoji is a surrogate pair: two units, never split across segments
        SmsSegments.Count emoji = SmsSegments.count("a".repeat(66) + "🔒" + "a".repeat(10));
        assertEquals(78, emoji.units());
        assertEquals(2, emoji.segments());
    }
}
