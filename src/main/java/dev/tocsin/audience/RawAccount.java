package dev.tocsin.audience;

/** One uploaded row as text, before validation. Blank fields are null. line is the physical line, 1-based. */
public record RawAccount(long line, String accountId, String email, String phone, String locale, String timezone,
                         String country, String region, String name, String exposed, String enrolmentCode,
                         String addressLine1, String addressLine2, String city, String postalCode) {

    /** A row with no enrolment code or postal address. */
    public RawAccount(long line, String accountId, String email, String phone, String locale, String timezone,
                      String country, String region, String name, String exposed) {
        this(line, accountId, email, phone, locale, timezone, country, region, name, exposed, null, null, null, null, null);
    }
}
