package dev.tocsin.channel.letter;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The TrueType fonts letters are set in, embedded in every PDF: one for Latin (and Greek, Cyrillic), one for
 * Arabic, one for Japanese, found under the configured font folders by file name (the Debian packages
 * fonts-noto-core and fonts-ipafont-gothic provide them). A script without a font cannot be printed: the
 * letter fails with the font it needs, rather than printing empty boxes.
 */
final class LetterFonts {

    /** A font (a file, or a resource bundled with Tocsin) and the CSS family name letters use for it. */
    record Font(String family, File file, String resource) {

        java.io.InputStream open() {
            return LetterFonts.class.getClassLoader().getResourceAsStream(resource);
        }
    }

    /**
     * Bundled with Tocsin (SIL Open Font License, letter-fonts/COPYRIGHT-noto.txt), so a letter prints with no
     * fonts installed: Latin and Arabic. Japanese is too large to bundle (fonts-ipafont-gothic).
     */
    private static final Map<String, String> BUNDLED = Map.of("TocsinLatin", "letter-fonts/NotoSans-Regular.ttf",
            "TocsinArabic", "letter-fonts/NotoNaskhArabic-Regular.ttf");

    /** Families in the order the renderer tries them for each character. */
    static final String FAMILIES = "'TocsinLatin', 'TocsinArabic', 'TocsinJapanese', sans-serif";

    /** Per family, the file names that serve it, best first (all TrueType outlines: PDFBox embeds those). */
    private static final Map<String, List<String>> CANDIDATES = new LinkedHashMap<>();

    static {
        CANDIDATES.put("TocsinLatin", List.of("NotoSans-Regular.ttf", "DejaVuSans.ttf", "LiberationSans-Regular.ttf"));
        CANDIDATES.put("TocsinArabic", List.of("NotoNaskhArabic-Regular.ttf", "NotoSansArabic-Regular.ttf", "DejaVuSans.ttf"));
        CANDIDATES.put("TocsinJapanese", List.of("ipag.ttf", "ipagp.ttf", "VL-Gothic-Regular.ttf", "DroidSansFallbackFull.ttf"));
    }

    private final List<Font> fonts;

    private LetterFonts(List<Font> fonts) {
        this.fonts = List.copyOf(fonts);
    }

    /** Looks for each family's files under these folders (recursively, a bounded depth). */
    static LetterFonts find(List<String> folders) {
        Map<String, Path> byName = new LinkedHashMap<>();
        for (String folder : folders) {
            Path root = Path.of(folder);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root, 6)) {
                files.filter(Files::isRegularFile).forEach(f -> byName.putIfAbsent(f.getFileName().toString(), f));
            } catch (IOException | java.io.UncheckedIOException e) {
                // an unreadable folder is one without fonts
            }
        }
        List<Font> found = new ArrayList<>();
        CANDIDATES.forEach((family, names) -> {
            Optional<Path> file = names.stream().map(byName::get).filter(java.util.Objects::nonNull).findFirst();
            if (file.isPresent()) {
                found.add(new Font(family, file.get().toFile(), null));
            } else if (BUNDLED.containsKey(family)) {
                found.add(new Font(family, null, BUNDLED.get(family)));
            }
        });
        return new LetterFonts(found);
    }

    List<Font> available() {
        return fonts;
    }

    Optional<Font> family(String family) {
        return fonts.stream().filter(f -> f.family().equals(family)).findFirst();
    }

    /** The family a text needs and this machine lacks, if any (Arabic or Japanese letters without their font). */
    Optional<String> missingFor(String text) {
        boolean arabic = text.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.ARABIC);
        boolean japanese = text.codePoints().anyMatch(c -> switch (Character.UnicodeScript.of(c)) {
            case HAN, HIRAGANA, KATAKANA -> true;
            default -> false;
        });
        if (family("TocsinLatin").isEmpty()) {
            return Optional.of("a Latin font (NotoSans-Regular.ttf or DejaVuSans.ttf)");
        }
        if (arabic && family("TocsinArabic").isEmpty()) {
            return Optional.of("an Arabic font (NotoNaskhArabic-Regular.ttf, package fonts-noto-core)");
        }
        if (japanese && family("TocsinJapanese").isEmpty()) {
            return Optional.of("a Japanese font (ipag.ttf, package fonts-ipafont-gothic)");
        }
        return Optional.empty();
    }
}
