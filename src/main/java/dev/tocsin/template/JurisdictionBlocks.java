package dev.tocsin.template;

import io.quarkus.qute.Template;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * The jurisdiction blocks of a template set: loaded per locale from the set's own {locale}/jurisdiction/ folder,
 * else from the library (templates/jurisdictions/{locale}/), and picked for a reader by where they live (the
 * country's block, then the region's).
 */
final class JurisdictionBlocks {

    private JurisdictionBlocks() {
    }

    private static final String LIBRARY = "jurisdictions/";

    /** How NoticeTemplates parses a file it read: path, content type, locale tag. */
    interface Parser {
        Template parse(String path, String contentType, String tag);
    }

    /** The places the jurisdiction library has blocks for (jurisdictions/library.properties keys=). */
    static List<String> libraryKeys(Function<String, Optional<String>> read) {
        return read.apply(LIBRARY + "library.properties").map(JurisdictionBlocks::properties)
                .map(p -> java.util.Arrays.stream(p.getProperty("keys", "").split(",")).map(String::strip)
                        .filter(k -> !k.isEmpty()).toList())
                .orElse(List.of());
    }

    /**
     * A locale's jurisdiction blocks (jurisdiction/US-CA.html, ...): the set's own, else the library's in that
     * language (jurisdictions/{locale}/US-CA.html).
     */
    static Map<String, Template> load(Function<String, Optional<String>> read, Parser parser, String dir, List<String> keys,
                                      String extension, String contentType, String tag) {
        Map<String, Template> blocks = new LinkedHashMap<>();
        for (String key : keys) {
            for (String path : List.of(dir + "jurisdiction/" + key + extension, LIBRARY + tag + "/" + key + extension)) {
                if (read.apply(path).isPresent()) {
                    blocks.put(key, parser.parse(path, contentType, tag));
                    break;
                }
            }
        }
        return Map.copyOf(blocks);
    }

    /**
     * The blocks for where the recipient lives, the country's first and then the region's (US, then US-CA),
     * each in the notice's locale or else the set's default one: legal text the law asks for is better in the
     * default language than missing.
     */
    static List<Template> forReader(TemplateSet set, TemplateSet.LocaleTemplates t, NoticeData data, boolean html) {
        List<String> keys = data.jurisdictionKeys();
        List<Template> found = new ArrayList<>(keys.size());
        for (int i = keys.size() - 1; i >= 0; i--) {
            for (TemplateSet.LocaleTemplates candidate : List.of(t, set.locales().get(set.defaultLocale()))) {
                Template block = (html ? candidate.blocksHtml() : candidate.blocksText()).get(keys.get(i));
                if (block != null) {
                    found.add(block);
                    break;
                }
            }
        }
        return found;
    }

    /** The blocks rendered one after the other with the notice's values. */
    static String render(List<Template> blocks, Map<String, Object> model) {
        if (blocks.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (Template block : blocks) {
            out.append(RenderBudget.render(block, model));
        }
        return out.toString();
    }

    private static Properties properties(String content) {
        Properties p = new Properties();
        try (StringReader r = new StringReader(content)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return p;
    }
}
