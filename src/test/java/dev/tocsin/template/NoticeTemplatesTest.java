package dev.tocsin.template;

import dev.tocsin.common.Channel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rendering with the notice engine: values are escaped in HTML, and templates reach their data and nothing else. */
class NoticeTemplatesTest {

    private static NoticeTemplates library(Optional<String> dir) {
        NoticeTemplates templates = new NoticeTemplates();
        templates.config = () -> dir;
        return templates;
    }

    private static NoticeData data(String name, String locale) {
        return new NoticeData(locale, "Europe/Paris", name, "Backup server breach", "Attackers copied a backup.",
                OffsetDateTime.parse("2026-11-01T23:30:00Z"), OffsetDateTime.parse("2026-11-20T09:00:00Z"),
                List.of("password", "email"), "Example Corp", "security@example.com", "TCS-ABCDE-FGHJK",
                "https://advisory.example.com/a/x", null, null);
    }

    @Test
    void valuesAreEscapedInHtmlAndLeftAsTheyAreInText() {
        NoticeTemplates templates = library(Optional.empty());
        TemplateSet set = templates.find("credential-exposure").orElseThrow();
        RenderedEmail email = templates.renderEmail(set, data("<script>alert(1)</script> & Co", "en"));
        assertTrue(email.html().contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"), email.html());
        assertFalse(email.html().contains("<script>"), "no markup from the data reaches the HTML part");
        assertTrue(email.text().contains("<script>alert(1)</script> & Co"), email.text());
        assertTrue(email.text().contains("TCS-ABCDE-FGHJK"));
        // the date is the recipient's: 23:30 UTC on 1 November is 2 November in Paris
        assertTrue(templates.renderEmail(set, data("Zoé", "fr")).text().contains("2 novembre 2026"));
    }

    @Test
    void aTemplateCannotReachBeyondTheNoticeData(@TempDir Path dir) throws Exception {
        Path en = Files.createDirectories(dir.resolve("evil/en"));
        Files.writeString(dir.resolve("evil/set.properties"), "locales=en\ndefault-locale=en\n");
        Files.writeString(en.resolve("email.html"), "<p>{name}</p>");
        Files.writeString(en.resolve("email.txt"), "{name}");
        for (String escape : List.of("{name.getClass().getName()}", "{name.class.name}", "{inject:noticeCodes}",
                "{cdi:noticeCodes.verificationReference(1)}", "{config:['tocsin.signing-key']}")) {
            Files.writeString(en.resolve("email-subject.txt"), "Subject " + escape);
            NoticeTemplates templates = library(Optional.of(dir.toString()));
            Exception refused = assertThrows(Exception.class, () ->
                    templates.renderEmail(templates.find("evil").orElseThrow(), data("Ann", "en")), escape);
            String why = String.valueOf(refused.getMessage());
            assertTrue(why.contains("not found on the base object") || why.contains("No namespace resolver found"), why);
        }
        Files.writeString(en.resolve("email-subject.txt"), "Hello {name}, since {occurredAt}");
        NoticeTemplates templates = library(Optional.of(dir.toString()));
        // 23:30 UTC is 00:30 the next day in Paris, the recipient's zone
        String subject = templates.renderEmail(templates.find("evil").orElseThrow(), data("Ann", "en")).subject();
        assertTrue(subject.startsWith("Hello Ann, since November 2, 2026"), subject);
        assertTrue(subject.contains("12:30") && subject.endsWith("CET"), subject);
    }

    private static NoticeData sample() {
        return new NoticeData(null, "UTC", "Alex Example", "Backup server breach", "Attackers copied a backup.",
                OffsetDateTime.parse("2026-11-01T23:30:00Z"), OffsetDateTime.parse("2026-11-20T09:00:00Z"),
                List.of("password", "password_hash", "email", "phone", "name", "date_of_birth", "address", "ssn",
                        "payment_card"), "Example Corp", "security@example.com", "TCS-PREVW-00000",
                "https://advisory.example.com/a/preview", null, null)
                .withFacts(NoticeFacts.NONE, new IncidentText("Backup server breach", "Attackers copied a backup.",
                        List.of("We reset every session."), null, null), java.time.LocalDate.of(2026, 11, 27));
    }

    @Test
    void theLibrarysCredentialSetSaysEverythingANoticeMustInEveryLocale() {
        NoticeTemplates templates = library(Optional.empty());
        TemplateSet set = templates.find("credential-exposure").orElseThrow();
        assertEquals(List.of(), templates.checkRequiredContent(set, List.of(Channel.EMAIL, Channel.SMS, Channel.PUSH), 3, sample(), List.of()));
        // the same SMS within one segment is asked too much of
        List<ContentProblem> tight = templates.checkRequiredContent(set, List.of(Channel.SMS), 1, sample(), List.of());
        assertEquals(set.localeTags(), tight.stream().map(ContentProblem::locale).distinct().sorted().toList());
        assertTrue(tight.stream().allMatch(p -> p.part().equals("sms.txt") && p.element().equals("segments")
                && p.problem().contains("over the campaign's budget of 1")), tight.toString());
    }

    @Test
    void aBrokenSetIsReportedLocaleByLocaleAndElementByElement(@TempDir Path dir) throws Exception {
        Path en = Files.createDirectories(dir.resolve("broken/en"));
        Path de = Files.createDirectories(dir.resolve("broken/de"));
        Files.writeString(dir.resolve("broken/set.properties"), "locales=en,de\ndefault-locale=en\n");
        for (Path locale : List.of(en, de)) {
            Files.writeString(locale.resolve("email-subject.txt"), "Notice");
            Files.writeString(locale.resolve("sms.txt"), "{company}: see {advisoryUrl}");
        }
        String complete = "WHAT HAPPENED{! covers: what-happened !} {incidentTitle}\n"
                + "DATA{! covers: data-involved !} {#each categories}{it} {/each}\n"
                + "MEANING{! covers: consequences !} risk\nWE{! covers: company-actions !} fixed\n"
                + "YOU{! covers: recipient-actions !} act\nCONTACT{! covers: contact !} {contact} {advisoryUrl}\n"
                + "GENUINE{! covers: reference !} {reference}\n";
        Files.writeString(en.resolve("email.txt"), complete);
        Files.writeString(en.resolve("email.html"), complete);
        // English: a link that leaves the advisory domain, as a phishing edit would add
        Files.writeString(en.resolve("email.html"), complete + "<a href=\"https://login.example-security.net/reset\">reset</a>");
        // German: no consequences section, and the reference never printed
        String german = complete.replace("MEANING{! covers: consequences !} risk\n", "").replace(" {reference}", "");
        Files.writeString(de.resolve("email.txt"), german);
        Files.writeString(de.resolve("email.html"), complete);
        NoticeTemplates templates = library(Optional.of(dir.toString()));
        List<ContentProblem> problems = templates.checkRequiredContent(templates.find("broken").orElseThrow(),
                List.of(Channel.EMAIL, Channel.SMS), 3, sample(), List.of());
        List<String> where = problems.stream().map(p -> p.locale() + " " + p.part() + " " + p.element()).sorted().toList();
        assertEquals(List.of("de email.txt consequences", "de email.txt reference", "de sms.txt reference",
                "en email.html links", "en sms.txt reference"), where, problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.problem().contains("https://login.example-security.net/reset")));
    }

