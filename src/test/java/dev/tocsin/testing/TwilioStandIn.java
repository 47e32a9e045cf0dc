package dev.tocsin.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * A local stand-in for Twilio's Messages API, answering as Twilio does: 201 with a message resource, or
 * Twilio's error JSON with its codes. Numbers with special behaviour:
 * +15005550001 invalid (21211), +15005550004 unsubscribed (21610),
 * +15005550009 and +15005550019 answer 429 (20429), then 500, then accept; every number starting with
 * {@link #STORM_PREFIX} does the same, each on its own (a rate-limit storm over a whole campaign).
 */
public final class TwilioStandIn {

    public static final String INVALID = "+15005550001";
    public static final String UNSUBSCRIBED = "+15005550004";
    public static final String FLAKY = "+15005550009";
    public static final String FLAKY_TOO = "+15005550019";
    /** +1 500 4xx xxxx: valid (personal) numbers, apart from the fixed ones above (+1 500 555 ...). */
    public static final String STORM_PREFIX = "+15004";
    /** Always answered with the message SID {@link #EARLY_SID}, so a test can send its callback first. */
    public static final String EARLY = "+15005550006";
    public static final String EARLY_SID = "SM0000000000000000000000000ea71e5";

    private final WireMockServer server;
    private final String messagesPath;

    TwilioStandIn(String accountSid) {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").globalTemplating(true)
                .extensions(new PerNumberStorm(accountSid)).containerThreads(40));
        server.start();
        messagesPath = "/2010-04-01/Accounts/" + accountSid + "/Messages.json";
        server.stubFor(post(urlEqualTo(messagesPath)).atPriority(10).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"sid\":\"SM{{randomValue length=32 type='HEXADECIMAL'}}\",\"account_sid\":\"" + accountSid
                        + "\",\"status\":\"accepted\",\"num_segments\":\"1\",\"direction\":\"outbound-api\"}")));
        error(INVALID, 400, 21211, "The 'To' number is not a valid phone number.");
        error(UNSUBSCRIBED, 400, 21610, "Attempt to send to unsubscribed recipient");
        flaky(FLAKY);
        flaky(FLAKY_TOO);
        server.stubFor(post(urlEqualTo(messagesPath)).atPriority(1)
                .withRequestBody(containing("To=" + URLEncoder.encode(EARLY, StandardCharsets.UTF_8)))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\":\"" + EARLY_SID + "\",\"account_sid\":\"" + accountSid
                                + "\",\"status\":\"accepted\",\"num_segments\":\"1\"}")));
        server.stubFor(post(urlEqualTo(messagesPath)).atPriority(2)
                .withRequestBody(containing("To=" + URLEncoder.encode(STORM_PREFIX, StandardCharsets.UTF_8)))
                .willReturn(aResponse().withTransformers(PerNumberStorm.NAME)));
    }

    /** Counts requests per number: the first is answered 429, the second 500, the rest are accepted. */
    private static final class PerNumberStorm implements ResponseDefinitionTransformerV2 {
        static final String NAME = "per-number-storm";
        private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        private final String accountSid;

        PerNumberStorm(String accountSid) {
            this.accountSid = accountSid;
        }

        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            String to = sent(event.getRequest().getBodyAsString()).get("To");
            int n = seen.computeIfAbsent(to, k -> new AtomicInteger()).incrementAndGet();
            ResponseDefinitionBuilder answer = ResponseDefinitionBuilder.responseDefinition()
                    .withHeader("Content-Type", "application/json");
            if (n == 1) {
                return answer.withStatus(429).withBody("{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}").build();
            }
            if (n == 2) {
                return answer.withStatus(500).withBody("{\"code\":20500,\"message\":\"Internal Server Error\",\"status\":500}").build();
            }
            return answer.withStatus(201).withBody("{\"sid\":\"SM" + UUID.randomUUID().toString().replace("-", "")
                    + "\",\"account_sid\":\"" + accountSid + "\",\"status\":\"accepted\",\"num_segments\":\"1\"}").build();
        }
    }

    private void error(String number, int http, int code, String message) {
        server.stubFor(post(urlEqualTo(messagesPath)).atPriority(1)
                .withRequestBody(containing("To=" + URLEncoder.encode(number, StandardCharsets.UTF_8)))
                .willReturn(aResponse().withStatus(http).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":" + code + ",\"message\":\"" + message + "\",\"more_info\":"
                                + "\"https://www.twilio.com/docs/errors/" + code + "\",\"status\":" + http + "}")));
    }

    private void flaky(String number) {
        String scenario = "flaky " + number;
        server.stubFor(post(urlEqualTo(messagesPath)).atPriority(1).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).withRequestBody(containing("To=" + URLEncoder.encode(number, StandardCharsets.UTF_8)))
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}"))
                .willSetStateTo("rate limited once"));
        server.stubFor(post(urlEqualTo(messagesPath)).atPriority(1).inScenario(scenario)
                .whenScenarioStateIs("rate limited once").withRequestBody(containing("To=" + URLEncoder.encode(number, StandardCharsets.UTF_8)))
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":20500,\"message\":\"Internal Server Error\",\"status\":500}"))
                .willSetStateTo("recovered"));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** A message Twilio answered, with the form fields it was sent. */
    public record Sent(int status, Map<String, String> form, String responseBody) {
        public String to() {
            return form.get("To");
        }
    }

    /** Requests for these numbers, oldest first. */
    public List<Sent> requestsTo(List<String> numbers) {
        List<ServeEvent> events = new java.util.ArrayList<>(server.getAllServeEvents());
        java.util.Collections.reverse(events); // WireMock lists the newest first
        return events.stream()
                .filter(e -> e.getRequest().getUrl().equals(messagesPath))
                .map(TwilioStandIn::sent)
                .filter(s -> numbers.contains(s.to()))
                .toList();
    }

    private static Sent sent(ServeEvent e) {
        return new Sent(e.getResponse().getStatus(), sent(e.getRequest().getBodyAsString()), e.getResponse().getBodyAsString());
    }

    private static Map<String, String> sent(String formBody) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : formBody.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }

    /** Successful creates per number: what each recipient actually got. */
    public Map<String, Long> acceptedPerNumber(List<String> numbers) {
        return requestsTo(numbers).stream().filter(s -> s.status() == 201)
                .collect(Collectors.groupingBy(Sent::to, Collectors.counting()));
    }
}
