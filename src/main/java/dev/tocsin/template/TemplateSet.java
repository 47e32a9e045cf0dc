package dev.tocsin.template;

import io.quarkus.qute.Template;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One notice kind (e.g. credential-exposure) with its compiled templates per locale. Templates are
 * parsed once when the set is loaded, never per recipient.
 */
public record TemplateSet(String name, String defaultLocale, Map<String, LocaleTemplates> locales,
                          java.util.Set<String> withholdIncidentDetails, java.util.Set<String> everyLocaleJurisdictions) {

    public TemplateSet(String name, String defaultLocale, Map<String, LocaleTemplates> locales) {
        this(name, defaultLocale, locales, java.util.Set.of(), java.util.Set.of());
    }

    /**
     * The compiled templates and localized data-category names of one locale, with the jurisdiction blocks
     * in its language (the set's own, else the library's), keyed by place (US, US-CA, ...).
     * everyLocaleJurisdictions (set.properties jurisdictions=): the places whose block every locale of the set
     * must have in its own language; the approval check names readers who would get another language's.
     */
    public record LocaleTemplates(String locale, Template emailSubject, Template emailHtml, Template emailText,
                                  Template sms, Template pushTitle, Template pushBody,
                                  Map<String, String> categoryNames, Map<String, Template> blocksHtml,
                                  Map<String, Template> blocksText) {
    }

    /**
     * The locale a recipient gets: the exact tag, then its language (pt-BR -> pt), then another variant of the
     * same language (pt-PT -> pt-BR: Portuguese beats English), then the set's default.
     */
    public LocaleTemplates resolve(String requested) {
        return locales.get(resolveTag(requested));
    }

    public String resolveTag(String requested) {
        if (requested == null || requested.isBlank()) {
            return defaultLocale;
        }
        Locale locale = Locale.forLanguageTag(requested);
        String tag = locale.toLanguageTag();
        Optional<String> exact = find(tag);
        if (exact.isPresent()) {
            return exact.get();
        }
        Optional<String> language = find(locale.getLanguage());
        if (language.isPresent()) {
            return language.get();
        }
        return locales.keySet().stream().sorted()
                .filter(k -> Locale.forLanguageTag(k).getLanguage().equals(locale.getLanguage()))
                .findFirst().orElse(defaultLocale);
    }

    private Optional<String> find(String tag) {
        return locales.keySet().stream().filter(k -> k.equalsIgnoreCase(tag)).findFirst();
    }

    public List<String> localeTags() {
        return locales.keySet().stream().sorted().toList();
    }
}
