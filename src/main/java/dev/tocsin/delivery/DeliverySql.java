package dev.tocsin.delivery;

/** Small helpers the delivery statements share. */
final class DeliverySql {

    private DeliverySql() {
    }

    static String placeholders(int n) {
        return "?,".repeat(n - 1) + "?";
    }

    static String truncate(String s, int max) {
        if (s == null) {
            return null;
        }
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