    @Test
    void everyHtmlNoticeFitsAPhoneNamesFontsForItsScriptAndShowsWhoSentIt() {
        NoticeTemplates templates = library(Optional.empty());
        for (String kind : List.of("credential-exposure", "personal-data-exposure", "payment-card-exposure")) {
            TemplateSet set = templates.find(kind).orElseThrow();
            for (String tag : set.localeTags()) {
                org.jsoup.nodes.Document doc = org.jsoup.Jsoup.parse(templates.renderEmail(set, data("Pat", tag)).html());
                String where = kind + "/" + tag;
                assertEquals("width=device-width, initial-scale=1",
                        doc.selectFirst("meta[name=viewport]").attr("content"), where);
                String fonts = doc.body().attr("style").replaceAll(".*font-family:([^;]*);.*", "$1").strip();
                assertFalse(fonts.startsWith("sans-serif"), where + ": a named font before the generic family: " + fonts);
                if (tag.equals("ja")) {
                    assertTrue(fonts.contains("Noto Sans JP") || fonts.contains("Hiragino"), where + ": " + fonts);
                }
                if (tag.equals("ar")) {
                    assertTrue(fonts.contains("Arabic") || fonts.contains("Tahoma"), where + ": " + fonts);
                }
                assertEquals("Example Corp", Isolates.strip(doc.body().child(0).text()), where + ": the sender first");
            }
        }
    }

