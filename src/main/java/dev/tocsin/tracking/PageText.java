package dev.tocsin.tracking;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The words of the public pages in one language (src/main/resources/public-pages/messages_{tag}.properties,
 * English where a key is missing). The pages speak the notice's language, or the browser's when there is no
 * notice to go by (an invalid link, /verify).
 */
public final class PageText {

    /** The languages the pages are written in; the first is the fallback. */
    public static final List<String> LOCALES = List.of("en", "es", "pt-BR", "fr", "de", "ja", "ar");
    private static final List<String> RIGHT_TO_LEFT = List.of("ar", "he", "fa", "ur");
    private static final Map<String, PageText> LOADED = new ConcurrentHashMap<>();

    private final String tag;
    private final Map<String, String> text;

    private PageText(String tag, Map<String, String> text) {
        this.tag = tag;
        this.text = text;
    }

    /** The page text for a notice's locale tag (pt-BR, pt, ar-EG...): exact, then the language, then English. */
    public static PageText forTag(String requested) {
        return LOADED.computeIfAbsent(closest(requested), PageText::load);
    }

    /**
     * The page text for an Accept-Language header (anyone on the internet writes it: a malformed or huge value
     * gets English, never an error).
     */
    public static PageText forAcceptLanguage(String header) {
        if (header == null || header.isBlank() || header.length() > 500) {
            return forTag("en");
        }
        try {
            List<Locale.LanguageRange> ranges = Locale.LanguageRange.parse(header);
            for (Locale.LanguageRange range : ranges.subList(0, Math.min(ranges.size(), 20))) {
                if (range.getWeight() <= 0 || range.getRange().equals("*")) {
                    continue;
                }
                String match = exactOrLanguage(range.getRange());
                if (match != null) {
                    return forTag(match);
                }
            }
        } catch (IllegalArgumentException e) {
            // not a language list: English
        }
        return forTag("en");
    }

    static String closest(String requested) {
        String match = requested == null ? null : exactOrLanguage(requested);
        return match == null ? "en" : match;
    }

    private static String exactOrLanguage(String requested) {
        String wanted = requested.strip().replace('_', '-');
        for (String tag : LOCALES) {
            if (tag.equalsIgnoreCase(wanted)) {
                return tag;
            }
        }
        String language = wanted.contains("-") ? wanted.substring(0, wanted.indexOf('-')) : wanted;
        for (String tag : LOCALES) {
            if (tag.equalsIgnoreCase(language) || tag.toLowerCase(Locale.ROOT).startsWith(language.toLowerCase(Locale.ROOT) + "-")) {
                return tag;
            }
        }
        return null;
    }

    private static PageText load(String tag) {
        Map<String, String> text = new HashMap<>(read("messages.properties"));
        if (!tag.equals("en")) {
            text.putAll(read("messages_" + tag.replace('-', '_') + ".properties"));
        }
        return new PageText(tag, Map.copyOf(text));
    }

    private static Map<String, String> read(String file) {
        try (InputStream in = PageText.class.getResourceAsStream("/public-pages/" + file)) {
            if (in == null) {
                throw new IllegalStateException("public-pages/" + file + " is missing from the application");
            }
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, String> m = new HashMap<>();
            p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
            return m;
        } catch (IOException e) {
            throw new IllegalStateException("public-pages/" + file + " cannot be read", e);
        }
    }

    public String tag() {
        return tag;
    }

    public Locale locale() {
        return Locale.forLanguageTag(tag);
    }

    /** "rtl" for Arabic and other right-to-left scripts, "ltr" otherwise: the pages' dir attribute. */
    public String direction() {
        return RIGHT_TO_LEFT.contains(locale().getLanguage()) ? "rtl" : "ltr";
    }

    /** The text of a key with its values filled in (values are plain text; the page escapes the result). */
    public String get(String key, Object... values) {
        String pattern = text.get(key);
        if (pattern == null) {
            throw new IllegalStateException("public page text '" + key + "' is missing");
        }
        if (values.length == 0) {
            return pattern;
        }
        // Each value is isolated (FSI ... PDI) so an English name inside Arabic text keeps its own direction.
        Object[] isolated = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            isolated[i] = values[i] instanceof String s ? "\u2068" + s + "\u2069" : values[i];
        }
        return new MessageFormat(pattern, locale()).format(isolated);
    }
}
