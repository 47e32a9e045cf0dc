package dev.tocsin.channel.letter;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Letters by post, as a mail house and a regulator see them: a print-ready PDF per person in their language,
 * the address where the envelope's window shows it, every font embedded, the reference and what the law of
 * their place requires; batches handed over become delivered, returned letters undeliverable and never mailed
 * again.
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class LetterCampaignTest {

    @BeforeEach
    void signIn() {
        TestUsers.ensure();
    }

    private static final double POINTS_PER_MM = 72 / 25.4;

    @Test
    void aReturnedMailListLongerThanTenThousandLinesIsRefusedWholeAndSaysToSplitIt() {
        String tooLong = "TCS-ZZZZZ-ZZZZZ\n".repeat(10_001);
        given().contentType("text/plain").body(tooLong).post("/api/letters/returned").then().statusCode(400)
                .body("error", equalTo("too_many_lines"))
                .body("message", org.hamcrest.Matchers.containsString("send it in parts"));
        given().contentType("text/plain").body("TCS-ZZZZZ-ZZZZZ\n".repeat(10_000)).post("/api/letters/returned").then()
                .statusCode(200).body("returned", equalTo(0)).body("lines.size()", equalTo(10_000));
    }

    @Test
    void lettersArePrintedBatchedHandedOverAndReturned() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("Letters " + run);
        Api.uploadCsv(incident, "account_id,locale,country,region,name,exposed,address_line1,address_line2,city,postal_code\n"
                + "us-" + run + ",en,US,CA,Pat Example,ssn;email,1 Market Street,Apt 2,San Francisco,94105\n"
                + "jp-" + run + ",ja,JP,,山田 花子,email;password_hash,千代田1-1,,千代田区,100-0001\n"
                + "ae-" + run + ",ar,AE,,ليلى أحمد,email;password,12 Corniche Road,,Abu Dhabi,\n"
                + "nowhere-" + run + ",en,US,NY,No Address,email,,,,\n").statusCode(200).body("accepted", equalTo(4));
        given().contentType(ContentType.JSON).body(Map.of("companyActions", List.of("We took the server offline."),
                        "dpo", Map.of("name", "Dana Officer", "email", "dpo@example.com"),
                        "offer", Map.of("service", "IdentityGuard", "months", 24, "enrolmentUrl", "https://localhost/enrol")))
                .put("/api/incidents/" + incident + "/facts").then().statusCode(200);
        String campaign = Api.campaign(incident).name("letters " + run).channels("letter").create();
        Api.get("/api/campaigns/" + campaign + "/audience").statusCode(200)
                .body("byChannel.letter", equalTo(3)).body("unreachable", equalTo(1));
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        Api.awaitCompleted(campaign);
        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200).body("byStatus.sent", equalTo(3));

        String batch = given().contentType(ContentType.JSON).body(Map.of("campaignId", campaign))
                .post("/api/letters/batches").then().statusCode(201).body("letters", equalTo(3)).extract().path("id");
        given().contentType(ContentType.JSON).body(Map.of("campaignId", campaign))
                .post("/api/letters/batches").then().statusCode(409).body("error", equalTo("no_letters_waiting"));

        byte[] zip = given().get("/api/letters/batches/" + batch + "/letters.zip").then().statusCode(200)
                .contentType("application/zip").extract().asByteArray();
        Map<String, byte[]> files = unzip(zip);
        List<String> manifest = List.of(new String(files.get("manifest.csv"), StandardCharsets.UTF_8).split("\r\n"));
        assertEquals("sequence,file,reference,pages,paper,name,address_line1,address_line2,city,region,postal_code,country,"
                + "campaign_id,delivery_id", manifest.get(0));
        assertEquals(4, manifest.size(), manifest.toString());
        Map<String, String> referenceOf = new HashMap<>();
        for (String row : manifest.subList(1, 4)) {
            String[] f = row.split(",");
            assertTrue(files.containsKey(f[1]), "the manifest names a file in the ZIP: " + f[1]);
            referenceOf.put(f[11], f[2]);
        }

        // the Californian: US Letter, address in the #10 window, the reference, California's elements
        byte[] us = files.get(fileFor(manifest, "US"));
        try (PDDocument pdf = Loader.loadPDF(us)) {
            PDPage first = pdf.getPage(0);
            assertEquals(215.9, first.getMediaBox().getWidth() / POINTS_PER_MM, 0.5, "US Letter");
            allFontsEmbedded(pdf);
            String text = new PDFTextStripper().getText(pdf).replaceAll("[\u2068\u2069]", "");
            for (String expected : List.of("Pat Example", "1 Market Street", "San Francisco CA 94105", referenceOf.get("US"),
                    "Notice of Data Breach", "1798.82", "1-888-298-0045", "Atlanta, GA 30348-5788",
                    "24 months of IdentityGuard", "/verify")) {
                assertTrue(text.contains(expected), "the letter shows " + expected + "\n" + text);
            }
            assertInside(pdf, "1 Market Street", LetterDocument.LETTER_WINDOW);
            assertInside(pdf, "San Francisco CA 94105", LetterDocument.LETTER_WINDOW);
            assertSizesAtLeast(pdf, 10f);
        }
        // Japan and the Emirates: A4, address in the DL window, Japanese and Arabic fonts embedded
        for (String country : List.of("JP", "AE")) {
            byte[] bytes = files.get(fileFor(manifest, country));
            try (PDDocument pdf = Loader.loadPDF(bytes)) {
                assertEquals(210, pdf.getPage(0).getMediaBox().getWidth() / POINTS_PER_MM, 0.5, "A4 for " + country);
                allFontsEmbedded(pdf);
                String text = new PDFTextStripper().getText(pdf);
                assertTrue(text.contains(referenceOf.get(country)), text);
                assertInside(pdf, country.equals("JP") ? "JAPAN" : "UNITED ARAB EMIRATES", LetterDocument.A4_WINDOW);
                List<String> fonts = fontNames(pdf);
                assertTrue(fonts.stream().anyMatch(f -> f.contains(country.equals("JP") ? "IPA" : "Arabic")), fonts.toString());
            }
            screenshot(bytes, "letter-" + country.toLowerCase());
        }

        // handed over: delivered to the postal service, once
        given().post("/api/letters/batches/" + batch + "/handover").then().statusCode(200)
                .body("handedOverBy", equalTo(TestUsers.OPERATOR));
        given().post("/api/letters/batches/" + batch + "/handover").then().statusCode(409);
        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200).body("byStatus.delivered", equalTo(3));

        // the Californian's letter comes back: typed as read off the envelope
        String typed = referenceOf.get("US").toLowerCase().replace("-", " ");
        given().contentType("text/plain").body("reference\n" + typed + "\nTCS-ZZZZZ-ZZZZZ\nnot a reference\n" + typed + "\n")
                .post("/api/letters/returned").then().statusCode(200)
                .body("returned", equalTo(1))
                .body("lines.outcome", equalTo(List.of("returned", "unknown", "invalid", "already_returned")))
                .body("lines[0].line", equalTo(2));
        Api.get("/api/campaigns/" + campaign + "/stats").statusCode(200)
                .body("byStatus.delivered", equalTo(2)).body("byStatus.undeliverable", equalTo(1));
        // the address is not mailed again by a later letter campaign
        String again = Api.campaign(incident).name("letters again " + run).channels("letter").create();
        Api.get("/api/campaigns/" + again + "/audience").statusCode(200).body("byChannel.letter", equalTo(2));
        TestUsers.as(TestUsers.AUDITOR).get("/api/letters/batches").then().statusCode(200);
        TestUsers.as(TestUsers.AUDITOR).contentType(ContentType.JSON).body("{}").post("/api/letters/batches").then().statusCode(403);
    }

    private static String fileFor(List<String> manifest, String country) {
        return manifest.stream().filter(r -> r.split(",")[11].equals(country)).findFirst().orElseThrow().split(",")[1];
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                files.put(entry.getName(), in.readAllBytes());
            }
        }
        return files;
    }

    private static List<String> fontNames(PDDocument pdf) throws IOException {
        List<String> names = new ArrayList<>();
        for (PDPage page : pdf.getPages()) {
            for (var name : page.getResources().getFontNames()) {
                names.add(page.getResources().getFont(name).getName());
            }
        }
        return names;
    }

    private static void allFontsEmbedded(PDDocument pdf) throws IOException {
        for (PDPage page : pdf.getPages()) {
            for (var name : page.getResources().getFontNames()) {
                PDFont font = page.getResources().getFont(name);
                assertTrue(font.isEmbedded(), "font " + font.getName() + " is embedded");
            }
        }
    }

    /** Where a text is printed on the first page, in mm from the top-left corner, must lie in the window. */
    private static void assertInside(PDDocument pdf, String needle, LetterDocument.Window window) throws IOException {
        List<TextPosition> positions = new ArrayList<>();
        StringBuilder chars = new StringBuilder();
        PDFTextStripper stripper = new PDFTextStripper() {
            @Override
            protected void writeString(String text, List<TextPosition> textPositions) {
                for (TextPosition p : textPositions) {
                    positions.add(p);
                    chars.append(p.getUnicode().isEmpty() ? " " : p.getUnicode().substring(0, 1));
                }
            }
        };
        stripper.setStartPage(1);
        stripper.setEndPage(1);
        stripper.getText(pdf);
        int at = chars.indexOf(needle);
        assertTrue(at >= 0, "'" + needle + "' is on the first page: " + chars);
        for (int i = at; i < at + needle.length(); i++) {
            TextPosition p = positions.get(i);
            double x = p.getXDirAdj() / POINTS_PER_MM;
            double top = (p.getYDirAdj() - p.getHeightDir()) / POINTS_PER_MM;
            double bottom = p.getYDirAdj() / POINTS_PER_MM;
            assertTrue(x >= window.left() && x + p.getWidthDirAdj() / POINTS_PER_MM <= window.left() + window.width()
                            && top >= window.top() && bottom <= window.top() + window.height(),
                    "'" + needle + "' at x " + x + " mm, y " + top + "-" + bottom + " mm is outside the window " + window);
        }
    }

    private static void assertSizesAtLeast(PDDocument pdf, float points) throws IOException {
        List<Float> sizes = new ArrayList<>();
        PDFTextStripper stripper = new PDFTextStripper() {
            @Override
            protected void writeString(String text, List<TextPosition> textPositions) {
                textPositions.forEach(p -> sizes.add(p.getFontSizeInPt()));
            }
        };
        stripper.getText(pdf);
        float smallest = (float) sizes.stream().mapToDouble(Float::doubleValue).min().orElseThrow();
        assertTrue(smallest >= points - 0.01, "the smallest text is " + smallest + " pt");
    }

    /** What a person sees: pdftoppm's render of the first page, kept under target/screenshots/. */
    private static void screenshot(byte[] pdf, String name) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Path file = dir.resolve(name + ".pdf");
        Files.write(file, pdf);
        Process p = new ProcessBuilder("pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", "-singlefile",
                file.toString(), dir.resolve(name).toString()).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertFalse(Files.size(dir.resolve(name + ".png")) < 1000, "a rendered page");
    }
}
