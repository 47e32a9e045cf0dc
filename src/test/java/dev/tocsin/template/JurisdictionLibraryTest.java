package dev.tocsin.template;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jurisdiction library against the law it cites (templates/JURISDICTIONS.md): for each place, the notice
 * its readers get shows every element that applies, by marker in the templates and by rendered text; the check
 * refuses a notice that lacks one, naming it, the place and the language. Also what every notice owes every
 * reader: SMS within budget in every locale, push bodies that name no exposed data, one word for "hashed".
 */
class JurisdictionLibraryTest {

    private static NoticeTemplates library(Optional<String> dir) {
        NoticeTemplates templates = new NoticeTemplates();
        templates.config = () -> dir;
        return templates;
    }

    /** Everything the laws ask for, recorded. */
    static final NoticeFacts COMPLETE = new NoticeFacts(OffsetDateTime.parse("2026-11-03T12:00:00Z"), true, false,
            new NoticeFacts.Contact("Incident desk", "incident@example.com", "1-800-555-0100", "1 Example Way, Springfield"),
            new NoticeFacts.Contact("Dana Officer", "dpo@example.com", "+44 20 7946 0000", "2 Example Street, London"),
            new NoticeFacts.Offer("IdentityGuard Plus", 24, "https://advisory.example.com/enrol", LocalDate.of(2027, 3, 1)),
            12_345L);

    private static NoticeData notice(String locale, String country, String region, NoticeFacts facts, String securityMeasures,
                                     List<String> categories) {
        return new NoticeData(locale, "UTC", "Pat Example", "Backup server breach", "Attackers copied a backup.",
                OffsetDateTime.parse("2026-11-01T23:30:00Z"), OffsetDateTime.parse("2026-11-20T09:00:00Z"), categories,
                "Example Corp", "security@example.com", "TCS-ABCDE-FGHJK", "https://advisory.example.com/a/x", country, region)
                .withFacts(facts, new IncidentText("Backup server breach", "Attackers copied a backup.",
                        List.of("We reset every session."), null, securityMeasures), LocalDate.of(2026, 11, 27));
    }

    private static NoticeData complete(String locale, String country, String region) {
        return notice(locale, country, region, COMPLETE, "Passwords were stored as salted bcrypt hashes.",
                List.of("email", "password_hash", "ssn", "drivers_license"));
    }

    /** Each jurisdiction of the library: where its readers live, and the languages its block is written in. */
    record Place(String key, String country, String region) {
    }

    static final List<Place> PLACES = List.of(new Place("US", "US", null), new Place("US-CA", "US", "CA"),
            new Place("US-MA", "US", "MA"), new Place("US-NY", "US", "NY"), new Place("US-CT", "US", "CT"),
            new Place("US-IL", "US", "IL"), new Place("US-RI", "US", "RI"), new Place("GB", "GB", null),
            new Place("EU", "DE", null), new Place("CA", "CA", null), new Place("CA-QC", "CA", "QC"),
            new Place("BR", "BR", null), new Place("AU", "AU", null), new Place("JP", "JP", null));

