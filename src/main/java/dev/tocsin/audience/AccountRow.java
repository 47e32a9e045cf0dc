package dev.tocsin.audience;

/** A validated, normalized row ready to be written. categories is in stored ";a;b;" form. */
public record AccountRow(long line, String accountId, String email, String phone, String locale, String timezone,
                         String country, String region, String name, String categories) {
}
