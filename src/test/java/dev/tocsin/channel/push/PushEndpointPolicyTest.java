package dev.tocsin.channel.push;

import com.sun.net.httpserver.HttpServer;
import dev.tocsin.common.PublicAddresses;
import dev.tocsin.delivery.SendResult;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Outbound URLs (issue 12, item 3): every address class and spelling refused, at registration and at connection. */
class PushEndpointPolicyTest {

    private static final List<String> PUSH_SERVICES = List.of("fcm.googleapis.com", "updates.push.services.mozilla.com",
            "*.push.apple.com", "*.notify.windows.com");

    private final PushEndpointPolicy production = new PushEndpointPolicy(PUSH_SERVICES, false, List.of());
    private final PushEndpointPolicy anyPublicHost = new PushEndpointPolicy(List.of("*"), true, List.of());

    @Test
    void urlsThatDoNotNameAnAllowedPushServiceAreRefused() {
        for (String url : List.of("https://127.0.0.1:8443/", "https://localhost/", "https://169.254.169.254/latest/meta-data",
                "https://[::1]/", "https://2130706433/", "https://fcm.googleapis.com@127.0.0.1/", "https://017700000001/",
                "https://0x7f.0.0.1/", "https://127.1/", "https://[::ffff:7f00:1]/", "https://[0:0:0:0:0:ffff:127.0.0.1]/",
                "https://user:pw@fcm.googleapis.com/x", "http://fcm.googleapis.com/x", "https://fcm.googleapis.com:8443/x",
                "https://fcm.googleapis.com.evil.example/x", "https://evilfcm.googleapis.com/x", "https://push.apple.com.evil/",
                "https://metadata.google.internal/", "ftp://fcm.googleapis.com/", "javascript:alert(1)", "//fcm.googleapis.com/x",
                "https:///x", "https://fcm.googleapis.com%2F@127.0.0.1/", "https://xn--/x", "", "https://[fd00:ec2::254]/")) {
            assertThrows(PushEndpointPolicy.Refused.class, () -> production.checkUrl(url), url);
        }
        for (String url : List.of("https://fcm.googleapis.com/fcm/send/abc:def", "https://updates.push.services.mozilla.com/wpush/v2/x",
                "https://web.push.apple.com/QGx", "https://db5p.notify.windows.com/w/?token=x", "https://FCM.googleapis.com/x")) {
            assertDoesNotThrow(() -> production.checkUrl(url), url);
        }
    }

    @Test
    void aNameThatResolvesInsideTheNetworkIsRefusedEvenWhenAnyHostIsAllowed() {
        assertThrows(PushEndpointPolicy.Refused.class, () -> anyPublicHost.resolve("localhost"));
        assertThrows(PushEndpointPolicy.Refused.class, () -> anyPublicHost.resolve("no-such-host.invalid"));
        // The message says what to fix, not what answered on the network
        PushEndpointPolicy.Refused refused = assertThrows(PushEndpointPolicy.Refused.class, () -> anyPublicHost.check("http://localhost:1/x"));
        assertFalse(refused.getMessage().contains("127.0.0.1"), refused.getMessage());
    }

    @Test
    void everyNonPublicAddressClassIsRecognised() throws Exception {
        for (String address : List.of("127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                "192.168.0.1", "169.254.169.254", "100.64.0.1", "100.100.100.200", "0.0.0.0", "0.1.2.3", "224.0.0.1",
                "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.2.1", "198.51.100.1", "203.0.113.1", "198.18.0.1",
                "192.0.0.8", "::1", "::", "fe80::1", "fec0::1", "fc00::1", "fd00:ec2::254", "ff02::1", "::ffff:127.0.0.1",
                "::ffff:10.0.0.1", "::127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1", "2001:0:4136:e378::1",
                "2001:db8::1", "100::1", "4000::1")) {
            assertNotNull(PublicAddresses.whyNot(InetAddress.getByName(address)), address);
        }
        for (String address : List.of("8.8.8.8", "1.1.1.1", "142.250.74.42", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111",
                "2a00:1450:4001:80b::200a")) {
            assertNull(PublicAddresses.whyNot(InetAddress.getByName(address)), address);
        }
    }

    @Test
    void theGatewayChecksAgainWhenItConnects() throws Exception {
        // A subscription stored earlier whose host now leads to this machine: nothing reaches the listener
        HttpServer listener = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger requests = new AtomicInteger();
        listener.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        listener.start();
        try {
            String endpoint = "http://localhost:" + listener.getAddress().getPort() + "/push/x";
            OutgoingPush push = new OutgoingPush(7, "c", 1, endpoint, browserKey(), "tBHItJI5svbpez7KI4CCXg", "{}".getBytes());
            SendResult refused = send(anyPublicHost, push);
            assertEquals(SendResult.Outcome.FAILED, refused.outcome());
            assertTrue(refused.response().contains("outbound policy"), refused.response());
            assertFalse(refused.response().contains(String.valueOf(listener.getAddress().getPort())), refused.response());
            assertEquals(0, requests.get(), "the refused endpoint was never contacted");

            // The same request with localhost allowed reaches the listener: the check above is what stopped it
            SendResult sent = send(new PushEndpointPolicy(List.of("*"), true, List.of("localhost")), push);
            assertEquals(SendResult.Outcome.SENT, sent.outcome(), sent.response());
            assertEquals(1, requests.get());
        } finally {
            listener.stop(0);
        }
    }

    private static SendResult send(PushEndpointPolicy policy, OutgoingPush push) throws Exception {
        String[] pair = VapidKeys.generate().split("\\.");
        VapidKeys keys = VapidKeys.of(pair[0], pair[1]);
        try (WebPushGateway gateway = new WebPushGateway(keys, "mailto:security@example.com", Duration.ofHours(1),
                Duration.ofSeconds(5), 2, policy)) {
            return gateway.send(List.of(push)).get(0);
        }
    }

    /** A browser's subscription key: a real P-256 point. */
    private static String browserKey() {
        return VapidKeys.generate().split("\\.")[0];
    }
}
