package dev.tocsin.channel.letter;

import com.openhtmltopdf.bidi.support.ICUBidiReorderer;
import com.openhtmltopdf.bidi.support.ICUBidiSplitter;
import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Safelist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A notice as a letter for a window envelope: the page size of the recipient's country (US Letter in North
 * America, A4 elsewhere), the address where the envelope's window shows it, the company, the reference and the
 * advisory address at the top, then the notice's own text at 11 pt (the law asks for at least 10), with every
 * font embedded: Latin, Arabic (shaped, right to left) and Japanese.
 *
 * The notice's HTML part is what the letter says: its markup is cleaned to text elements (no links, images or
 * styles survive), and it is laid out here.
 */
final class LetterDocument {

    /** Where the address goes on the page, from its top-left corner, in millimetres. */
    record Window(double left, double top, double width, double height) {
    }

    /** A4 in a DL or C5 envelope with a window on the left (DIN 5008 form B): 20 mm in, 45 mm down, 90 x 45. */
    static final Window A4_WINDOW = new Window(20, 45, 90, 45);
    /** US Letter folded in three in a #10 window envelope: 7/8 in from the left, 2 in down, 4.5 x 1.125 in. */
    static final Window LETTER_WINDOW = new Window(22.2, 50.8, 114.3, 28.6);

    /** Countries that use US Letter paper. */
    private static final Set<String> LETTER_PAPER = Set.of("US", "CA", "MX", "PH", "CL", "CO", "VE", "PR", "GT", "CR",
            "DO", "SV", "PA", "NI", "HN", "BO");

    enum Paper {
        A4(210, 297, A4_WINDOW), LETTER(215.9, 279.4, LETTER_WINDOW);

        final double width;
        final double height;
        final Window window;

        Paper(double width, double height, Window window) {
            this.width = width;
            this.height = height;
            this.window = window;
        }

        static Paper forCountry(String country) {
            return country != null && LETTER_PAPER.contains(country.toUpperCase(Locale.ROOT)) ? LETTER : A4;
        }
    }

    /** To whom and where. */
    record Address(String name, String line1, String line2, String city, String region, String postalCode, String country) {

        /** The lines as a mail house prints them: city line in the country's order, the country last. */
        List<String> lines() {
            List<String> lines = new java.util.ArrayList<>();
            if (name != null && !name.isBlank()) {
                lines.add(name);
            }
            lines.add(line1);
            if (line2 != null && !line2.isBlank()) {
                lines.add(line2);
            }
            String postal = postalCode == null ? "" : postalCode;
            String regionPart = region == null ? "" : region;
            String cityLine = switch (country == null ? "" : country) {
                case "US", "CA", "AU" -> (city + " " + regionPart + " " + postal).strip().replaceAll(" +", " ");
                case "GB", "IE" -> city + (postal.isEmpty() ? "" : "\n" + postal);
                case "BR" -> city + (regionPart.isEmpty() ? "" : " - " + regionPart) + (postal.isEmpty() ? "" : "\n" + postal);
                case "JP" -> (postal.isEmpty() ? "" : "〒" + postal + " ") + city;
                default -> (postal + " " + city).strip();
            };
            lines.addAll(List.of(cityLine.split("\n")));
            lines.add(new Locale("", country).getDisplayCountry(Locale.ENGLISH).toUpperCase(Locale.ROOT));
            return lines;
        }
    }

    /** What the top of the letter says besides the address. */
    record Heading(String company, String reference, String referenceLabel, String advisoryLine) {
    }

    private final LetterFonts fonts;

    LetterDocument(LetterFonts fonts) {
        this.fonts = fonts;
    }

