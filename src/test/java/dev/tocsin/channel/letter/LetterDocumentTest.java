package dev.tocsin.channel.letter;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A letter on a machine with no fonts installed, and a notice body that tries to reach outside the letter. */
class LetterDocumentTest {

    private static final LetterDocument.Heading HEADING = new LetterDocument.Heading("Example Corp", "TCS-ABCDE-FGHJK",
            "Reference", "Check this notice at https://advisory.example.com/verify");

    @Test
    void latinAndArabicLettersPrintWithTheBundledFontsAndJapaneseSaysWhatToInstall() throws Exception {
        LetterDocument bare = new LetterDocument(LetterFonts.find(List.of("/nonexistent-font-folder")));
        byte[] pdf = bare.render("<html><body><h1>Notice of Data Breach</h1><p>مرحبا بكم</p></body></html>", "en", false,
                new LetterDocument.Address("Pat", "1 Main St", null, "Springfield", null, "12345", "DE"), HEADING);
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.contains("Notice of Data Breach") && text.contains("TCS-ABCDE-FGHJK"), text);
            for (var name : doc.getPage(0).getResources().getFontNames()) {
                assertTrue(doc.getPage(0).getResources().getFont(name).isEmbedded());
            }
        }
        IllegalStateException japanese = assertThrows(IllegalStateException.class, () -> bare.render(
                "<p>データ侵害に関するお知らせ</p>", "ja", false,
                new LetterDocument.Address("山田", "1-1", null, "千代田区", null, "100-0001", "JP"), HEADING));
        assertTrue(japanese.getMessage().contains("fonts-ipafont-gothic") && japanese.getMessage().contains("TOCSIN_LETTER_FONT_DIRS"),
                japanese.getMessage());
    }

    @Test
    void aNoticeBodyCannotFetchAnythingOrAddMarkupBeyondText() throws Exception {
        LetterDocument doc = new LetterDocument(LetterFonts.find(List.of("/usr/share/fonts")));
        String hostile = "<p>Hello</p><img src=\"http://127.0.0.1:1/track.png\"><link rel=\"stylesheet\" href=\"file:///etc/passwd\">"
                + "<a href=\"https://evil.example/\">click</a><script>x()</script><p style=\"font-size:2pt\">tiny</p>";
        byte[] pdf = doc.render(hostile, "en", false,
                new LetterDocument.Address("<b>Pat</b>", "1 Main St", null, "Springfield", "IL", "62701", "US"), HEADING);
        try (PDDocument d = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(d);
            assertTrue(text.contains("<b>Pat</b>"), "an address is text, never markup: " + text);
            assertFalse(text.contains("x()"), text);
            assertEquals(1, d.getNumberOfPages());
        }
        var layout = LetterDocument.layout(hostile, "en", false,
                new LetterDocument.Address("Pat", "1 Main St", null, "Springfield", "IL", "62701", "US"), HEADING,
                LetterDocument.Paper.LETTER).html();
        assertFalse(layout.contains("<img") || layout.contains("<link") || layout.contains("href=")
                || layout.contains("<script") || layout.contains("font-size:2pt"), layout);
    }
}
