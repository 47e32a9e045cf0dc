package dev.tocsin.template;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The incident's title and description in one language, and how a notice picks its language's: the
 * translation for the exact locale, else for its language (pt-PT takes pt-BR's), else none (the notice uses
 * the incident's own text, written in the set's default language).
 */
public record IncidentText(String title, String description) {

    public static Optional<IncidentText> pick(Map<String, IncidentText> translations, String locale) {
        if (translations == null || translations.isEmpty() || locale == null || locale.isBlank()) {
            return Optional.empty();
        }
        String wanted = Locale.forLanguageTag(locale.replace('_', '-')).toLanguageTag();
        String language = Locale.forLanguageTag(wanted).getLanguage();
        String sameLanguage = null;
        for (Map.Entry<String, IncidentText> e : translations.entrySet()) {
            if (e.getKey().equalsIgnoreCase(wanted)) {
                return Optional.of(e.getValue());
            }
        }
        // the bare language first (pt), then the first variant of it in tag order (pt-BR before pt-PT)
        for (String key : new java.util.TreeSet<>(translations.keySet())) {
            if (Locale.forLanguageTag(key).getLanguage().equals(language)
                    && (sameLanguage == null || key.equalsIgnoreCase(language))) {
                sameLanguage = key;
            }
        }
        return sameLanguage == null ? Optional.empty() : Optional.of(translations.get(sameLanguage));
    }

    /** The text a notice in this locale shows: the translation picked, else the incident's own. */
    public static IncidentText forLocale(Map<String, IncidentText> translations, String locale, String title,
                                         String description) {
        return pick(translations, locale).orElse(new IncidentText(title, description));
    }
}
