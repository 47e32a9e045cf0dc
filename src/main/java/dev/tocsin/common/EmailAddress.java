package dev.tocsin.common;

import java.util.Locale;

/** Email addresses as Tocsin stores and compares them. */
public final class EmailAddress {

    private EmailAddress() {
    }

    /** The domain part in lower case (it is case-insensitive), the local part as given, no surrounding blanks. */
    public static String normalized(String address) {
        String a = address.strip();
        int at = a.lastIndexOf('@');
        return at < 0 ? a : a.substring(0, at) + a.substring(at).toLowerCase(Locale.ROOT);
    }
}
