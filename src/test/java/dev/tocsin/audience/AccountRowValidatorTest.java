package dev.tocsin.audience;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccountRowValidatorTest {

    private static RawAccount raw(String email, String phone, String locale, String exposed) {
        return new RawAccount(7, "acc-1", email, phone, locale, "Europe/Paris", "fr", "idf", "Zoé", exposed);
    }

    @Test
    void normalizesWhatItAccepts() {
        AccountRow row = AccountRowValidator.validate(raw("Zoe.Martin@Example.FR", "+33612345678", "pt_br",
                "Password_Hash; email ;")).row();
        assertNotNull(row);
        assertEquals("Zoe.Martin@example.fr", row.email(), "domain lower-cased, local part kept");
        assertEquals("pt-BR", row.locale());
        assertEquals("FR", row.country());
        assertEquals("IDF", row.region());
        assertEquals(";email;password_hash;", row.categories(), "categories sorted and de-duplicated");
    }

    @Test
    void rejectsWithAReasonAPersonUnderstands() {
        assertTrue(reason(raw("a@@b.com", null, "en", "email")).contains("not a valid email"));
        assertTrue(reason(raw("a@b", null, "en", "email")).contains("not a valid email"), "a domain needs a dot");
        assertTrue(reason(raw(null, "+336 12 34", "en", "email")).contains("is not a valid number in France (FR)"),
                reason(raw(null, "+336 12 34", "en", "email")));
        assertTrue(reason(raw(null, null, "english!", "email")).contains("BCP 47"));
        assertTrue(reason(raw(null, null, "en", "email;dna")).contains("unknown data category 'dna'"));
        assertTrue(reason(raw(null, null, "en", null)).contains("exposed is empty"));
    }

    private static RawAccount phone(String phone, String country) {
        return new RawAccount(3, "acc-2", null, phone, "en", "UTC", country, null, null, "email");
    }

    @Test
    void phoneNumbersAreReadAsPeopleWriteThemAndFixedLinesDoNotTakeSms() {
        // national form with the account's country, spaces and all: normalized to E.164
        AccountRow french = AccountRowValidator.validate(phone("06 12 34 56 78", "FR")).row();
        assertEquals("+33612345678", french.phone());
        assertEquals(Boolean.TRUE, french.phoneTakesSms(), "a French mobile takes SMS");
        AccountRow paris = AccountRowValidator.validate(phone("01 42 68 53 00", "FR")).row();
        assertEquals("+33142685300", paris.phone());
        assertEquals(Boolean.FALSE, paris.phoneTakesSms(), "a fixed line is kept, but takes no SMS");
        AccountRow london = AccountRowValidator.validate(phone("+44 20 7946 0000", null)).row();
        assertEquals("+442079460000", london.phone());
        assertEquals(Boolean.FALSE, london.phoneTakesSms());
        // the US does not tell mobiles from fixed lines by number: SMS is tried
        assertEquals(Boolean.TRUE, AccountRowValidator.validate(phone("(415) 555-0101", "US")).row().phoneTakesSms());
        assertEquals("+14155550101", AccountRowValidator.validate(phone("+1 415-555-0101", "BR")).row().phone(),
                "an international number ignores the account's country");
        assertNull(AccountRowValidator.validate(phone(null, "US")).row().phoneTakesSms());

        assertTrue(reason(phone("0612345678", null)).contains("has no country code"), "national form needs a country");
        assertTrue(reason(phone("+1 415 000 0001", null)).contains("is not a valid number in United States (US)"),
                reason(phone("+1 415 000 0001", null)));
        assertTrue(reason(phone("+999 1234567", null)).contains("country code"), reason(phone("+999 1234567", null)));
        assertTrue(reason(phone("call me", "US")).contains("not a phone number"), reason(phone("call me", "US")));
        assertTrue(reason(phone("+1 " + "5".repeat(60), null)).contains("longer than 40"));
    }

    @Test
    void aPostalAddressIsWholeOrAbsent() {
        RawAccount whole = new RawAccount(4, "acc-3", null, null, "en", "UTC", "us", "CA", "Pat", "ssn", "ENR-123_a",
                "1 Main Street", "Apt 2", "Springfield", "94105-1234");
        AccountRow row = AccountRowValidator.validate(whole).row();
        assertEquals("1 Main Street", row.addressLine1());
        assertEquals("94105-1234", row.postalCode());
        assertEquals("ENR-123_a", row.enrolmentCode());
        String half = AccountRowValidator.validate(new RawAccount(5, "acc-4", null, null, "en", "UTC", null, null, "Pat",
                "ssn", null, "1 Main Street", null, null, null)).error().reason();
        assertTrue(half.contains("the postal address is incomplete: city, country missing"), half);
        assertTrue(AccountRowValidator.validate(new RawAccount(6, "acc-5", null, null, "en", "UTC", "US", null, "Pat",
                "ssn", "not a code!", null, null, null, null)).error().reason().contains("enrolment_code"));
        assertTrue(AccountRowValidator.validate(new RawAccount(6, "acc-6", null, null, "en", "UTC", "US", null, "Pat",
                "ssn", null, "1 Main St", null, "Springfield", "<script>")).error().reason().contains("postal_code"));
    }

    @Test
    void anAccountWithoutAnyContactIsAcceptedAndCountedUnreachableLater() {
        AccountRowValidator.Result r = AccountRowValidator.validate(raw(null, null, null, "ssn"));
        assertNull(r.error());
        assertNull(r.row().locale(), "no locale: the template set's default applies");
    }

    private static String reason(RawAccount raw) {
        return AccountRowValidator.validate(raw).error().reason();
    }
}