    @Test
    void insertedValuesAreIsolatedSoTheirDirectionDoesNotSpillIntoTheSentence() {
        NoticeTemplates templates = library(Optional.empty());
        TemplateSet set = templates.find("credential-exposure").orElseThrow();
        RenderedEmail ar = templates.renderEmail(set, data("Laila", "ar"));
        // the English incident title inside Arabic text: its full stop stays on the Arabic side
        assertTrue(ar.text().contains("\u2068Backup server breach\u2069"), ar.text());
        assertTrue(ar.html().contains("\u2068Backup server breach\u2069"), ar.html());
        assertTrue(ar.html().contains("\u2068Example Corp\u2069"));
        // the link stays a plain URL (also in its href), and the locale a plain attribute
        assertTrue(ar.html().contains("href=\"https://advisory.example.com/a/x\""), ar.html());
        assertFalse(ar.text().contains("\u2068https://"), "a link is never wrapped: mail readers would take the mark into it");
        assertTrue(ar.html().contains("lang=\"ar\""));
        // an SMS: isolated when it is UCS-2 anyway (Arabic), not where the marks would make a GSM-7 text UCS-2
        String arSms = templates.renderSms(set, data("Laila", "ar"));
        assertTrue(arSms.contains("\u2068TCS-ABCDE-FGHJK\u2069"), arSms);
        String enSms = templates.renderSms(set, data("Laila", "en"));
        assertFalse(enSms.contains("\u2068"), enSms);
        assertTrue(SmsSegments.isGsm7(enSms), enSms);
        // subject lines and push texts stay as they are
        assertFalse(ar.subject().contains("\u2068"), ar.subject());
    }

    @Test
    void germanJapaneseAndRightToLeftArabicRenderInTheirOwnScriptAndDateFormat() {
        NoticeTemplates templates = library(Optional.empty());
        TemplateSet set = templates.find("credential-exposure").orElseThrow();
        RenderedEmail ar = templates.renderEmail(set, data("ليلى", "ar"));
        assertTrue(ar.html().contains("<html lang=\"ar\" dir=\"rtl\">"), "Arabic reads right to left");
        assertTrue(ar.html().contains("<body dir=\"rtl\""));
        assertTrue(ar.subject().startsWith("إشعار أمني مهم"), ar.subject());
        assertTrue(ar.text().contains("كلمة المرور"), "the exposed data in Arabic");
        assertTrue(ar.html().contains("<strong dir=\"ltr\">\u2068TCS-ABCDE-FGHJK\u2069</strong>"), "the reference stays left to right");

        RenderedEmail ja = templates.renderEmail(set, data("山田", "ja-JP"));
        assertTrue(ja.subject().contains("セキュリティのお知らせ"), ja.subject());
        assertTrue(ja.text().contains("2026年11月2日"), "Japanese date, in the recipient's time zone: " + ja.text());
        assertTrue(ja.text().contains("・\u2068パスワード\u2069"), ja.text());

        RenderedEmail de = templates.renderEmail(set, data("Gerd", "de-AT"));
        assertTrue(de.subject().startsWith("Wichtiger Sicherheitshinweis"), de.subject());
        assertTrue(de.text().contains("2. November 2026"), de.text());
        assertEquals("de", set.resolveTag("de-AT"));
        assertEquals("pt-BR", set.resolveTag("pt-PT"));
        assertEquals("en", set.resolveTag("nl"));
    }

    private static NoticeData livingIn(String locale, String country, String region) {
        NoticeData d = data("Pat", locale);
        return new NoticeData(d.locale(), d.timezone(), d.recipientName(), d.incidentTitle(), d.incidentDescription(),
                d.occurredAt(), d.discoveredAt(), d.categories(), d.companyName(), d.companyContact(), d.reference(),
                d.advisoryUrl(), country, region);
    }

