package dev.tocsin.tracking;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Mail;
import dev.tocsin.testing.TestServices;
import jakarta.mail.internet.MimeMessage;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** People notified by email through the SMTP server (GreenMail), and what each one's notice says. */
final class Recipients {

    private static final Pattern LINK = Pattern.compile("https?://[^\\s\"<>]+/a/([0-9a-z]+\\.[A-Za-z0-9_-]{22})");
    private static final Pattern REFERENCE = Pattern.compile("TCS-[A-Z2-9]{5}-[A-Z2-9]{5}");

    private Recipients() {
    }

    record Received(String address, String token, String reference) {
    }

    /** Sends a campaign to one reader per locale; the advisory token and reference in each one's email. */
    static Map<String, Received> notify(String run, List<String> locales) {
        String incident = Api.createIncident("Recipient pages " + run);
        StringBuilder csv = new StringBuilder("account_id,email,locale,timezone,exposed\n");
        for (String locale : locales) {
            csv.append(locale).append('-').append(run).append(',').append(locale).append('-').append(run)
                    .append("@example.com,").append(locale).append(",Europe/London,password\n");
        }
        Api.uploadCsv(incident, csv.toString()).statusCode(200);
        Api.launchAndWait(incident, "pages " + run, List.of("email"), "all");
        Map<String, Received> byLocale = new HashMap<>();
        for (String locale : locales) {
            String address = locale + "-" + run + "@example.com";
            MimeMessage m = Arrays.stream(TestServices.greenMail().getReceivedMessages())
                    .filter(x -> Mail.to(x).equals(address)).findFirst().orElseThrow();
            String text = Mail.part(m, "text/plain");
            Matcher link = LINK.matcher(text);
            Matcher reference = REFERENCE.matcher(text);
            assertTrue(link.find(), text);
            assertTrue(reference.find(), text);
            byLocale.put(locale, new Received(address, link.group(1), reference.group()));
        }
        return byLocale;
    }
}
