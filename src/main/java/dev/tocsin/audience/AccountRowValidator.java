package dev.tocsin.audience;

import dev.tocsin.common.Unprintable;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks one uploaded row and says, in words a person understands, what is wrong with it.
 * Returns the first problem found; a row is either fully accepted or rejected.
 */
public final class AccountRowValidator {

    private static final Pattern EMAIL = Pattern.compile(
            "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    private static final Pattern REGION = Pattern.compile("^[A-Za-z0-9]{1,3}$");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    /** Either a row or an error, never both. */
    public record Result(AccountRow row, RowError error) {
        static Result ok(AccountRow row) {
            return new Result(row, null);
        }

        static Result fail(RawAccount raw, String reason) {
            return new Result(null, new RowError(raw.line(), raw.accountId(), reason));
        }
    }

    private AccountRowValidator() {
    }

    /** The same address rules as an upload, for addresses typed elsewhere (test send). */
    public static boolean isEmail(String value) {
        return value != null && value.length() <= 320 && EMAIL.matcher(value).matches();
    }

    public static boolean isE164(String value) {
        return value != null && E164.matcher(value).matches();
    }

    /** The longest locale tag kept (the column's size): a longer one is refused, never cut. */
    static final int MAX_LOCALE_CHARS = 35;

    /**
     * Why a value cannot be stored as it is, or null: control characters end up in notices and logs (a name,
     * the one free-text value, may hold tabs and line breaks, as a spreadsheet cell can), and U+FFFD is what
     * bytes that were not UTF-8 became while reading the file.
     */
    static String unprintable(String value, boolean freeText) {
        if (value == null) {
            return null;
        }
        int replacement = value.indexOf('\uFFFD');
        if (replacement >= 0) {
            return "holds bytes that are not valid UTF-8 (character " + (replacement + 1) + "); save the file as UTF-8";
        }
        int bad = Unprintable.find(value, freeText, freeText);
        return bad < 0 ? null : "holds " + Unprintable.describe(value, bad) + " (character " + (bad + 1) + "); remove it";
    }

    public static Result validate(RawAccount raw) {
        String[][] fields = {{"account_id", raw.accountId()}, {"email", raw.email()}, {"phone", raw.phone()},
                {"locale", raw.locale()}, {"timezone", raw.timezone()}, {"country", raw.country()},
                {"region", raw.region()}, {"name", raw.name()}, {"exposed", raw.exposed()},
                {"enrolment_code", raw.enrolmentCode()}, {"address_line1", raw.addressLine1()},
                {"address_line2", raw.addressLine2()}, {"city", raw.city()}, {"postal_code", raw.postalCode()}};
        for (String[] field : fields) {
            String problem = unprintable(field[1], FREE_TEXT.contains(field[0]));
            if (problem != null) {
                return Result.fail(raw, field[0] + " " + problem);
            }
        }
        if (raw.accountId() == null) {
            return Result.fail(raw, "account_id is missing: every row needs the company's id for the account");
        }
        if (raw.accountId().length() > 200) {
            return Result.fail(raw, "account_id is longer than 200 characters");
        }
        String email = raw.email();
        if (email != null) {
            if (email.length() > 320 || !EMAIL.matcher(email).matches() || email.contains("..")) {
                return Result.fail(raw, "email '" + email + "' is not a valid email address");
            }
            // The domain part is case-insensitive; keep the local part as given.
            email = dev.tocsin.common.EmailAddress.normalized(email);
        }
        String country = raw.country();
        if (country != null) {
            country = country.toUpperCase(Locale.ROOT);
            if (!COUNTRIES.contains(country)) {
                return Result.fail(raw, "country '" + raw.country() + "' is not an ISO 3166 two-letter country code (e.g. US, BR)");
            }
        }
        String phone = raw.phone();
        Boolean takesSms = null;
        if (phone != null) {
            PhoneNumbers.Parsed parsed = PhoneNumbers.parse(phone, country);
            if (parsed.problem() != null) {
                return Result.fail(raw, parsed.problem());
            }
            phone = parsed.e164();
            takesSms = parsed.takesSms();
        }
        String locale = null;
        if (raw.locale() != null) {
            try {
                Locale parsed = new Locale.Builder().setLanguageTag(raw.locale().replace('_', '-')).build();
                if (parsed.getLanguage().isEmpty()) {
                    return Result.fail(raw, "locale '" + raw.locale() + "' is not a valid BCP 47 language tag (e.g. en, pt-BR)");
                }
                locale = parsed.toLanguageTag();
                if (locale.length() > MAX_LOCALE_CHARS) {
                    return Result.fail(raw, "locale '" + raw.locale() + "' is longer than " + MAX_LOCALE_CHARS
                            + " characters; use the language and region only (e.g. pt-BR)");
                }
            } catch (IllformedLocaleException e) {
                return Result.fail(raw, "locale '" + raw.locale() + "' is not a valid BCP 47 language tag (e.g. en, pt-BR)");
            }
        }
        String timezone = raw.timezone();
        if (timezone != null) {
            try {
                timezone = ZoneId.of(timezone).getId();
            } catch (DateTimeException e) {
                return Result.fail(raw, "timezone '" + raw.timezone() + "' is not a known IANA time zone (e.g. Europe/Paris)");
            }
        }
        String region = raw.region();
        if (region != null) {
            if (!REGION.matcher(region).matches()) {
                return Result.fail(raw, "region '" + region + "' is not a subdivision code (e.g. CA for California)");
            }
            region = region.toUpperCase(Locale.ROOT);
        }
        if (raw.name() != null && raw.name().length() > 300) {
            return Result.fail(raw, "name is longer than 300 characters");
        }
        EnumSet<ExposureCategory> categories = EnumSet.noneOf(ExposureCategory.class);
        if (raw.exposed() != null) {
            for (String part : raw.exposed().split(";")) {
                if (part.isBlank()) {
                    continue;
                }
                var category = ExposureCategory.fromCode(part);
                if (category.isEmpty()) {
                    return Result.fail(raw, "exposed lists unknown data category '" + part.strip()
                            + "' (known: " + String.join(", ", ExposureCategory.codes()) + ")");
                }
                categories.add(category.get());
            }
        }
        if (categories.isEmpty()) {
            return Result.fail(raw, "exposed is empty: list the data categories this breach exposed for the account, separated by ';'");
        }
        if (raw.enrolmentCode() != null && !ENROLMENT_CODE.matcher(raw.enrolmentCode()).matches()) {
            return Result.fail(raw, "enrolment_code '" + raw.enrolmentCode() + "' may hold only letters, digits, '-' and '_'"
                    + " (at most 64)");
        }
        String addressProblem = postalAddressProblem(raw, country);
        if (addressProblem != null) {
            return Result.fail(raw, addressProblem);
        }
        return Result.ok(new AccountRow(raw.line(), raw.accountId(), email, phone, takesSms, locale, timezone, country,
                region, raw.name(), ExposureCategory.toStored(categories), raw.enrolmentCode(), raw.addressLine1(),
                raw.addressLine2(), raw.city(), raw.postalCode() == null ? null : raw.postalCode().toUpperCase(Locale.ROOT)));
    }

    private static final java.util.regex.Pattern ENROLMENT_CODE = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final java.util.regex.Pattern POSTAL_CODE = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9 -]{0,19}");
    /** Columns people type prose into: tabs are tolerated there. */
    private static final Set<String> FREE_TEXT = Set.of("name", "address_line1", "address_line2", "city");

