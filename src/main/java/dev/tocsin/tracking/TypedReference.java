package dev.tocsin.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A verification reference as a person types it: any case, spaces or dashes or none, with or without the
 * "TCS" prefix, and the invisible marks a copy from the notice brings along. References never contain 0, O, 1 or I (NoticeCodes' alphabet), so where one was typed the
 * reader saw a look-alike: O/0 may be D or Q, I/1 may be L or J. Gives every reference the input could
 * mean, formatted as stored (TCS-XXXXX-XXXXX); none when it cannot be one.
 */
public final class TypedReference {

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    /** More look-alikes than this and the input is a guess, not a typing error. */
    private static final int MAX_AMBIGUOUS = 3;

    private TypedReference() {
    }

    public static List<String> candidates(String typed) {
        if (typed == null || typed.length() > 60) {
            return List.of();
        }
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < typed.length(); i++) {
            char ch = Character.toUpperCase(typed.charAt(i));
            if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) {
                kept.append(ch);
            } else if (Character.getType(ch) == Character.FORMAT) {
                continue; // invisible marks copied with the reference (bidi isolates, zero-width spaces)
            } else if (!Character.isWhitespace(ch) && ch != '-' && ch != '_' && ch != '.' && ch != '\u2010'
                    && ch != '\u2011' && ch != '\u2012' && ch != '\u2013' && ch != '\u2014') {
                return List.of();
            }
        }
        String body = kept.toString();
        if (body.length() == 13 && body.startsWith("TCS")) {
            body = body.substring(3);
        }
        if (body.length() != 10) {
            return List.of();
        }
        List<String> found = new ArrayList<>();
        found.add("");
        int ambiguous = 0;
        for (char ch : body.toCharArray()) {
            String options;
            if (ch == 'O' || ch == '0') {
                options = "DQ";
            } else if (ch == 'I' || ch == '1') {
                options = "LJ";
            } else if (ALPHABET.indexOf(ch) >= 0) {
                options = String.valueOf(ch);
            } else {
                return List.of();
            }
            if (options.length() > 1 && ++ambiguous > MAX_AMBIGUOUS) {
                return List.of();
            }
            List<String> next = new ArrayList<>(found.size() * options.length());
            for (String prefix : found) {
                for (char option : options.toCharArray()) {
                    next.add(prefix + option);
                }
            }
            found = next;
        }
        return found.stream().map(b -> "TCS-" + b.substring(0, 5) + "-" + b.substring(5)).toList();
    }

    /** How the reference reads back to the person (upper case, dashes), for the answer page. */
    public static String display(String typed) {
        List<String> c = candidates(typed);
        return c.size() == 1 ? c.get(0) : typed == null ? "" : typed.strip().toUpperCase(Locale.ROOT);
    }
}
