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
        };
    }
}
