package dev.tocsin.template;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The incident's text in one language (title, description, and the facts the law wants in words: what the
 * company did, one paragraph each; why the notice was delayed; the security measures that protected the data),
 * and how a notice picks its language's: the
 * translation for the exact locale, else for its language (pt-PT takes pt-BR's), else none (the notice uses
 * the incident's own text, written in the set's default language).
 */
public record IncidentText(String title, String description, java.util.List<String> companyActions, String delayNote,
                           String securityMeasures) {

    public IncidentText {
        companyActions = companyActions == null ? java.util.List.of() : java.util.List.copyOf(companyActions);
    }

    public IncidentText(String title, String description) {
        this(title, description, java.util.List.of(), null, null);
    }

    /** Paragraphs as stored: one blank line between them. */
    public static java.util.List<String> paragraphs(String stored) {
        if (stored == null || stored.isBlank()) {
            return java.util.List.of();
        }
        return java.util.Arrays.stream(stored.split("\\R\\s*\\R")).map(String::strip).filter(p -> !p.isEmpty()).toList();
    }

    public static String storedParagraphs(java.util.List<String> paragraphs) {
        if (paragraphs == null || paragraphs.isEmpty()) {
            return null;
        }
        return String.join("\n\n", paragraphs.stream().map(p -> p.strip().replaceAll("\\R\\s*\\R", "\n"))
                .filter(p -> !p.isEmpty()).toList());
    }

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
    public static IncidentText forLocale(Map<String, IncidentText> translations, String locale, IncidentText own) {
        return pick(translations, locale).map(t -> t.orFactsOf(own)).orElse(own);
    }

    /**
     * A translation that gives a title but not the worded facts keeps the incident's own: a statement of what
     * the company did in the default language beats a notice that omits it (the approval names untranslated
     * text per language).
     */
    private IncidentText orFactsOf(IncidentText own) {
        return new IncidentText(title, description, companyActions.isEmpty() ? own.companyActions() : companyActions,
                delayNote == null ? own.delayNote() : delayNote,
                securityMeasures == null ? own.securityMeasures() : securityMeasures);
    }
}