    @Test
    void californiaAndMassachusettsResidentsGetTheTextTheirStateRequires() {
        NoticeTemplates templates = library(Optional.empty());
        TemplateSet set = templates.find("credential-exposure").orElseThrow();
        RenderedEmail ca = templates.renderEmail(set, livingIn("en", "US", "CA"));
        // the title California requires comes first (before the greeting), as a heading; every notice carries it
        org.jsoup.nodes.Document html = org.jsoup.Jsoup.parse(ca.html());
        assertEquals("Notice of Data Breach", html.selectFirst("h1").text());
        assertTrue(ca.html().indexOf("<h1") < ca.html().indexOf("Dear"), "the title before the greeting");
        assertTrue(ca.text().startsWith("Notice of Data Breach"), ca.text().substring(0, 60));
        // the five headings, in order, with no other heading between them (supplements come after)
        List<String> headings = html.select("h2").eachText();
        List<String> required = List.of("What Happened", "What Information Was Involved", "What We Are Doing",
                "What You Can Do", "For More Information");
        assertEquals(required, headings.subList(0, 5), headings.toString());
        // no text smaller than 10 points anywhere
        html.select("[style]").forEach(e -> {
            java.util.regex.Matcher size = java.util.regex.Pattern.compile("font-size:\\s*(\\d+)px").matcher(e.attr("style"));
            while (size.find()) {
                assertTrue(Integer.parseInt(size.group(1)) >= 14, "font-size " + size.group(1) + "px is under 10pt: " + e);
            }
        });
        assertTrue(html.selectFirst("body").attr("style").contains("font-size: 16px"), "the body sets its size");
        RenderedEmail ma = templates.renderEmail(set, livingIn("en", "us", "ma"));
        assertTrue(ma.text().contains("security freeze") && ma.text().contains("police report"), ma.text());
        assertTrue(ma.text().contains("Placing, lifting and removing a security freeze are all free of charge"), ma.text());
        // Massachusetts forbids stating the nature of the breach: neither the title nor the description
        assertFalse(ma.text().contains("Backup server breach") || ma.text().contains("Attackers copied"), ma.text());
        assertTrue(Isolates.strip(ma.text()).contains("A security incident. It happened on"), ma.text());
        assertTrue(ca.text().contains("Backup server breach"), "other places are told what happened");
        assertFalse(ma.text().contains("California Civil Code"), "one state's block does not reach another's residents");
        RenderedEmail fr = templates.renderEmail(set, livingIn("en", "FR", null));
        assertFalse(fr.text().contains("Equifax") || fr.text().contains("security freeze"),
                "no US credit-bureau advice for a resident of France: " + fr.text());
        // a Spanish-speaking Californian: California's title and headings in Spanish, as this notice words them
        RenderedEmail es = templates.renderEmail(set, livingIn("es", "US", "CA"));
        assertTrue(es.subject().startsWith("Aviso de seguridad"));
        assertEquals("Aviso de violación de datos", org.jsoup.Jsoup.parse(es.html()).selectFirst("h1").text());
        for (String heading : List.of("Qué ocurrió", "Qué información se vio afectada", "Qué estamos haciendo",
                "Qué debe hacer", "Más información")) {
            assertTrue(es.html().contains("<h2>" + heading + "</h2>"), "the notice uses the heading it names: " + heading);
            assertTrue(es.text().replaceAll("\\s+", " ").contains(heading), "the block names the heading: " + heading);
        }
        assertFalse(es.text().contains("What Happened"), "no English headings inside a Spanish notice");
    }

    @Test
    void everyLocaleOfEverySetHasEveryJurisdictionBlockInItsOwnLanguage() {
        NoticeTemplates templates = library(Optional.empty());
        for (String kind : List.of("credential-exposure", "personal-data-exposure", "payment-card-exposure")) {
            TemplateSet set = templates.find(kind).orElseThrow();
            for (String tag : set.localeTags()) {
                for (String place : List.of("US", "US-CA", "US-MA")) {
                    TemplateSet.LocaleTemplates t = set.locales().get(tag);
                    assertTrue(t.blocksHtml().containsKey(place) && t.blocksText().containsKey(place),
                            kind + "/" + tag + " has " + place);
                }
                if (!tag.equals("en")) {
                    RenderedEmail ma = templates.renderEmail(set, livingIn(tag, "US", "MA"));
                    assertFalse(ma.text().contains("Massachusetts law") || ma.text().contains("security freeze on")
                                    || ma.text().contains("Federal Trade Commission explains"),
                            kind + "/" + tag + ": the US and Massachusetts blocks are not the English ones");
                    assertTrue(ma.text().contains("Equifax") && ma.text().contains("1-888-298-0045"), kind + "/" + tag);
                }
            }
        }
    }

