package dev.tocsin.campaign;

import dev.tocsin.testing.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.internet.MimeMessage;

import java.util.Arrays;
import java.util.List;

/** Production wiring: PostgreSQL, RabbitMQ and an SMTP server (GreenMail). */
@QuarkusTest
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class EmailCampaignFlowTest extends EmailCampaignFlowContract {

    @Override
    protected java.nio.file.Path logFile() {
        return java.nio.file.Path.of("target", "tocsin-test.log");
    }

    @Override
    protected String expectedProviderResponsePrefix() {
        return "250";
    }

    @Override
    protected List<MimeMessage> received(String campaignId, List<String> addresses) {
        return Arrays.stream(TestServices.greenMail().getReceivedMessages())
                .filter(m -> addresses.contains(dev.tocsin.testing.Mail.to(m)))
                .toList();
    }
}
