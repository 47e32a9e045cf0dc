package dev.tocsin.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * A local stand-in for a browser push service (RFC 8030): it takes encrypted push messages on
 * /push/{subscription} and answers 201 Created with a Location, as FCM and Mozilla's autopush do. Special
 * subscriptions: gone-* answers 410, missing-* 404; {@link #flaky} ones answer 429, then 503, then 201.
 * {@link Browser} plays the subscribing browser: it holds the keys and decrypts what arrived.
 */
public final class PushStandIn {

    private final WireMockServer server;

    PushStandIn() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").globalTemplating(true)
                .containerThreads(40));
        server.start();
        server.stubFor(post(urlPathMatching("/push/.*")).atPriority(10).willReturn(aResponse().withStatus(201)
                .withHeader("Location", "/push/messages/{{randomValue length=24 type='ALPHANUMERIC'}}")));
        server.stubFor(post(urlPathMatching("/push/gone-.*")).atPriority(5).willReturn(aResponse().withStatus(410)
                .withBody("push subscription has unsubscribed or expired.")));
        server.stubFor(post(urlPathMatching("/push/missing-.*")).atPriority(5).willReturn(aResponse().withStatus(404)
                .withBody("not found")));
    }

    /** The next pushes to this subscription are answered 429, then 503, then accepted. */
    public void flaky(String subscription) {
        String path = "/push/" + subscription;
        String scenario = "flaky push " + subscription;
        server.stubFor(post(urlEqualTo(path)).atPriority(1).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withBody("slow down"))
                .willSetStateTo("limited"));
        server.stubFor(post(urlEqualTo(path)).atPriority(1).inScenario(scenario).whenScenarioStateIs("limited")
                .willReturn(aResponse().withStatus(503).withBody("unavailable")).willSetStateTo("recovered"));
    }

    public String endpoint(String subscription) {
        return "http://127.0.0.1:" + server.port() + "/push/" + subscription;
    }

    /** A push request the stand-in answered. */
    public record Received(String subscription, int status, byte[] body, String authorization, String ttl,
                           String contentEncoding, String topic) {
    }

    public List<Received> receivedFor(List<String> subscriptions) {
        List<ServeEvent> events = new java.util.ArrayList<>(server.getAllServeEvents());
        java.util.Collections.reverse(events); // WireMock lists the newest first
        return events.stream()
                .filter(e -> e.getRequest().getUrl().startsWith("/push/"))
                .map(e -> new Received(e.getRequest().getUrl().substring("/push/".length()), e.getResponse().getStatus(),
                        e.getRequest().getBody(), e.getRequest().getHeader("Authorization"), e.getRequest().getHeader("TTL"),
                        e.getRequest().getHeader("Content-Encoding"),
                        e.getRequest().containsHeader("Topic") ? e.getRequest().getHeader("Topic") : null))
                .filter(r -> subscriptions.contains(r.subscription()))
                .toList();
    }

    /** A subscribing browser: its P-256 key pair and auth secret, and the RFC 8291 decryption it would do. */
    public static final class Browser {

        public final String subscription;
        private final KeyPair keys;
        private final byte[] authSecret = new byte[16];

        public Browser(String subscriptionPrefix) {
            this.subscription = subscriptionPrefix + UUID.randomUUID();
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                keys = generator.generateKeyPair();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            new SecureRandom().nextBytes(authSecret);
        }

        public String p256dh() {
            return b64(uncompressed((ECPublicKey) keys.getPublic()));
        }

        public String auth() {
            return b64(authSecret);
        }

        /** RFC 8291 (aes128gcm, RFC 8188 framing, one record): what the browser's push stack does. */
        public String decrypt(byte[] body) {
            try {
                ByteBuffer in = ByteBuffer.wrap(body);
                byte[] salt = new byte[16];
                in.get(salt);
                in.getInt(); // record size
                byte[] serverKey = new byte[in.get() & 0xff];
                in.get(serverKey);
                byte[] ciphertext = new byte[in.remaining()];
                in.get(ciphertext);

                ECPublicKey mine = (ECPublicKey) keys.getPublic();
                ECPublicKey theirs = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                        new ECPoint(new BigInteger(1, Arrays.copyOfRange(serverKey, 1, 33)),
                                new BigInteger(1, Arrays.copyOfRange(serverKey, 33, 65))), mine.getParams()));
                KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
                ecdh.init(keys.getPrivate());
                ecdh.doPhase(theirs, true);
                byte[] shared = ecdh.generateSecret();

                byte[] prkKey = hmac(authSecret, shared);
                byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uncompressed(mine), serverKey,
                        new byte[]{1});
                byte[] ikm = hmac(prkKey, keyInfo);
                byte[] prk = hmac(salt, ikm);
                byte[] cek = Arrays.copyOf(hmac(prk, concat("Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII),
                        new byte[]{1})), 16);
                byte[] nonce = Arrays.copyOf(hmac(prk, concat("Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII),
                        new byte[]{1})), 12);
                Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
                aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
                byte[] padded = aes.doFinal(ciphertext);
                int end = padded.length - 1;
                while (end >= 0 && padded[end] == 0) {
                    end--;
                }
                if (end < 0 || padded[end] != 2) {
                    throw new IllegalStateException("no last-record delimiter in the decrypted push payload");
                }
                return new String(padded, 0, end, StandardCharsets.UTF_8);
            } catch (Exception e) {
                throw new IllegalStateException("push payload could not be decrypted: " + e.getMessage(), e);
            }
        }

        private static byte[] uncompressed(ECPublicKey key) {
            return concat(new byte[]{4}, fixed32(key.getW().getAffineX()), fixed32(key.getW().getAffineY()));
        }

        private static byte[] fixed32(BigInteger v) {
            byte[] raw = v.toByteArray();
            byte[] out = new byte[32];
            int n = Math.min(raw.length, 32);
            System.arraycopy(raw, raw.length - n, out, 32 - n, n);
            return out;
        }

        private static byte[] hmac(byte[] key, byte[] data) throws Exception {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        }

        private static byte[] concat(byte[]... parts) {
            int length = 0;
            for (byte[] p : parts) {
                length += p.length;
            }
            byte[] out = new byte[length];
            int at = 0;
            for (byte[] p : parts) {
                System.arraycopy(p, 0, out, at, p.length);
                at += p.length;
            }
            return out;
        }

        private static String b64(byte[] bytes) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
    }
}
