package dev.tocsin.audience;

/** One uploaded row as text, before validation. Blank fields are null. line is the physical line, 1-based. */
public record RawAccount(long line, String accountId, String email, String phone, String locale, String timezone,
                         String country, String region, String name, String exposed) {
}
