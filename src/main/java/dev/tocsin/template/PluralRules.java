package dev.tocsin.template;

/**
 * CLDR cardinal plural categories (zero, one, two, few, many, other) for the languages of the template
 * library, for whole numbers: the JDK has none. A language not listed here uses "one" for 1, "other" else.
 */
public final class PluralRules {

    private PluralRules() {
    }

    public static String select(String language, long n) {
        return switch (language) {
            case "ja", "zh", "ko" -> "other";
            case "fr", "pt" -> n == 0 || n == 1 ? "one" : "other"; // pt here is Brazilian Portuguese (CLDR "pt")
            case "ar" -> {
                long mod100 = n % 100;
                if (n == 0) {
                    yield "zero";
                } else if (n == 1) {
                    yield "one";
                } else if (n == 2) {
                    yield "two";
                } else if (mod100 >= 3 && mod100 <= 10) {
                    yield "few";
                } else if (mod100 >= 11) {
                    yield "many";
                }
                yield "other";
            }
            default -> n == 1 ? "one" : "other";
        };
    }
}
