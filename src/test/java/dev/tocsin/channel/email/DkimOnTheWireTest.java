package dev.tocsin.channel.email;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Mail;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * DKIM over the real path: a campaign's notices go through the pipelined SMTP connection to GreenMail, and
 * dkimpy verifies the signature on the bytes the server received (the tests' Ed25519 key, application.properties).
 */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class DkimOnTheWireTest {

    /** The public half of %test.tocsin.dkim.private-key, as test2026._domainkey.example.com would publish it. */
    static final String RECORD = "v=DKIM1; k=ed25519; p=tGoX5M6twm5H4GQrz/iDZmBszRWoENjm0nQqVmvubYI=";

    @BeforeEach
    void signIn() {
        TestUsers.ensure();
    }

    @Test
    void everyNoticeArrivesSignedAndVerifiable() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.createIncident("dkim " + run);
        StringBuilder csv = new StringBuilder("account_id,email,locale,exposed\n");
        String[] locales = {"en", "ar", "ja", "de"};
        for (int i = 0; i < locales.length; i++) {
            csv.append("k").append(i).append('-').append(run).append(",k").append(i).append('-').append(run)
                    .append("@example.com,").append(locales[i]).append(",password\n");
        }
        Api.uploadCsv(incident, csv.toString()).statusCode(200);
        Api.launchAndWait(incident, "dkim " + run, java.util.List.of("email"), "all");
        for (int i = 0; i < locales.length; i++) {
            String to = "k" + i + "-" + run + "@example.com";
            MimeMessage m = Arrays.stream(TestServices.greenMail().getReceivedMessages()).filter(x -> Mail.to(x).equals(to))
                    .findFirst().orElseThrow();
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            m.writeTo(raw);
            assertEquals("True", DkimSignerTest.dkimpy(raw.toByteArray(), java.util.Map.of("test2026", RECORD)),
                    "the " + locales[i] + " notice verifies");
        }
    }
}
