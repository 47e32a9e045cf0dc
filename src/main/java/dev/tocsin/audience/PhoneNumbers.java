package dev.tocsin.audience;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Phone numbers as people write them in accounts files: international (+33 6 12 34 56 78) or national with the
 * account's country (06 12 34 56 78 in FR), normalized to E.164; a number invalid for its region is refused with
 * the reason. Whether a number takes SMS comes from its type: a fixed line is kept (support may call it) but
 * an SMS to it would be lost, so it does not count as reachable by SMS.
 */
final class PhoneNumbers {

    private PhoneNumbers() {
    }

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    /** Longer than any number with its formatting: refused before parsing. */
    static final int MAX_CHARS = 40;

    /** Types whose numbers cannot receive an SMS. */
    private static final Set<PhoneNumberUtil.PhoneNumberType> NO_SMS = EnumSet.of(PhoneNumberUtil.PhoneNumberType.FIXED_LINE,
            PhoneNumberUtil.PhoneNumberType.TOLL_FREE, PhoneNumberUtil.PhoneNumberType.PREMIUM_RATE,
            PhoneNumberUtil.PhoneNumberType.SHARED_COST, PhoneNumberUtil.PhoneNumberType.VOICEMAIL,
            PhoneNumberUtil.PhoneNumberType.UAN, PhoneNumberUtil.PhoneNumberType.PAGER);

    /** A number read: its E.164 form and whether it takes SMS; or why it cannot be used. */
    record Parsed(String e164, boolean takesSms, String problem) {
    }

    static Parsed parse(String raw, String country) {
        String shown = "phone '" + raw + "'";
        if (raw.length() > MAX_CHARS) {
            return problem(shown + " is longer than " + MAX_CHARS + " characters");
        }
        boolean international = raw.strip().startsWith("+");
        if (!international && country == null) {
            return problem(shown + " has no country code: write it in international (E.164) form, a '+' and the country"
                    + " code first (e.g. +14155550123), or give the account's country so a national number can be read");
        }
        Phonenumber.PhoneNumber number;
        try {
            number = UTIL.parse(raw, international ? "ZZ" : country);
        } catch (NumberParseException e) {
            return problem(shown + switch (e.getErrorType()) {
                case INVALID_COUNTRY_CODE -> " has no known country code: write it in international (E.164) form (e.g. +14155550123)";
                case TOO_SHORT_NSN, TOO_SHORT_AFTER_IDD -> " is too short to be a phone number";
                case TOO_LONG -> " is too long to be a phone number";
                default -> " is not a phone number (e.g. +14155550123 in international E.164 form)";
            });
        }
        // getNumberType answers UNKNOWN exactly when isValidNumber answers false (both find the number's region and
        // match its digits against that region's patterns): asking once halves the costliest part of an upload's checks
        PhoneNumberUtil.PhoneNumberType type = UTIL.getNumberType(number);
        if (type == PhoneNumberUtil.PhoneNumberType.UNKNOWN) {
            String region = UTIL.getRegionCodeForNumber(number);
            if (region == null || region.equals("ZZ")) {
                region = UTIL.getRegionCodeForCountryCode(number.getCountryCode()); // +1: the US, the code's main region
            }
            String where = region == null || region.equals("ZZ")
                    ? "for country code +" + number.getCountryCode()
                    : "in " + new Locale("", region).getDisplayCountry(Locale.ENGLISH) + " (" + region + ")";
            return problem(shown + " is not a valid number " + where + ": check its digits (international E.164 form, e.g. +14155550123)");
        }
        String e164 = UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        return new Parsed(e164, !NO_SMS.contains(type), null);
    }

    private static Parsed problem(String why) {
        return new Parsed(null, false, why);
    }
}
