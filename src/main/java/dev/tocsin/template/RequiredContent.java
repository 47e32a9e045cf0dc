package dev.tocsin.template;

import dev.tocsin.common.Channel;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a breach notice must contain before a campaign may be approved, checked on a template set (run by
 * approve through {@link NoticeTemplates#checkRequiredContent}).
 */
final class RequiredContent {

    private RequiredContent() {
    }

    /**
     * What a breach notice must say (GDPR Art. 34, US state laws): each is marked in email.html and email.txt
     * by a comment on the section that covers it, {! covers: element !}, so translators keep them in place.
     */
    public static final List<String> ELEMENTS = List.of("what-happened", "data-involved", "consequences",
            "company-actions", "recipient-actions", "contact", "reference");

    private static final Pattern COVERS = Pattern.compile("\\{!\\s*covers:\\s*([a-z-]+)\\s*!}");

    /**
     * The required-content check of one template set, locale by locale: every required element is marked in
     * both email parts; rendered with {@code sample} data, both parts show the exposed data, the contact point,
     * the advisory link and the verification reference; when SMS is among the channels, the SMS shows the
     * reference and the link within {@code smsBudget} segments (rendered with every data category, the
     * longest it can be).
     */
    static List<ContentProblem> check(NoticeTemplates templates, TemplateSet set, List<Channel> channels, int smsBudget,
                                      NoticeData sample, List<String> linkDomains) {
        List<ContentProblem> problems = new java.util.ArrayList<>();
        for (String tag : set.localeTags()) {
            TemplateSet.LocaleTemplates t = set.locales().get(tag);
            for (String part : List.of("email.html", "email.txt")) {
                String source = templates.source(set, tag, part).orElse("");
                java.util.Set<String> covered = new java.util.HashSet<>();
                COVERS.matcher(source).results().forEach(m -> covered.add(m.group(1)));
                for (String element : ELEMENTS) {
                    if (!covered.contains(element)) {
                        problems.add(new ContentProblem(tag, part, element, "no section is marked {! covers: " + element + " !}"));
                    }
                }
            }
            NoticeData data = sample.inLocale(tag);
            if (data.companyActions().isEmpty()) {
                problems.add(new ContentProblem(tag, "incident", "company-actions", "the incident records nothing the company"
                        + " did, so 'What We Are Doing' would be empty: record facts.companyActions (PUT /api/incidents/{id}/facts,"
                        + " and per language with the translations)"));
            }
            RenderedEmail email;
            try {
                email = templates.renderEmail(set, data);
            } catch (RuntimeException e) {
                problems.add(new ContentProblem(tag, "email", "rendering", e.getMessage()));
                continue;
            }
            List<String> names = NoticeTemplates.localizedCategories(t, data.categories());
            for (var part : Map.of("email.html", email.html(), "email.txt", email.text()).entrySet()) {
                String text = part.getKey().endsWith(".html") ? part.getValue().replace("&amp;", "&") : part.getValue();
                requireShown(problems, tag, part.getKey(), "reference", text, data.reference());
                requireShown(problems, tag, part.getKey(), "contact", text, data.companyContact());
                requireShown(problems, tag, part.getKey(), "advisory link", text, data.advisoryUrl());
                requireShown(problems, tag, part.getKey(), "data-involved", text, names.get(0));
                linksStayHome(problems, tag, part.getKey(), part.getValue(), data.advisoryUrl(), linkDomains);
            }
            if (channels.contains(Channel.SMS)) {
                if (t.sms() == null) {
                    problems.add(new ContentProblem(tag, "sms.txt", "sms", "missing: the campaign sends SMS"));
                    continue;
                }
                String sms;
                try {
                    sms = templates.renderSms(set, data);
                } catch (RuntimeException e) {
                    problems.add(new ContentProblem(tag, "sms.txt", "rendering", e.getMessage()));
                    continue;
                }
                requireShown(problems, tag, "sms.txt", "reference", sms, data.reference());
                requireShown(problems, tag, "sms.txt", "advisory link", sms, data.advisoryUrl());
                linksStayHome(problems, tag, "sms.txt", sms, data.advisoryUrl(), List.of());
                SmsSegments.Count count = SmsSegments.count(sms);
                if (count.segments() > smsBudget) {
                    problems.add(new ContentProblem(tag, "sms.txt", "segments", count.segments() + " segments ("
                            + count.encoding() + ", " + count.units() + (count.encoding().equals(SmsSegments.GSM_7)
                            ? " septets" : " UTF-16 units") + ") over the campaign's budget of " + smsBudget));
                }
            }
        }
        return problems;
    }

    private static final Pattern LINK = Pattern.compile("(?i)\\b(?:https?://|www\\.)[^\\s\"'<>]+");

    /**
     * A breach notice links only to the company's advisory domain: a link elsewhere is what phishing looks
     * like, and recipients are told to trust nothing else.
     */
    private static void linksStayHome(List<ContentProblem> problems, String tag, String part, String text, String advisoryUrl,
                                      List<String> linkDomains) {
        java.net.URI advisory = java.net.URI.create(advisoryUrl);
        String home = advisory.getScheme() + "://" + advisory.getRawAuthority() + "/";
        // https on the advisory's own host (another port or path) is as much the company's as the advisory
        List<String> hosts = new java.util.ArrayList<>(linkDomains);
        if (advisory.getHost() != null) {
            hosts.add(advisory.getHost().toLowerCase(Locale.ROOT));
        }
        LINK.matcher(text).results().map(java.util.regex.MatchResult::group)
                .filter(link -> !(link + "/").toLowerCase(Locale.ROOT).startsWith(home.toLowerCase(Locale.ROOT)))
                .filter(link -> !onAllowedDomain(link, hosts))
                .distinct()
                .forEach(link -> problems.add(new ContentProblem(tag, part, "links", "links to " + link
                        + ", outside the advisory domain " + home)));
    }

    /** An https link on one of the configured partner domains (an offer's enrolment site), subdomains included. */
    private static boolean onAllowedDomain(String link, List<String> linkDomains) {
        if (linkDomains.isEmpty() || !link.regionMatches(true, 0, "https://", 0, 8)) {
            return false;
        }
        try {
            String host = java.net.URI.create(link).getHost();
            return host != null && linkDomains.stream().anyMatch(d -> host.equalsIgnoreCase(d)
                    || host.toLowerCase(Locale.ROOT).endsWith("." + d));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void requireShown(List<ContentProblem> problems, String tag, String part, String element, String text,
                                     String expected) {
        if (expected != null && !expected.isEmpty() && !text.contains(expected)) {
            problems.add(new ContentProblem(tag, part, element, "the rendered notice does not show it ('" + expected + "')"));
        }
    }
}
