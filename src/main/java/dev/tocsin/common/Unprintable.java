package dev.tocsin.common;

/**
 * Characters no stored or shown text may hold: control characters (C0 and C1; a tab or line break only where
 * the caller allows it) and half of a UTF-16 surrogate pair. NUL is refused by PostgreSQL with an error, the
 * others end up in notices and logs. One definition for JSON fields, uploaded rows, templates and what a
 * rejected line quoted.
 */
public final class Unprintable {

    private Unprintable() {
    }

    /** The index of the first such character in {@code s}, or -1. */
    public static int find(String s, boolean tabs, boolean lineBreaks) {
        for (int i = 0; i < s.length(); i++) {
            if (bad(s, i, tabs, lineBreaks)) {
                return i;
            }
            if (Character.isHighSurrogate(s.charAt(i))) {
                i++; // a whole pair (bad() said so)
            }
        }
        return -1;
    }

    /** What the character at {@code i} is, for an error message ("the control character U+0000"). */
    public static String describe(String s, int i) {
        char c = s.charAt(i);
        return Character.isSurrogate(c) ? "half of a UTF-16 surrogate pair"
                : "the control character U+" + String.format("%04X", (int) c);
    }

    /** {@code s} with each such character replaced by U+FFFD (tabs kept). */
    public static String replaced(String s) {
        int first = find(s, true, false);
        if (first < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length()).append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            if (bad(s, i, true, false)) {
                out.append('\uFFFD');
            } else {
                out.append(s.charAt(i));
                if (Character.isHighSurrogate(s.charAt(i))) {
                    out.append(s.charAt(++i));
                }
            }
        }
        return out.toString();
    }

    private static boolean bad(String s, int i, boolean tabs, boolean lineBreaks) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return true; // a low half without its high half
        }
        if (c == '\t') {
            return !tabs;
        }
        if (c == '\n' || c == '\r') {
            return !lineBreaks;
        }
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }
}
