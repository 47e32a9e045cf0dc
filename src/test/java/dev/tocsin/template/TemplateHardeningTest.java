package dev.tocsin.template;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile template uploads (issue 12, items 1 and 2): each is refused at upload with the construct and its
 * line, quickly and within a small heap, and data is never run as template code.
 */
class TemplateHardeningTest {

    private final NoticeTemplates templates = library();

    private static NoticeTemplates library() {
        NoticeTemplates t = new NoticeTemplates();
        t.config = Optional::empty;
        return t;
    }

    private List<NoticeTemplates.TemplateError> upload(String part, String source) {
        return templates.checkUpload("en", part, source);
    }

    private void refused(String source, String expected, int line) {
        List<NoticeTemplates.TemplateError> errors = upload("sms.txt", source);
        assertFalse(errors.isEmpty(), "refused: " + abbreviate(source));
        assertTrue(errors.get(0).message().contains(expected), errors.get(0).message());
        if (line > 0) {
            assertEquals(line, errors.get(0).line(), errors.get(0).toString());
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void hostileConstructsAreRefusedWithTheirLine() {
        refused("{#for i in 1000000000}{/for}ok", "not over a number range", 1);
        refused("Hi\n{#each 99999999999L}x{/each}", "not over a number range", 2);
        refused("Hi {#eval name /}", "{#eval}", 1);
        refused("a\nb\n{#include secrets /}", "{#include}", 3);
        refused("{#insert body}x{/insert}", "{#insert}", 1);
        refused("{#fragment id=x}x{/fragment}", "{#fragment}", 1);
        refused("{#myTag /}", "not a section notices may use", 1);
        refused("{#if true}".repeat(5_000) + "x" + "{/if}".repeat(5_000), "nested more than", 1);
        refused("{#let a=1 /}".repeat(1_001), "more than 1000 sections", 1);
        // numbers made by the template or read from the data are refused when the loop meets them
        refused("{#for i in categories.size}x{/for}", "not over a number", 1);
        refused("{#for i in categories.size.plus(1000000000)}x{/for}", "not over a number", 1);
        // loops over the notice's lists, nested until the product is huge: the budget stops them
        // (on a busy machine the 2 s clock may run out before the step count: either budget refuses it)
        String nested = "{#for a in categories}".repeat(18) + "x" + "{/for}".repeat(18);
        List<NoticeTemplates.TemplateError> errors = upload("sms.txt", nested);
        assertFalse(errors.isEmpty(), "refused: nested loops");
        assertTrue(errors.get(0).message().contains("more than 200000 steps")
                || errors.get(0).message().contains("took longer than"), errors.get(0).message());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void outputIsBoundedEvenWithoutLoopsOfNumbers() {
        // A body of 90,000 characters repeated over a list (32 times with the sample's two categories): stopped by the output or work budget, not the heap
        String body = "x".repeat(90_000);
        List<NoticeTemplates.TemplateError> errors = upload("sms.txt",
                "{#for a in categories}".repeat(5) + body + "{/for}".repeat(5));
        assertFalse(errors.isEmpty());
        assertTrue(errors.get(0).message().contains("longer than") || errors.get(0).message().contains("steps"),
                errors.get(0).message());
    }

    @Test
    void ordinaryTemplatesStillPass() {
        assertEquals(List.of(), upload("sms.txt", "{company}: {#for c in categories}{c}{#if c_hasNext}, {/if}{/for}"
                + " {#if name}Hi {name}{#else}Hello{/if} {reference} {advisoryUrl}"));
        assertEquals(List.of(), upload("email.txt", "{#let who=name}{who}{/let} {#each categories}{it}{/each}"
                + " {! a comment with {#eval} in it !} {|raw {#eval x} text|}"));
    }

    @Test
    void dataIsNeverRunAsTemplateCode() {
        TemplateSet set = templates.find("credential-exposure").orElseThrow();
        String hostile = "{#for i in 3}INJ{/for}{#eval 'x'/}{company}";
        NoticeData data = new NoticeData("en", "UTC", hostile, hostile, hostile,
                OffsetDateTime.parse("2026-11-01T10:00:00Z"), OffsetDateTime.parse("2026-11-02T10:00:00Z"),
                List.of("password"), "Example Corp", "security@example.com", "TCS-ABCDE-FGHJK",
                "https://advisory.example.com/a/x", null, null);
        RenderedEmail email = templates.renderEmail(set, data);
        assertTrue(email.text().contains(hostile), "the name appears as written");
        assertFalse(email.text().contains("INJINJ"));
        // and an uploaded {#eval} of that name never gets as far as rendering
        refused("Hi {#eval name /}", "{#eval}", 1);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void seededFuzzOfTemplateSourcesNeverEscapesTheBudget() {
        String[] pieces = {"{", "}", "{#for a in categories}", "{/for}", "{#if name}", "{#else}", "{/if}", "{/}",
                "{#each categories}", "{/each}", "{name}", "{it}", "{a}", "{#let x=name}", "{/let}", "{#eval name/}",
                "{#for i in 99999}", "{!", "!}", "{|", "|}", "\\", "\n", "x", "\u0000", "{name.length}",
                "{categories.size}", "{#when name}{#is 'a'}A{/when}", "{#switch}", "{#with categories}", "{/with}",
                "{#include x/}", "{#set y=1}", "{/set}", "\"", "'", "{#for", " in ", "categories}", "😀"};
        Random random = new Random(12);
        for (int run = 0; run < 2_000; run++) {
            StringBuilder source = new StringBuilder();
            int count = 1 + random.nextInt(40);
            for (int k = 0; k < count; k++) {
                source.append(pieces[random.nextInt(pieces.length)]);
            }
            // Either accepted or refused with a reason: never an exception out of the check
            List<NoticeTemplates.TemplateError> errors = upload(random.nextBoolean() ? "email.html" : "sms.txt",
                    source.toString());
            errors.forEach(e -> assertTrue(e.message() != null && !e.message().isBlank(), source::toString));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