    /** The notice's HTML part, cleaned to text markup, laid out as a letter and rendered to PDF bytes. */
    byte[] render(String noticeHtml, String locale, boolean rightToLeft, Address to, Heading heading) {
        String missing = fonts.missingFor(noticeHtml + String.join(" ", to.lines())).orElse(null);
        if (missing != null) {
            throw new IllegalStateException("this letter needs " + missing + ", which is not under the letter font folders"
                    + " (TOCSIN_LETTER_FONT_DIRS): install it, then resend");
        }
        Paper paper = Paper.forCountry(to.country());
        Document letter = layout(noticeHtml, locale, rightToLeft, to, heading, paper);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        PdfRendererBuilder builder = new PdfRendererBuilder();
        builder.useFastMode();
        for (LetterFonts.Font font : fonts.available()) {
            if (font.file() != null) {
                builder.useFont(font.file(), font.family());
            } else {
                builder.useFont(font::open, font.family());
            }
        }
        builder.useUnicodeBidiSplitter(new ICUBidiSplitter.ICUBidiSplitterFactory());
        builder.useUnicodeBidiReorderer(new ICUBidiReorderer());
        builder.defaultTextDirection(rightToLeft ? BaseRendererBuilder.TextDirection.RTL : BaseRendererBuilder.TextDirection.LTR);
        // nothing is fetched: no URI resolves, so a value in the notice cannot make the renderer reach anywhere
        builder.useUriResolver((base, uri) -> null);
        builder.useProtocolsStreamImplementation(url -> null, "http", "https", "file", "ftp", "jar");
        builder.withProducer("Tocsin");
        builder.withW3cDocument(new org.jsoup.helper.W3CDom().fromJsoup(letter), null);
        builder.toStream(out);
        try {
            builder.run();
        } catch (IOException e) {
            throw new IllegalStateException("the letter could not be rendered: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Text markup the notice may keep in a letter. */
    private static final Safelist TEXT = new Safelist()
            .addTags("h1", "h2", "h3", "p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "span", "div")
            .addAttributes(":all", "dir");

    static Document layout(String noticeHtml, String locale, boolean rightToLeft, Address to, Heading heading, Paper paper) {
        Document notice = Jsoup.parse(noticeHtml);
        Element body = notice.body();
        // the company header line of the email: the letter has its own
        Element first = body.children().first();
        if (first != null && first.tagName().equals("p") && first.hasAttr("style")) {
            first.remove();
        }
        String cleaned = Jsoup.clean(body.html(), TEXT);

        double margin = paper == Paper.LETTER ? 19.05 : 20;
        Window w = paper.window;
        Document letter = Document.createShell("");
        letter.outputSettings().syntax(Document.OutputSettings.Syntax.xml).charset("UTF-8");
        letter.selectFirst("html").attr("lang", locale);
        letter.head().appendElement("style").appendText(
                "@page { size: " + mm(paper.width) + " " + mm(paper.height) + "; margin: " + mm(margin) + "; }\n"
                + "body { font-family: " + LetterFonts.FAMILIES + "; font-size: 11pt; line-height: 1.35; color: #000; margin: 0; }\n"
                + "h1 { font-size: 16pt; margin: 0 0 3mm 0; } h2 { font-size: 12.5pt; margin: 5mm 0 1.5mm 0; }\n"
                + "p, li { margin: 0 0 2mm 0; } ul, ol { margin: 0 0 2mm 0; }\n"
                + ".sender { position: absolute; top: 0; left: 0; width: " + mm(paper.width - 2 * margin) + "; font-size: 10pt; }\n"
                + ".sender .company { font-size: 14pt; font-weight: bold; }\n"
                + ".window { position: absolute; left: " + mm(w.left() + 4 - margin) + "; top: " + mm(w.top() + 3 - margin)
                + "; width: " + mm(w.width() - 8) + "; height: " + mm(w.height() - 6) + "; font-size: 10pt; line-height: 12pt;"
                + " overflow: hidden; direction: ltr; text-align: left; }\n"
                + ".reference { position: absolute; top: " + mm(w.top() - margin) + "; left: " + mm(w.left() + w.width() + 8 - margin)
                + "; width: " + mm(paper.width - margin - (w.left() + w.width() + 8)) + "; font-size: 10pt; }\n"
                + ".content { margin-top: " + mm(w.top() + w.height() + 8 - margin) + "; }\n");
        Element page = letter.body();
        Element sender = page.appendElement("div").addClass("sender");
        sender.appendElement("div").addClass("company").text(heading.company());
        Element window = page.appendElement("div").addClass("window");
        List<String> lines = to.lines();
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                window.appendElement("br");
            }
            window.appendText(lines.get(i));
        }
        Element reference = page.appendElement("div").addClass("reference");
        reference.appendElement("div").text(heading.referenceLabel() + ": " + heading.reference());
        reference.appendElement("div").text(heading.advisoryLine());
        Element content = page.appendElement("div").addClass("content").attr("dir", rightToLeft ? "rtl" : "ltr");
        content.append(cleaned);
        return letter;
    }

    private static String mm(double value) {
        return String.format(Locale.ROOT, "%.2fmm", value);
    }
}
