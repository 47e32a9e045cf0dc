package dev.tocsin.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the law of each place in the jurisdiction library requires a notice to its residents to contain, and
 * when (templates/JURISDICTIONS.md says the same for people). The approval check renders the notice each
 * place's readers would get, with the data actually exposed there, and refuses it when an element that
 * applies is not shown, a fact the law needs is not recorded, or something the law forbids is stated.
 */
final class Jurisdictions {

    private Jurisdictions() {
    }

    /** Something the notice must show: the texts any one of which proves it is there (all must appear). */
    record Element(String code, String what, Predicate<NoticeData> applies, Function<Map<String, Object>, List<String>> shown) {
    }

    /** A fact the incident must record for the element to be stated at all; null from missing() when it is. */
    record Fact(String code, Predicate<NoticeData> applies, Function<NoticeData, String> missing) {
    }

    /** What a notice to the place must not state. */
    record Forbidden(String code, String what, Function<Map<String, Object>, String> value) {
    }

    record Jurisdiction(String key, String statute, List<Element> elements, List<Fact> facts, List<Forbidden> forbidden) {
    }

    private static final Predicate<NoticeData> ALWAYS = d -> true;
    private static final Predicate<NoticeData> SSN = d -> d.categories().contains("ssn");
    private static final Predicate<NoticeData> SSN_OR_DL = d -> d.categories().contains("ssn")
            || d.categories().contains("drivers_license");

    private static Function<Map<String, Object>, List<String>> texts(String... texts) {
        return m -> List.of(texts);
    }

    private static Function<Map<String, Object>, List<String>> value(String name) {
        return m -> List.of(String.valueOf(m.get(name)));
    }

    private static final Element CREDIT_BUREAUS = new Element("credit-bureaus",
            "the toll-free numbers and addresses of Equifax, Experian and TransUnion", ALWAYS,
            texts("1-888-298-0045", "30348", "1-888-397-3742", "75013", "1-800-916-8800", "19016"));
    private static final Element FTC = new Element("ftc", "the Federal Trade Commission's address, number and site",
            ALWAYS, texts("1-877-438-4338", "identitytheft.gov"));

    private static Fact offer(int months) {
        return new Fact("offer", SSN, d -> {
            NoticeFacts.Offer o = d.facts().offer();
            if (o == null) {
                return "Social Security numbers were exposed: the law requires an offer of at least " + months
                        + " months of identity-theft protection (record facts.offer on the incident)";
            }
            return o.months() < months ? "the offer runs " + o.months() + " months; the law requires at least " + months
                    + " when Social Security numbers were exposed" : null;
        });
    }

    private static Element offerShown(Predicate<NoticeData> when) {
        return new Element("offer", "the offered service, its length and how to enrol", when,
                m -> "".equals(m.get("offerService")) ? List.of() : List.of(String.valueOf(m.get("offerService")),
                        String.valueOf(m.get("offerUrl"))));
    }

    private static final Fact DPO = new Fact("dpo", ALWAYS, d -> {
        NoticeFacts.Contact dpo = d.facts().dpo();
        return dpo == null || (dpo.email() == null && dpo.phone() == null && dpo.postalAddress() == null)
                ? "the data protection officer's name and contact details are required (record facts.dpo on the incident)"
                : null;
    });

    private static final Element DPO_SHOWN = new Element("dpo", "the data protection officer's contact details", ALWAYS,
            m -> List.of(String.valueOf(m.get("dpoEmail")), String.valueOf(m.get("dpoPhone"))).stream()
                    .filter(s -> !s.isEmpty()).limit(1).toList());

