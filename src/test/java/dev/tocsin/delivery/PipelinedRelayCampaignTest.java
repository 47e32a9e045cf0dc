package dev.tocsin.delivery;

import dev.tocsin.testing.Api;
import dev.tocsin.testing.Mail;
import dev.tocsin.testing.SmtpCapabilityProxy;
import dev.tocsin.testing.TestServices;
import dev.tocsin.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A campaign through a relay that offers PIPELINING (GreenMail behind {@link SmtpCapabilityProxy}), so the
 * notices go as pipelined streams, with one connection cut in the middle of a stream (after a notice's
 * envelope, before its DATA reached the server): the engine retries that notice and the rest of its chunk,
 * every recipient gets exactly one notice (counted per Message-ID at the server), and the stats equal what
 * arrived. (A cut after a body went out, where the server may have stored it, is SmtpPipeliningTest's.)
 */
@QuarkusTest
@TestProfile(PipelinedRelayCampaignTest.ThroughRelay.class)
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = true)
class PipelinedRelayCampaignTest {

    static final int RECIPIENTS = 500;
    static final SmtpCapabilityProxy RELAY = relay();

    private static SmtpCapabilityProxy relay() {
        try {
            return new SmtpCapabilityProxy(TestServices::smtpPort, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static class ThroughRelay implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tocsin.smtp.port", Integer.toString(RELAY.port()));
        }
    }

    @BeforeEach
    void users() {
        TestUsers.ensure();
    }

    private static String messageId(MimeMessage m) {
        try {
            return m.getMessageID();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyoneGetsExactlyOneNoticeThoughAConnectionIsCutMidStream() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String incident = Api.incidentWithEmailAccounts("p", run, RECIPIENTS);
        RELAY.dropBeforeData("p300-" + run + "@example.com");
        String campaign = Api.createCampaign(incident, List.of("password"));
        Api.approve(campaign).statusCode(200);
        Api.post("/api/campaigns/" + campaign + "/launch").statusCode(200);
        Api.awaitCompleted(campaign);

        List<MimeMessage> ours = Arrays.stream(TestServices.greenMail().getReceivedMessages())
                .filter(m -> Mail.to(m).endsWith("-" + run + "@example.com")).toList();
        Map<String, Long> perMessageId = ours.stream()
                .collect(Collectors.groupingBy(PipelinedRelayCampaignTest::messageId, Collectors.counting()));
        assertEquals(RECIPIENTS, perMessageId.size(), "every notice arrived");
        assertEquals(List.of(), perMessageId.entrySet().stream().filter(e -> e.getValue() > 1).toList(),
                "none arrived twice");
        assertEquals(RECIPIENTS, ours.stream().map(Mail::to).distinct().count(), "one per recipient");
        Api.get("/api/campaigns/" + campaign + "/stats").body("byStatus.sent", equalTo(RECIPIENTS));
        assertTrue(RELAY.bodiesPipelined().contains(true), "the notices went as pipelined streams");
        assertTrue(RELAY.envelopesPipelined().stream().allMatch(b -> b), "every envelope was pipelined");
        // The notice whose stream was cut went out on its second attempt.
        Api.get("/api/deliveries?accountId=p300-" + run).body("[0].attempts", equalTo(2))
                .body("[0].status", equalTo("sent"));
    }
}