    @Test
    void everyNoticeKindOfTheLibraryPassesTheCheckInSevenLocalesAndSaysWhatFitsTheData() {
        NoticeTemplates templates = library(Optional.empty());
        for (String kind : List.of("credential-exposure", "personal-data-exposure", "payment-card-exposure")) {
            TemplateSet set = templates.find(kind).orElseThrow();
            assertEquals(List.of("ar", "de", "en", "es", "fr", "ja", "pt-BR"), set.localeTags(), kind);
            assertEquals(List.of(), templates.checkRequiredContent(set, List.of(Channel.EMAIL, Channel.SMS, Channel.PUSH), 3, sample(), List.of()), kind);
        }
        RenderedEmail card = templates.renderEmail(templates.find("payment-card-exposure").orElseThrow(), data("Ann", "en"));
        assertTrue(card.text().contains("Check your card statements"), card.text());
        assertFalse(card.text().contains("Change your Example Corp password"), "no password advice for a card breach");
        RenderedEmail personal = templates.renderEmail(templates.find("personal-data-exposure").orElseThrow(), data("Zoé", "fr"));
        assertTrue(personal.html().contains("usurpation d'identité"), personal.html());
    }

    private static NoticeData exposedTo(String locale, List<String> categories) {
        NoticeData d = data("Pat", locale);
        return new NoticeData(d.locale(), d.timezone(), d.recipientName(), d.incidentTitle(), d.incidentDescription(),
                d.occurredAt(), d.discoveredAt(), categories, d.companyName(), d.companyContact(), d.reference(),
                d.advisoryUrl(), null, null);
    }

    @Test
    void theCountOfExposedDataTakesEachLanguagesPluralForm() {
        NoticeTemplates templates = library(Optional.empty());
        TemplateSet set = templates.find("credential-exposure").orElseThrow();
        List<String> one = List.of("password");
        List<String> two = List.of("password", "email");
        List<String> three = List.of("password", "email", "phone");
        assertTrue(templates.renderEmail(set, exposedTo("en", one)).text().contains("One type of information about you was exposed:"));
        assertTrue(templates.renderEmail(set, exposedTo("en", two)).text().contains("2 types of information about you were exposed:"));
        assertTrue(templates.renderEmail(set, exposedTo("fr", one)).html().contains("Un type d’information vous concernant a été exposé"));
        assertTrue(templates.renderEmail(set, exposedTo("ar", two)).text().contains("كُشف نوعان من المعلومات عنك"), "Arabic dual");
        assertTrue(templates.renderEmail(set, exposedTo("ar", three)).text().contains("كُشفت 3 أنواع من المعلومات عنك"), "Arabic few");
        assertTrue(templates.renderEmail(set, exposedTo("ja", three)).text().contains("次の3種類の情報"));
    }

    private static NoticeData recipient(String name, String locale, String reference, String country, String region) {
        NoticeData d = data(name, locale);
        return new NoticeData(locale, d.timezone(), name, d.incidentTitle(), d.incidentDescription(), d.occurredAt(),
                d.discoveredAt(), d.categories(), d.companyName(), d.companyContact(), reference,
                "https://advisory.example.com/a/" + reference.toLowerCase() + "?x=1&y=2", country, region);
    }