    /**
     * A postal address is whole (address_line1, city and country, and a postal code in a well-formed shape when
     * given) or absent: a letter cannot go to half an address, and a partial one is reported rather than kept.
     */
    private static String postalAddressProblem(RawAccount raw, String country) {
        boolean any = raw.addressLine1() != null || raw.addressLine2() != null || raw.city() != null || raw.postalCode() != null;
        if (!any) {
            return null;
        }
        List<String> missing = new java.util.ArrayList<>();
        if (raw.addressLine1() == null) {
            missing.add("address_line1");
        }
        if (raw.city() == null) {
            missing.add("city");
        }
        if (country == null) {
            missing.add("country");
        }
        if (!missing.isEmpty()) {
            return "the postal address is incomplete: " + String.join(", ", missing) + " missing (a letter needs"
                    + " address_line1, city and country, and postal_code where the country has them)";
        }
        if (raw.addressLine1().length() > 200 || (raw.addressLine2() != null && raw.addressLine2().length() > 200)) {
            return "an address line is longer than 200 characters";
        }
        if (raw.city().length() > 100) {
            return "city is longer than 100 characters";
        }
        if (raw.postalCode() != null && !POSTAL_CODE.matcher(raw.postalCode()).matches()) {
            return "postal_code '" + raw.postalCode() + "' is not a postal code (letters, digits, spaces and '-', at most 20)";
        }
        return null;
    }
}
