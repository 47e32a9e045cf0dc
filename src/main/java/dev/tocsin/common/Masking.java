package dev.tocsin.common;

/** Masks contact details for logs and for support views: j***@example.com, +1******4567. */
public final class Masking {

    private Masking() {
    }

    public static String email(String email) {
        if (email == null || email.isEmpty()) {
            return email;
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }

    public static String phone(String phone) {
        if (phone == null || phone.length() < 6) {
            return phone == null ? null : "***";
        }
        int keepStart = phone.startsWith("+") ? 2 : 1;
        return phone.substring(0, keepStart) + "*".repeat(phone.length() - keepStart - 4) + phone.substring(phone.length() - 4);
    }

    /** A push address is the id of a subscription, which says nothing about the person. */
    public static String address(Channel channel, String address) {
        return switch (channel) {
            case SMS -> phone(address);
            case PUSH -> address;
            case EMAIL -> email(address);
            case LETTER -> postal(address);
        };
    }

    /** A postal address as one line ("1 Main St, 94105 San Francisco, US"): the street hidden, the town kept. */
    public static String postal(String address) {
        if (address == null) {
            return null;
        }
        int first = address.indexOf(", ");
        return first < 0 ? "***" : "***" + address.substring(first);
    }
}
