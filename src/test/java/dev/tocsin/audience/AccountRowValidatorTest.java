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
        assertTrue(reason(raw(null, "0612345678", "en", "email")).contains("E.164"));
        assertTrue(reason(raw(null, "+336 12 34", "en", "email")).contains("E.164"));
        assertTrue(reason(raw(null, null, "english!", "email")).contains("BCP 47"));
        assertTrue(reason(raw(null, null, "en", "email;dna")).contains("unknown data category 'dna'"));
        assertTrue(reason(raw(null, null, "en", null)).contains("exposed is empty"));
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