    /**
     * Repeated shapes are spliced rather than rendered (see NoticeShapes): every recipient must still get, to
     * the character, what a full render of their own data gives, in every channel's text.
     */
    @Test
    void aRecipientsNoticeIsExactlyTheFullRenderOfTheirDataWhenShapesRepeat() {
        NoticeTemplates shared = library(Optional.empty());
        List<String> names = List.of("Ann", "Zoë <O'Brien> & \"Co\"", "", "  Ana   Maria ", "Bob", "مريم",
                "{name} \uE0000\uE001", "x".repeat(300), "y".repeat(1000), "Ann\nMarie");
        int n = 0;
        for (String kind : List.of("credential-exposure", "payment-card-exposure")) {
            for (String locale : List.of("en", "fr", "ar")) {
                for (List<String> place : List.of(List.of("", ""), List.of("US", "CA"), List.of("US", "MA"))) {
                    for (int round = 0; round < 2; round++) {
                        for (String name : names) {
                            NoticeData d = recipient(name, locale, "TCS-" + (10000 + n++), place.get(0), place.get(1));
                            TemplateSet set = shared.find(kind).orElseThrow();
                            NoticeTemplates fresh = library(Optional.empty()); // renders everything in full
                            TemplateSet freshSet = fresh.find(kind).orElseThrow();
                            RenderedEmail full = fresh.renderEmail(freshSet, d);
                            RenderedEmail spliced = shared.renderEmail(set, d);
                            String what = kind + " " + locale + " " + name;
                            assertEquals(List.of(full.subject(), full.html(), full.text()),
                                    List.of(spliced.subject(), spliced.html(), spliced.text()), what);
                            assertSameWireBytes(spliced.html(), spliced.encodedHtml(), what);
                            assertSameWireBytes(spliced.text(), spliced.encodedText(), what);
                            if (round == 1 && name.equals("Ann")) {
                                assertTrue(spliced.encodedHtml().fitsSmtpLines() && spliced.encodedText().fitsSmtpLines(),
                                        "a spliced notice goes as 8-bit from its encoded pieces: " + what);
                            }
                            assertEquals(fresh.renderSms(freshSet, d), shared.renderSms(set, d));
                            assertEquals(fresh.renderPush(freshSet, d), shared.renderPush(set, d));
                        }
                    }
                }
            }
        }
        for (String kind : List.of("email", "sms", "push")) {
            // 2 sets x 3 locales x 3 places, each named and unnamed
            assertEquals(36, shared.splicedShapes(kind), "the library's " + kind + " templates are spliced");
        }
    }

    @Test
    void aTemplateThatDecidesOnTheNameItselfIsRenderedInFullForEveryone(@TempDir Path dir) throws Exception {
        Path en = Files.createDirectories(dir.resolve("custom/en"));
        Files.writeString(dir.resolve("custom/set.properties"), "locales=en\ndefault-locale=en\n");
        Files.writeString(en.resolve("email-subject.txt"), "{#let who=reference}Notice {who}{/let}");
        Files.writeString(en.resolve("email.html"), "<p>{#if name == 'Bob'}Hi Bob, it is you{#else}Hello {name}{/if}</p>");
        Files.writeString(en.resolve("email.txt"), "{#if name is 'Bob'}Hi Bob{#else}Hello {name}{/if} {reference}");
        NoticeTemplates templates = library(Optional.of(dir.toString()));
        TemplateSet set = templates.find("custom").orElseThrow();
        for (String name : List.of("Ann", "Ann", "Ann", "Bob")) {
            RenderedEmail email = templates.renderEmail(set, recipient(name, "en", "TCS-" + name, "", ""));
            assertEquals("Notice TCS-" + name, email.subject());
            assertEquals(name.equals("Bob") ? "<p>Hi Bob, it is you</p>" : "<p>Hello \u2068Ann\u2069</p>", email.html());
            assertEquals((name.equals("Bob") ? "Hi Bob" : "Hello \u2068Ann\u2069") + " \u2068TCS-" + name + "\u2069",
                    email.text());
        }
        assertEquals(0, templates.splicedShapes("email"), "a template that compares or aliases the name is never spliced");
    }

    /**
     * An encoded part that says it fits SMTP lines writes exactly the text's UTF-8 with CRLF line ends (and a
     * final one), and the text really fits: what the MIME factory would otherwise have produced itself.
     */
    private static void assertSameWireBytes(String text, EncodedPart encoded, String what) {
        if (encoded == null || !encoded.fitsSmtpLines()) {
            return;
        }
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int line = 0;
        for (byte b : utf8) {
            assertTrue(b != '\r' && b != 0, what);
            line = b == '\n' ? 0 : line + 1;
            assertTrue(line <= 998, "a line over 998 bytes cannot go as 8-bit: " + what);
        }
        String wire = text.replace("\n", "\r\n") + (text.endsWith("\n") ? "" : "\r\n");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        encoded.writeSmtpLines(out);
        assertEquals(wire, out.toString(java.nio.charset.StandardCharsets.UTF_8), what);
    }
}
