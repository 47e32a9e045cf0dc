package dev.tocsin.template;

/**
 * How an SMS text travels and what it costs: GSM-7 when every character is in the GSM 03.38 default
 * alphabet or its extension table (an extension character such as € or [ takes two septets), UCS-2
 * otherwise. One segment holds 160 septets or 70 UTF-16 units; a longer text is split into segments of 153
 * or 67 (the rest is the concatenation header), never splitting an escape pair or a surrogate pair.
 */
public final class SmsSegments {

    public static final String GSM_7 = "GSM-7";
    public static final String UCS_2 = "UCS-2";

    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String EXTENDED = "^{}\\[~]|€\f";

    /** The encoding, the length in its units (septets or UTF-16 units) and the number of segments. */
    public record Count(String encoding, int units, int segments) {
    }

    private SmsSegments() {
    }

    public static Count count(String text) {
        if (isGsm7(text)) {
            int septets = 0;
            int segments = text.isEmpty() ? 0 : 1;
            int inSegment = 0;
            for (int i = 0; i < text.length(); i++) {
                int w = width(text.charAt(i));
                septets += w;
                if (inSegment + w > 153) { // where the split falls if the text needs more than one segment
                    segments++;
                    inSegment = 0;
                }
                inSegment += w;
            }
            return new Count(GSM_7, septets, septets <= 160 ? Math.min(segments, 1) : segments);
        }
        int units = text.length();
        int segments = 1;
        if (units > 70) {
            int inSegment = 0;
            for (int i = 0; i < text.length(); i++) {
                int w = Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length() ? 2 : 1;
                if (inSegment + w > 67) {
                    segments++;
                    inSegment = 0;
                }
                inSegment += w;
                i += w - 1;
            }
        }
        return new Count(UCS_2, units, segments);
    }

    public static boolean isGsm7(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (BASIC.indexOf(c) < 0 && EXTENDED.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int width(char c) {
        return EXTENDED.indexOf(c) >= 0 ? 2 : 1;
    }
}