    private static List<String> languagesOf(String key) throws Exception {
        List<String> found = new ArrayList<>();
        try (var dirs = Files.list(Path.of("templates", "jurisdictions"))) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                if (Files.exists(dir.resolve(key + ".html"))) {
                    found.add(dir.getFileName().toString());
                }
            }
        }
        return found;
    }

    private static final Pattern COVERS = Pattern.compile("\\{!\\s*covers:\\s*([a-z-]+)\\s*!}");

    @Test
    void everyPlacesNoticeShowsWhatItsLawRequiresInEachOfItsLanguages() throws Exception {
        NoticeTemplates templates = library(Optional.empty());
        for (String kind : List.of("credential-exposure", "personal-data-exposure", "payment-card-exposure")) {
            TemplateSet set = templates.find(kind).orElseThrow();
            for (Place place : PLACES) {
                List<String> languages = place.key().equals("EU") ? List.of("de", "fr", "en") : languagesOf(place.key());
                assertFalse(languages.isEmpty(), place.key());
                assertTrue(languages.contains("en"), place.key() + " has an English block");
                for (String language : languages) {
                    NoticeData data = complete(language, place.country(), place.region());
                    assertEquals(List.of(), templates.checkPlace(set, data), kind + " " + place.key() + " " + language);
                    // every element the law names is marked in what this reader's notice is made of
                    StringBuilder sources = new StringBuilder();
                    for (String part : List.of("email.html", "email.txt")) {
                        sources.append(templates.source(set, set.resolveTag(language), part).orElseThrow());
                    }
                    for (String key : data.jurisdictionKeys()) {
                        for (String ext : List.of(".html", ".txt")) {
                            Path block = Path.of("templates", "jurisdictions", language, key + ext);
                            if (Files.exists(block)) {
                                sources.append(Files.readString(block));
                            }
                        }
                    }
                    java.util.Set<String> marked = new java.util.HashSet<>();
                    COVERS.matcher(sources).results().forEach(m -> marked.add(m.group(1)));
                    for (Jurisdictions.Jurisdiction j : Jurisdictions.of(data)) {
                        for (Jurisdictions.Element element : j.elements()) {
                            assertTrue(marked.contains(element.code()), kind + " " + language + ": " + j.key()
                                    + " element " + element.code() + " is not marked {! covers: " + element.code() + " !}");
                        }
                    }
                }
            }
        }
    }

    private static List<String> problems(NoticeTemplates templates, NoticeData data) {
        return templates.checkPlace(templates.find("credential-exposure").orElseThrow(), data).stream()
                .map(p -> p.locale() + " " + p.element() + " " + p.problem().substring(0, p.problem().indexOf(' '))).toList();
    }

    private static NoticeFacts with(UnaryOperator<NoticeFacts> change) {
        return change.apply(COMPLETE);
    }

    @Test
    void theCheckRefusesANoticeThatLacksWhatThePlacesLawRequiresNamingElementPlaceAndLanguage() {
        NoticeTemplates templates = library(Optional.empty());
        List<String> ssn = List.of("ssn", "email");
        NoticeFacts noOffer = with(f -> new NoticeFacts(f.occurredUntil(), f.occurredEstimated(), f.lawEnforcementDelay(),
                f.contact(), f.dpo(), null, f.affectedCount()));
        NoticeFacts twelveMonths = with(f -> new NoticeFacts(f.occurredUntil(), f.occurredEstimated(), f.lawEnforcementDelay(),
                f.contact(), f.dpo(), new NoticeFacts.Offer("Monitor", 12, f.offer().enrolmentUrl(), null), f.affectedCount()));
        NoticeFacts noDpo = with(f -> new NoticeFacts(f.occurredUntil(), f.occurredEstimated(), f.lawEnforcementDelay(),
                f.contact(), null, f.offer(), f.affectedCount()));
        NoticeFacts noCount = with(f -> new NoticeFacts(f.occurredUntil(), f.occurredEstimated(), f.lawEnforcementDelay(),
                f.contact(), f.dpo(), f.offer(), null));

        // California, Social Security numbers, no offer: refused; without SSNs nothing is owed
        assertEquals(List.of("es offer US-CA", "es offer US-CA", "es offer US-CA"),
                problems(templates, notice("es", "US", "CA", noOffer, null, ssn)));
        assertEquals(List.of(), problems(templates, notice("es", "US", "CA", noOffer, null, List.of("email"))));
        // 12 months is enough for California, not for Massachusetts (18) or Connecticut (24)
        assertEquals(List.of(), problems(templates, notice("en", "US", "CA", twelveMonths, null, ssn)));
        assertEquals(List.of("en offer US-MA"), problems(templates, notice("en", "US", "MA", twelveMonths, null, ssn)));
        assertEquals(List.of("en offer US-CT"), problems(templates, notice("en", "US", "CT", twelveMonths, null, ssn)));
        // GDPR and the UK: the data protection officer; Brazil: the encarregado and the security measures
        assertEquals(List.of("en dpo GB", "en dpo GB", "en dpo GB"),
                problems(templates, notice("en", "GB", null, noDpo, null, ssn)));
        assertEquals(List.of("de dpo EU", "de dpo EU", "de dpo EU"),
                problems(templates, notice("de", "DE", null, noDpo, null, ssn)));
        List<String> brazil = problems(templates, notice("pt-BR", "BR", null, COMPLETE, null, ssn));
        assertTrue(brazil.contains("pt-BR security-measures BR"), brazil.toString());
        // Rhode Island states the number affected; Massachusetts and Illinois must not
        assertTrue(problems(templates, notice("en", "US", "RI", noCount, null, ssn)).contains("en affected-count US-RI"));
        assertEquals(List.of(), problems(templates, notice("en", "US", "IL", COMPLETE, null, ssn)));
        // Japan: the cause, which the incident's description states
        NoticeData noCause = new NoticeData("ja", "UTC", "Pat", "Backup", "", OffsetDateTime.parse("2026-11-01T00:00:00Z"),
                OffsetDateTime.parse("2026-11-02T00:00:00Z"), ssn, "Example Corp", "security@example.com", "TCS-ABCDE-FGHJK",
                "https://advisory.example.com/a/x", "JP", null).withFacts(COMPLETE,
                new IncidentText("Backup", "", List.of("x"), null, null), LocalDate.of(2026, 11, 27));
        assertTrue(problems(templates, noCause).contains("ja cause JP"), problems(templates, noCause).toString());
    }

    @Test
    void aSetsOwnBlockThatStatesWhatTheLawForbidsOrDropsAnElementIsRefused(@TempDir Path dir) throws Exception {
        // a copy of the credential set whose Illinois block states the count and whose California block lost the bureaus
        Path set = dir.resolve("edited");
        copy(Path.of("templates", "credential-exposure"), set);
        copy(Path.of("templates", "jurisdictions"), dir.resolve("jurisdictions"));
        Files.createDirectories(set.resolve("en/jurisdiction"));
        Files.writeString(set.resolve("en/jurisdiction/US-IL.html"), "<p>{affectedCount} people were affected.</p>");
        Files.writeString(set.resolve("en/jurisdiction/US-IL.txt"), "{affectedCount} people were affected.\n");
        Files.writeString(set.resolve("en/jurisdiction/US-CA.html"), "<p>California residents: see above.</p>");
        Files.writeString(set.resolve("en/jurisdiction/US-CA.txt"), "California residents: see above.\n");
        NoticeTemplates templates = library(Optional.of(dir.toString()));
        TemplateSet edited = templates.find("edited").orElseThrow();
        List<String> illinois = templates.checkPlace(edited, complete("en", "US", "IL")).stream()
                .map(p -> p.part() + " " + p.element()).toList();
        assertEquals(List.of("email.html affected-count", "email.txt affected-count"), illinois);
        List<ContentProblem> california = templates.checkPlace(edited, complete("en", "US", "CA"));
        assertEquals(List.of("statute", "statute"), california.stream().map(ContentProblem::element).toList(),
                "the statute statement is gone; the bureaus still come from the US block: " + california);
        assertTrue(california.get(0).problem().startsWith("US-CA (Cal. Civ. Code 1798.82(d)) requires"), california.toString());
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void everySmsFitsItsBudgetInEveryLocaleWithTheLongestRealisticValuesAndSendsNoOneToAPasswordLink() {
        NoticeTemplates templates = library(Optional.empty());
        String company = "Northwind Traders International Holdings"; // 39 characters
        String link = "https://security-notices.northwind-example.com/a/" + "x".repeat(30);
        for (String kind : List.of("credential-exposure", "personal-data-exposure", "payment-card-exposure")) {
            TemplateSet set = templates.find(kind).orElseThrow();
            for (String tag : set.localeTags()) {
                NoticeData data = new NoticeData(tag, "America/Los_Angeles", "Maximilian Alexander Montgomery-Wellington",
                        "A very long incident title that an operator wrote with every detail they could think of".repeat(3),
                        "description", OffsetDateTime.parse("2026-09-30T12:00:00Z"), OffsetDateTime.parse("2026-09-30T12:00:00Z"),
                        NoticeData.CATEGORY_CODES, company, "security@example.com", "TCS-ABCDE-FGHJK", link, "US", "CA");
                String sms = templates.renderSms(set, data);
                SmsSegments.Count count = SmsSegments.count(sms);
                assertTrue(count.segments() <= 3, kind + "/" + tag + ": " + count + " " + sms);
                assertTrue(sms.contains(company) && sms.contains("TCS-ABCDE-FGHJK") && sms.contains(link), kind + "/" + tag + ": " + sms);
                // the link is the advisory, never where a password is changed: nothing of the password follows it
                String afterLink = sms.substring(sms.indexOf(link) + link.length());
                assertFalse(afterLink.startsWith(":") || sms.substring(0, sms.indexOf(link)).stripTrailing().endsWith(":")
                        && sms.substring(0, sms.indexOf(link)).toLowerCase().matches(".*(senha|password|contraseña|mot de passe|passwort|パスワード|كلمة المرور)[^.。]*:$"),
                        kind + "/" + tag + " reads as 'change your password: link': " + sms);
            }
        }
    }

    @Test
    void pushBodiesNameNoExposedDataOnALockScreen() throws Exception {
        NoticeTemplates templates = library(Optional.empty());
        for (String kind : List.of("credential-exposure", "personal-data-exposure", "payment-card-exposure")) {
            TemplateSet set = templates.find(kind).orElseThrow();
            for (String tag : set.localeTags()) {
                NoticeData data = complete(tag, "US", "CA").about(NoticeData.CATEGORY_CODES, "US", "CA");
                RenderedPush push = templates.renderPush(set, data);
                for (Map.Entry<String, String> name : set.locales().get(tag).categoryNames().entrySet()) {
                    if (name.getKey().startsWith("_")) {
                        continue;
                    }
                    assertFalse(push.body().contains(name.getValue()) || push.title().contains(name.getValue()),
                            kind + "/" + tag + " push names '" + name.getValue() + "': " + push);
                }
                assertFalse(push.body().contains("Backup server breach"), "nor the incident's title");
                assertTrue(push.body().contains("TCS-ABCDE-FGHJK"), push.body());
            }
        }
    }

    @Test
    void theApprovalRendersOneNoticePerPlaceWithRulesNotPerRegionAFileNames() {
        assertEquals(List.of("US", "CA"), List.of(NoticeTemplates.ruledPlace("us", "ca").orElseThrow()));
        assertEquals("US", NoticeTemplates.ruledPlace("US", "TX").orElseThrow()[0], "Texas: the federal block only");
        assertEquals(null, NoticeTemplates.ruledPlace("US", "TX").orElseThrow()[1]);
        assertEquals("DE", NoticeTemplates.ruledPlace("DE", "BY").orElseThrow()[0], "GDPR for an EEA country");
        assertEquals(List.of("CA", "QC"), List.of(NoticeTemplates.ruledPlace("CA", "QC").orElseThrow()));
        assertTrue(NoticeTemplates.ruledPlace("ZW", "HA").isEmpty(), "no rules: nothing to render");
        assertTrue(NoticeTemplates.ruledPlace(null, "CA").isEmpty());
    }

    @Test
    void eachPersonsEnrolmentCodeIsTheirsWhenNoticesAreSplicedFromOneShape() {
        NoticeTemplates spliced = library(Optional.empty());
        TemplateSet set = spliced.find("credential-exposure").orElseThrow();
        for (int i = 0; i < 5; i++) {
            NoticeData data = complete("en", "US", "CA").withEnrolmentCode("CODE-" + i + "<&>");
            RenderedEmail email = spliced.renderEmail(set, data);
            RenderedEmail fresh = library(Optional.empty()).renderEmail(set, data);
            assertEquals(fresh.html(), email.html(), "notice " + i);
            assertEquals(fresh.text(), email.text(), "notice " + i);
            assertTrue(Isolates.strip(email.text()).contains("Your enrolment code: CODE-" + i + "<&>."), email.text());
            assertTrue(email.html().contains("CODE-" + i + "&lt;&amp;&gt;"), "escaped in HTML");
        }
        assertEquals(1, spliced.splicedShapes("email"), "one shape, five people");
        String none = spliced.renderEmail(set, complete("en", "US", "CA")).text();
        assertFalse(none.contains("enrolment code"), "no code: no sentence");
    }

    /** templates/README.md's glossary: the word each locale uses for "hashed" (and not the one for "encrypted"). */
    @Test
    void everyLocaleSaysHashedWithItsGlossaryWordAndNeverEncrypted() throws Exception {
        String readme = Files.readString(Path.of("templates", "README.md"));
        Matcher rows = Pattern.compile("(?m)^\\| `([a-zA-Z-]+)` \\| ([^|]+) \\| ([^|]+) \\|").matcher(readme);
        Map<String, String[]> glossary = new java.util.HashMap<>();
        while (rows.find()) {
            glossary.put(rows.group(1), new String[]{rows.group(2).strip(), rows.group(3).strip()});
        }
        for (String kind : List.of("credential-exposure", "personal-data-exposure", "payment-card-exposure")) {
            for (String tag : List.of("en", "es", "pt-BR", "fr", "de", "ja", "ar")) {
                String[] words = glossary.get(tag);
                assertTrue(words != null, "the glossary has a row for " + tag);
                Properties names = new Properties();
                try (var in = Files.newBufferedReader(Path.of("templates", kind, tag, "categories.properties"))) {
                    names.load(in);
                }
                String hashed = names.getProperty("password_hash");
                assertTrue(hashed.contains(words[0]), kind + "/" + tag + ": '" + hashed + "' should say " + words[0]);
                assertFalse(hashed.contains(words[1]), kind + "/" + tag + ": '" + hashed + "' says encrypted (" + words[1] + ")");
            }
        }
    }
}
