package dev.tocsin.audience;

/**
 * Whether an account can be reached on a channel, as SQL over account a: it has an address there and no
 * provider has told us that address is gone (suppression). Audience counts and launch use the same test, so
 * what an operator is shown is what launch creates.
 */
public final class Reachability {

    private Reachability() {
    }

    /** A push delivery goes to the account's most recently registered subscription; its id is the address. */
    public static String addressColumn(String channel) {
        return switch (channel) {
            case "email" -> "a.email";
            case "sms" -> "a.phone";
            case "push" -> "(SELECT CAST(MAX(p.id) AS VARCHAR(20)) FROM push_subscription p WHERE p.account_id = a.account_id)";
            default -> throw new IllegalArgumentException("no address column for channel " + channel);
        };
    }

    /** Channel codes come from the Channel enum, never from a request, so inlining them is safe. */
    public static String usable(String channel) {
        if ("push".equals(channel)) {
            // an expired subscription is deleted, not suppressed: having one is being reachable
            return "EXISTS (SELECT 1 FROM push_subscription p WHERE p.account_id = a.account_id)";
        }
        String column = addressColumn(channel);
        return "(" + column + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM suppression s WHERE s.channel = '" + channel
                + "' AND s.address = " + column + "))";
    }
}
