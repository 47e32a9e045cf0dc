package dev.tocsin.channel.email;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An SNS message is believed only when its signature verifies with the certificate at its SigningCertURL, and
 * that URL (like a SubscribeURL we follow) is https on a host matching the configured pattern (AWS's SNS
 * hosts): a message naming a certificate anywhere else is refused without fetching anything. Certificates
 * are fetched with a short timeout and a size limit, and kept (a few) by URL.
 */
@ApplicationScoped
public class SnsMessages {

    @Inject
    SesConfig config;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final Map<String, X509Certificate> certificates = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, X509Certificate> eldest) {
                    return size() > 20;
                }
            });

    /** Why a URL from a message may not be fetched, or null. */
    String urlProblem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException | NullPointerException e) {
            return "not a URL";
        }
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        boolean http = "http".equalsIgnoreCase(uri.getScheme()) && config.allowHttp();
        if ((!https && !http) || uri.getHost() == null || uri.getRawUserInfo() != null) {
            return "not an https URL";
        }
        String host = uri.getHost().toLowerCase(java.util.Locale.ROOT);
        boolean sns = config.certDomains().stream().map(d -> d.strip().toLowerCase(java.util.Locale.ROOT))
                .anyMatch(d -> host.equals(d) || (host.startsWith("sns.") && host.endsWith("." + d)
                        && host.substring(4, host.length() - d.length() - 1).matches("[a-z0-9-]+")));
        if (!sns) {
            return "host " + uri.getHost() + " is not an SNS host (TOCSIN_SES_CERT_DOMAINS)";
        }
        return null;
    }

    /** Whether the message's signature is good (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA). */
    boolean verified(JsonNode m) throws InterruptedException {
        String certUrl = text(m, "SigningCertURL");
        if (certUrl == null || urlProblem(certUrl) != null || !URI.create(certUrl).getPath().endsWith(".pem")) {
            return false;
        }
        String version = text(m, "SignatureVersion");
        String algorithm = "1".equals(version) ? "SHA1withRSA" : "2".equals(version) ? "SHA256withRSA" : null;
        String signature = text(m, "Signature");
        if (algorithm == null || signature == null) {
            return false;
        }
        X509Certificate cert = certificates.get(certUrl);
        if (cert == null) {
            cert = fetch(certUrl);
            if (cert == null) {
                return false;
            }
            certificates.put(certUrl, cert);
        }
        try {
            cert.checkValidity();
            Signature s = Signature.getInstance(algorithm);
            s.initVerify(cert.getPublicKey());
            s.update(canonical(m).getBytes(StandardCharsets.UTF_8));
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The certificate at an SNS URL, or null when it cannot be had (unreachable, not 200, not a certificate). */
    private X509Certificate fetch(String url) throws InterruptedException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                return null;
            }
            byte[] pem = in.readNBytes(32 * 1024);
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
        } catch (GeneralSecurityException | IOException e) {
            return null;
        }
    }

    /** Follows a subscription's SubscribeURL (checked like a certificate URL): true when SNS said 200. */
    boolean confirm(String subscribeUrl) throws InterruptedException {
        if (subscribeUrl == null || urlProblem(subscribeUrl) != null) {
            return false;
        }
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(subscribeUrl)).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The string SNS signs: the message's fields in its documented order, each "name\nvalue\n". */
    static String canonical(JsonNode m) {
        String type = text(m, "Type");
        List<String> names = "Notification".equals(type)
                ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                : List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
        StringBuilder out = new StringBuilder();
        for (String name : names) {
            String value = text(m, name);
            if (value != null) {
                out.append(name).append('\n').append(value).append('\n');
            }
        }
        return out.toString();
    }

    static String text(JsonNode m, String field) {
        JsonNode n = m.get(field);
        return n == null || !n.isTextual() ? null : n.asText();
    }
}
