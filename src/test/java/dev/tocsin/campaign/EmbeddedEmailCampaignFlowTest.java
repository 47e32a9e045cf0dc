package dev.tocsin.campaign;

import dev.tocsin.testing.EmbeddedProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded default (H2 on disk, in-process channel, local outbox): what the README's first command runs. */
@QuarkusTest
@TestProfile(EmbeddedProfile.class)
class EmbeddedEmailCampaignFlowTest extends EmailCampaignFlowContract {

    @Override
    protected Path logFile() {
        return EmbeddedProfile.LOG;
    }

    @Override
    protected String expectedProviderResponsePrefix() {
        return "written to local outbox, not sent";
    }

    @Override
    protected List<MimeMessage> received(String campaignId, List<String> addresses) throws Exception {
        Path dir = EmbeddedProfile.DATA.resolve("outbox").resolve(campaignId);
        assertTrue(Files.isRegularFile(EmbeddedProfile.DATA.resolve("outbox").resolve("README-NOT-SENT.txt")),
                "the outbox says it was not sent");
        List<MimeMessage> messages = new ArrayList<>();
        Session session = Session.getInstance(new Properties());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".eml")).toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    MimeMessage m = new MimeMessage(session, in);
                    assertEquals("NOT SENT - written to the local outbox only; no real person received this",
                            m.getHeader("X-Tocsin-Outbox", null));
                    messages.add(m);
                }
            }
        }
        return messages;
    }
}
