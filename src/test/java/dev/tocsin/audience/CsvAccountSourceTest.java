package dev.tocsin.audience;

import dev.tocsin.common.ApiException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvAccountSourceTest {

    private static List<AccountSource.Parsed> read(String csv) throws IOException {
        CsvAccountSource source = new CsvAccountSource(new StringReader(csv));
        List<AccountSource.Parsed> out = new ArrayList<>();
        AccountSource.Parsed p;
        while ((p = source.next()) != null) {
            out.add(p);
        }
        return out;
    }

    @Test
    void columnsMayComeInAnyOrderAndQuotedValuesKeepCommasQuotesAndNewlines() throws IOException {
        List<AccountSource.Parsed> rows = read("exposed,name,account_id,email\r\n"
                + "password,\"Doe, \"\"JD\"\"\nJunior\",a1,a@example.com\r\n"
                + "email,Bo,a2,b@example.com");
        assertEquals(2, rows.size());
        RawAccount first = rows.get(0).raw();
        assertEquals("a1", first.accountId());
        assertEquals("Doe, \"JD\"\nJunior", first.name());
        assertEquals(2, first.line());
        assertEquals(4, rows.get(1).raw().line(), "the quoted newline moves the next row to physical line 4");
        assertNull(first.phone(), "a column missing from the header reads as blank");
    }

    @Test
    void aByteOrderMarkAndUpperCaseHeaderAreAccepted() throws IOException {
        List<AccountSource.Parsed> rows = read("\uFEFFACCOUNT_ID,Exposed\nx,password\n");
        assertEquals("x", rows.get(0).raw().accountId());
    }

    @Test
    void anUnclosedQuoteIsReportedOnTheLineWhereItOpened() throws IOException {
        List<AccountSource.Parsed> rows = read("account_id,exposed\nok,password\n\"broken,password\nmore,rows\n");
        assertEquals("ok", rows.get(0).raw().accountId());
        RowError error = rows.get(1).error();
        assertEquals(3, error.line());
        assertTrue(error.reason().contains("never closed"), error.reason());
    }

    @Test
    void headerProblemsAreAllNamedAtOnce() {
        ApiException e = assertThrows(ApiException.class,
                () -> new CsvAccountSource(new StringReader("email,email,colour\n")));
        assertEquals(400, e.status());
        String message = e.getMessage();
        assertTrue(message.contains("email (column appears twice"), message);
        assertTrue(message.contains("colour (unknown column"), message);
        assertTrue(message.contains("account_id (required column is missing"), message);
        assertTrue(message.contains("exposed (required column is missing"), message);
    }

    @Test
    void anEmptyFileIsRefused() {
        ApiException e = assertThrows(ApiException.class, () -> new CsvAccountSource(new StringReader("")));
        assertEquals("missing_header", e.code());
    }
}
