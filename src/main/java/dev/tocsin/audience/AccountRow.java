package dev.tocsin.audience;

/**
 * A validated, normalized row ready to be written. categories is in stored ";a;b;" form; phone is E.164 and
 * phoneTakesSms says whether it can receive an SMS (null without a phone); the postal address is whole or absent.
 */
public record AccountRow(long line, String accountId, String email, String phone, Boolean phoneTakesSms, String locale,
                         String timezone, String country, String region, String name, String categories,
                         String enrolmentCode, String addressLine1, String addressLine2, String city, String postalCode) {
}