    static final List<Jurisdiction> ALL = List.of(
            new Jurisdiction("US", "15 U.S.C. 1681c-1 (fraud alerts), 1681c-1(i) (free security freezes); FTC guidance",
                    List.of(CREDIT_BUREAUS, FTC), List.of(), List.of()),
            new Jurisdiction("US-CA", "Cal. Civ. Code 1798.82(d)", List.of(
                    new Element("statute", "the statement under section 1798.82", ALWAYS, texts("1798.82")),
                    new Element("notice-date", "the date of the notice", ALWAYS, value("noticeOn")),
                    new Element("breach-date", "the date or estimated date range of the breach", ALWAYS, value("occurredOn")),
                    new Element("law-enforcement-delay", "whether a law-enforcement investigation delayed the notice",
                            ALWAYS, null),
                    new Element("credit-bureaus", "the credit bureaus' toll-free numbers and addresses", SSN_OR_DL,
                            CREDIT_BUREAUS.shown()),
                    offerShown(SSN)), List.of(offer(12)), List.of()),
            new Jurisdiction("US-MA", "Mass. Gen. Laws c. 93H s. 3, s. 3A; c. 93I", List.of(
                    new Element("police-report", "the right to obtain a police report", ALWAYS, null),
                    new Element("security-freeze-free", "that placing, lifting and removing a freeze are free", ALWAYS,
                            texts("Equifax", "Experian", "TransUnion")),
                    offerShown(SSN)), List.of(offer(18)), List.of(
                    new Forbidden("affected-count", "the number of residents affected", m -> String.valueOf(m.get("affectedCount"))))),
            new Jurisdiction("US-NY", "N.Y. Gen. Bus. Law 899-aa(7)", List.of(
                    new Element("ny-agencies", "the New York Attorney General's and Department of State's numbers and sites",
                            ALWAYS, texts("1-800-771-7755", "1-800-697-1220"))), List.of(), List.of()),
            new Jurisdiction("US-CT", "Conn. Gen. Stat. 36a-701b(b)", List.of(offerShown(SSN)), List.of(offer(24)), List.of()),
            new Jurisdiction("US-IL", "815 ILCS 530/10(a)", List.of(CREDIT_BUREAUS, FTC,
                    new Element("fraud-alerts", "that fraud alerts and security freezes can be asked about", ALWAYS, null)),
                    List.of(), List.of(
                    new Forbidden("affected-count", "the number of Illinois residents affected",
                            m -> String.valueOf(m.get("affectedCount"))))),
            new Jurisdiction("US-RI", "R.I. Gen. Laws 11-49.3-4(d)", List.of(
                    new Element("affected-count", "the number of people affected", ALWAYS, value("affectedCount")),
                    new Element("attorney-general", "the Rhode Island Attorney General's contact", ALWAYS,
                            texts("(401) 274-4400")), CREDIT_BUREAUS,
                    new Element("police-report", "the right to file and obtain a police report", ALWAYS, null)),
                    List.of(new Fact("affected-count", ALWAYS, d -> d.facts().affectedCount() == null
                            ? "Rhode Island notices state how many people were affected (record facts.affectedCount)" : null)),
                    List.of()),
            new Jurisdiction("GB", "UK GDPR Art. 34(2), 33(3)(b)", List.of(
                    new Element("ico", "the right to complain to the ICO", ALWAYS, texts("ico.org.uk", "0303 123 1113")),
                    new Element("action-fraud", "Action Fraud's contact", ALWAYS, texts("0300 123 2040")),
                    new Element("uk-credit-agencies", "the UK credit reference agencies", ALWAYS,
                            texts("experian.co.uk", "equifax.co.uk", "transunion.co.uk")), DPO_SHOWN),
                    List.of(DPO), List.of()),
            new Jurisdiction("EU", "GDPR Art. 34(2), 33(3)(b)", List.of(DPO_SHOWN), List.of(DPO), List.of()),
            new Jurisdiction("CA", "PIPEDA s. 10.1; Breach of Security Safeguards Regulations s. 3", List.of(
                    new Element("privacy-commissioner", "the right to complain to the Privacy Commissioner of Canada",
                            ALWAYS, texts("priv.gc.ca", "1-800-282-1376"))), List.of(), List.of()),
            new Jurisdiction("CA-QC", "Quebec Act respecting the protection of personal information in the private sector, s. 3.5",
                    List.of(new Element("cai", "the Commission d'accès à l'information's contact", ALWAYS,
                            texts("cai.gouv.qc.ca", "1-888-528-7741"))), List.of(), List.of()),
            new Jurisdiction("BR", "LGPD (Lei 13.709/2018) Art. 48 par. 1, Art. 41", List.of(
                    new Element("encarregado", "the encarregado's contact and the ANPD", ALWAYS, texts("gov.br/anpd")), DPO_SHOWN,
                    new Element("security-measures", "the technical and security measures that protected the data", ALWAYS,
                            value("securityMeasures"))),
                    List.of(DPO, new Fact("security-measures", ALWAYS, d -> d.securityMeasures() == null
                            || d.securityMeasures().isBlank() ? "LGPD notices state the security measures that protected the"
                            + " data (facts.securityMeasures, in this language too)" : null)), List.of()),
            new Jurisdiction("AU", "Privacy Act 1988 (Cth) s. 26WL", List.of(
                    new Element("oaic", "the OAIC's contact", ALWAYS, texts("oaic.gov.au", "1300 363 992")),
                    new Element("idcare", "IDCARE's contact", ALWAYS, texts("idcare.org", "1800 595 160"))), List.of(), List.of()),
            new Jurisdiction("JP", "APPI (Act on the Protection of Personal Information) Art. 26(2)", List.of(
                    new Element("ppc", "the Personal Information Protection Commission", ALWAYS, texts("ppc.go.jp")),
                    new Element("cause", "the cause of the incident", ALWAYS, null)),
                    List.of(new Fact("cause", ALWAYS, d -> d.incidentDescription() == null || d.incidentDescription().isBlank()
                            ? "APPI notices state the cause: the incident needs a description in this language" : null)),
                    List.of()));

