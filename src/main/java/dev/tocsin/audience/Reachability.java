package dev.tocsin.audience;

import dev.tocsin.common.Channel;

/**
 * Whether an account can be reached on a channel, as SQL over account a: it has an address there and no
 * provider has told us that address is gone (suppression). Audience counts and launch use the same test, so
 * what an operator is shown is what launch creates.
 */
public final class Reachability {

    private Reachability() {
    }

    /** A push delivery goes to the account's most recently registered subscription; its id is the address. */
    public static String addressColumn(Channel channel) {
        return switch (channel) {
            case EMAIL -> "a.email";
            case SMS -> "a.phone";
            case PUSH -> "(SELECT CAST(MAX(p.id) AS VARCHAR(20)) FROM push_subscription p WHERE p.account_id = a.account_id)";
            // the postal address as one line (NULL unless whole): the delivery's snapshot and the suppression key
            case LETTER -> "SUBSTRING(a.address_line1 || ', ' || COALESCE(a.postal_code || ' ', '') || a.city || ', '"
                    + " || a.country FROM 1 FOR 320)";
        };
    }

    /** Channel codes come from the Channel enum, never from a request, so inlining them is safe. */
    public static String usable(Channel channel) {
        if (channel == Channel.PUSH) {
            // an expired subscription is deleted, not suppressed: having one is being reachable
            return "EXISTS (SELECT 1 FROM push_subscription p WHERE p.account_id = a.account_id)";
        }
        String column = addressColumn(channel);
        // a fixed-line number is kept (support may call it) but an SMS to it would be lost
        String takes = channel == Channel.SMS ? " AND (a.phone_sms IS NULL OR a.phone_sms)" : "";
        return "(" + column + " IS NOT NULL" + takes + " AND NOT EXISTS (SELECT 1 FROM suppression s WHERE s.channel = '" + channel.code()
                + "' AND s.address = " + column + "))";
    }
}
