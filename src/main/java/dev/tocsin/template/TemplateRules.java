package dev.tocsin.template;

import dev.tocsin.common.Unprintable;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an uploaded template part may contain, checked on its source before Qute parses it (the parser and
 * the renderer recurse per nesting level: 5,000 nested sections overflowed the stack).
 *
 * Allowed: expressions and the sections a notice needs (if, for/each over the notice's lists, let/set, with,
 * switch/when). Refused, with the line: {#eval} (it turns data into template code), {#include}/{#insert}
 * (a part is self-contained), any other section, a loop over a number, nesting deeper than
 * {@link #MAX_DEPTH}, more than {@link #MAX_SECTIONS} sections.
 */
public final class TemplateRules {

    public static final int MAX_CHARS = 100_000;
    public static final int MAX_DEPTH = 20;
    public static final int MAX_SECTIONS = 1_000;

    private static final Set<String> SECTIONS = Set.of("if", "for", "each", "let", "set", "with", "switch", "when");
    /** Blocks inside a section ({#else} of an if or a loop, {#is}/{#case} of a switch): no new level. */
    private static final Set<String> BLOCKS = Set.of("else", "is", "case");
    private static final Map<String, String> REFUSED = Map.of(
            "eval", "{#eval} renders a value as template code; notices show data as data",
            "include", "{#include} pulls in another template; a notice part must be self-contained",
            "insert", "{#insert} belongs to template inheritance; a notice part must be self-contained",
            "fragment", "{#fragment} is not used in notices",
            "capture", "{#capture} is not used in notices",
            "cached", "{#cached} is not used in notices");
    private static final Pattern NUMBER = Pattern.compile("[-+]?\\d[\\d_]*[lL]?");

    private TemplateRules() {
    }

    /** A problem in the source: 1-based line and column, and what to do. */
    public record Violation(int line, int column, String message) {
    }

    /** Every rule the source breaks (the first few are enough to act on; scanning stops at the tenth). */
    public static List<Violation> check(String source) {
        List<Violation> found = new ArrayList<>();
        if (source.length() > MAX_CHARS) {
            found.add(new Violation(1, 1, "a template part may have at most " + MAX_CHARS + " characters; this one has "
                    + source.length()));
            return found;
        }
        Violation unprintable = unprintable(source);
        if (unprintable != null) {
            found.add(unprintable);
            return found;
        }
        Deque<String> open = new ArrayDeque<>();
        int sections = 0;
        int line = 1;
        int lineStart = 0;
        int n = source.length();
        for (int i = 0; i < n && found.size() < 10; i++) {
            char c = source.charAt(i);
            if (c == '\n') {
                line++;
                lineStart = i + 1;
                continue;
            }
            if (c == '\\' && i + 1 < n && source.charAt(i + 1) != '\n') {
                i++; // an escaped character is text
                continue;
            }
            if (c != '{' || i + 1 >= n) {
                continue;
            }
            char next = source.charAt(i + 1);
            int tagLine = line;
            int column = i - lineStart + 1;
            if (next == '!' || next == '|') {
                String close = next + "}";
                int end = source.indexOf(close, i + 2);
                end = end < 0 ? n : end + 1;
                for (int k = i; k < end; k++) {
                    if (source.charAt(k) == '\n') {
                        line++;
                        lineStart = k + 1;
                    }
                }
                i = end;
                continue;
            }
            if (next != '#' && next != '/') {
                continue;
            }
            int end = tagEnd(source, i + 2);
            String body = source.substring(i + 2, end);
            for (int k = i; k < end; k++) {
                if (source.charAt(k) == '\n') {
                    line++;
                    lineStart = k + 1;
                }
            }
            i = end;
            String name = body.strip().split("[\\s/]", 2)[0];
            if (next == '/') {
                close(open, name);
                continue;
            }
            if (BLOCKS.contains(name)) {
                continue;
            }
            sections++;
            if (sections > MAX_SECTIONS) {
                found.add(new Violation(tagLine, column, "more than " + MAX_SECTIONS + " sections in one part"));
                break;
            }
            String refused = REFUSED.get(name);
            if (refused != null) {
                found.add(new Violation(tagLine, column, refused + "."));
                continue;
            }
            if (!SECTIONS.contains(name)) {
                found.add(new Violation(tagLine, column, "{#" + name + "} is not a section notices may use; allowed: "
                        + "if/else, for, each, let, set, with, switch/when/is/case."));
                continue;
            }
            if (name.equals("for") || name.equals("each")) {
                String iterable = iterable(name, body);
                if (iterable != null && NUMBER.matcher(iterable).matches()) {
                    found.add(new Violation(tagLine, column, "a loop may run over a list of the notice data (e.g. "
                            + "categories), not over a number range ('" + abbreviate(iterable) + "')."));
                }
            }
            boolean selfClosing = body.stripTrailing().endsWith("/");
            if (!selfClosing) {
                open.push(name);
                if (open.size() > MAX_DEPTH) {
                    found.add(new Violation(tagLine, column, "sections nested more than " + MAX_DEPTH + " deep."));
                    break;
                }
            }
        }
        return found;
    }

    /** The first control character (but tab and line breaks) or broken surrogate, which no notice may hold. */
    private static Violation unprintable(String source) {
        int bad = Unprintable.find(source, true, true);
        if (bad < 0) {
            return null;
        }
        int lineStart = source.lastIndexOf('\n', bad) + 1;
        int line = 1 + (int) source.substring(0, lineStart).chars().filter(c -> c == '\n').count();
        return new Violation(line, bad - lineStart + 1, Unprintable.describe(source, bad) + " has no place in a notice; remove it.");
    }

    /** The end of a tag: the closing brace outside string literals (or the end of the source). */
    private static int tagEnd(String source, int from) {
        char quote = 0;
        for (int k = from; k < source.length(); k++) {
            char c = source.charAt(k);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '}') {
                return k;
            }
        }
        return source.length();
    }

    /** {/} closes the innermost section, {/name} the innermost of that name (a let may be left open). */
    private static void close(Deque<String> open, String name) {
        if (name.isEmpty()) {
            open.poll();
            return;
        }
        if (!open.contains(name)) {
            return; // Qute's parser reports it
        }
        while (!open.isEmpty() && !open.pop().equals(name)) {
            // sections bound to their parent end with it
        }
    }

    private static String iterable(String name, String body) {
        String[] words = body.strip().split("\\s+");
        if (name.equals("each")) {
            return words.length > 1 ? words[1] : null;
        }
        for (int k = 1; k + 1 < words.length; k++) {
            if (words[k].equals("in")) {
                return words[k + 1];
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "…" : s;
    }
}