    /** The EU and EEA countries: GDPR Art. 34 applies to their residents. */
    private static final Set<String> EEA = Set.of("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR",
            "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO");

    static Optional<String[]> ruledPlace(String country, String region) {
        if (country == null || country.isBlank()) {
            return Optional.empty();
        }
        String c = country.toUpperCase(java.util.Locale.ROOT);
        if (region != null && !region.isBlank()) {
            String r = region.toUpperCase(java.util.Locale.ROOT);
            if (ALL.stream().anyMatch(j -> j.key().equals(c + "-" + r))) {
                return Optional.of(new String[]{c, r});
            }
        }
        return ALL.stream().anyMatch(j -> j.key().equals(c)) || EEA.contains(c)
                ? Optional.of(new String[]{c, null}) : Optional.empty();
    }

    /** The jurisdictions a reader in a place falls under, the country's first. */
    static List<Jurisdiction> of(NoticeData data) {
        List<String> keys = new ArrayList<>(data.jurisdictionKeys());
        java.util.Collections.reverse(keys);
        if (!keys.isEmpty() && EEA.contains(keys.get(0))) {
            keys.add("EU");
        }
        return ALL.stream().filter(j -> keys.contains(j.key())).toList();
    }

    /** Every problem of one rendered notice for its reader's place: elements not shown, facts missing, forbidden things stated. */
    static List<ContentProblem> check(NoticeData data, Map<String, Object> model, String locale, Map<String, String> rendered) {
        List<ContentProblem> problems = new ArrayList<>();
        for (Jurisdiction j : of(data)) {
            for (Fact fact : j.facts()) {
                String missing = fact.applies().test(data) ? fact.missing().apply(data) : null;
                if (missing != null) {
                    problems.add(new ContentProblem(locale, "incident", fact.code(), j.key() + " (" + j.statute() + "): " + missing));
                }
            }
            for (Element element : j.elements()) {
                if (!element.applies().test(data)) {
                    continue;
                }
                if (element.shown() == null) {
                    continue; // marked in the template, worded per language: the library's tests check it
                }
                List<String> expected = element.shown().apply(model);
                rendered.forEach((part, text) -> {
                    List<String> absent = expected.stream().filter(e -> e.isEmpty() || !text.contains(e)).toList();
                    if (expected.isEmpty() || !absent.isEmpty()) {
                        problems.add(new ContentProblem(locale, part, element.code(), j.key() + " (" + j.statute()
                                + ") requires " + element.what() + (expected.isEmpty() ? "" : "; not shown: " + absent)));
                    }
                });
            }
            for (Forbidden f : j.forbidden()) {
                String value = f.value().apply(model);
                rendered.forEach((part, text) -> {
                    if (value != null && !value.isEmpty() && text.contains(value)) {
                        problems.add(new ContentProblem(locale, part, f.code(), j.key() + " (" + j.statute()
                                + ") forbids stating " + f.what() + " ('" + value + "')"));
                    }
                });
            }
        }
        return problems;
    }
}
