package dev.tocsin.channel.push;

import dev.tocsin.delivery.SendResult;
import dev.tocsin.delivery.SendWatch;
import nl.martijndwars.webpush.Encoding;
import nl.martijndwars.webpush.Notification;
import nl.martijndwars.webpush.PushService;
import nl.martijndwars.webpush.Urgency;
import org.apache.http.Header;
import org.apache.http.HttpResponse;
import org.apache.http.HttpRequest;
import org.apache.http.client.RedirectStrategy;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.conn.DnsResolver;
import org.apache.http.impl.nio.conn.ManagedNHttpClientConnectionFactory;
import org.apache.http.impl.nio.conn.PoolingNHttpClientConnectionManager;
import org.apache.http.impl.nio.reactor.DefaultConnectingIOReactor;
import org.apache.http.impl.nio.reactor.IOReactorConfig;
import org.apache.http.nio.conn.NoopIOSessionStrategy;
import org.apache.http.nio.conn.SchemeIOSessionStrategy;
import org.apache.http.nio.conn.ssl.SSLIOSessionStrategy;
import org.apache.http.nio.reactor.IOReactorException;
import org.apache.http.protocol.HttpContext;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.impl.nio.client.CloseableHttpAsyncClient;
import org.apache.http.impl.nio.client.HttpAsyncClients;
import org.apache.http.util.EntityUtils;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Web Push with VAPID (RFC 8030/8291/8292). The web-push library encrypts each payload (aes128gcm) and signs
 * the VAPID header; the requests go out on one pooled HTTP client so connections to a push service are
 * reused (the library's own send() starts a new client per message). A chunk is sent concurrently and
 * each answer classified: 2xx sent, 404/410 the subscription is gone, 429/5xx and network trouble retry.
 */
public class WebPushGateway implements PushGateway, AutoCloseable {

    private final PushService service;
    private final CloseableHttpAsyncClient http;
    private final int ttlSeconds;
    private final Duration timeout;

    private final PushEndpointPolicy policy;

    public WebPushGateway(VapidKeys keys, String subject, Duration ttl, Duration timeout, int connections,
                          PushEndpointPolicy policy) {
        this.policy = policy;
        try {
            this.service = new PushService(keys.publicKey(), keys.privateKey(), subject);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the VAPID keys cannot be loaded: " + e.getMessage(), e);
        }
        this.ttlSeconds = (int) Math.min(ttl.toSeconds(), Integer.MAX_VALUE);
        this.timeout = timeout;
        int ms = (int) timeout.toMillis();
        PoolingNHttpClientConnectionManager pool;
        try {
            // Every connection's host is resolved through the endpoint policy, and only to the addresses it
            // checked: a name that now points inside the network is refused at the moment of connecting.
            pool = new PoolingNHttpClientConnectionManager(new DefaultConnectingIOReactor(IOReactorConfig.DEFAULT),
                    ManagedNHttpClientConnectionFactory.INSTANCE,
                    RegistryBuilder.<SchemeIOSessionStrategy>create()
                            .register("http", NoopIOSessionStrategy.INSTANCE)
                            .register("https", SSLIOSessionStrategy.getDefaultStrategy()).build(),
                    (DnsResolver) policy::resolve);
        } catch (IOReactorException e) {
            throw new IllegalStateException("the push HTTP client cannot start: " + e.getMessage(), e);
        }
        pool.setDefaultMaxPerRoute(connections);
        pool.setMaxTotal(connections * 8);
        this.http = HttpAsyncClients.custom()
                .setConnectionManager(pool)
                // A push service answers; it does not send us elsewhere (a redirect could point anywhere)
                .setRedirectStrategy(new RedirectStrategy() {
                    @Override
                    public boolean isRedirected(HttpRequest request, HttpResponse response, HttpContext context) {
                        return false;
                    }

                    @Override
                    public HttpUriRequest getRedirect(HttpRequest request, HttpResponse response, HttpContext context) {
                        throw new UnsupportedOperationException("redirects are not followed");
                    }
                })
                .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(ms).setSocketTimeout(ms)
                        .setConnectionRequestTimeout(ms).setRedirectsEnabled(false).build())
                .build();
        this.http.start();
    }

    @Override
    public String describe() {
        return "Web Push (VAPID)";
    }

    @Override
    public List<SendResult> send(List<OutgoingPush> messages, SendWatch watch) {
        // Start every request of the chunk, then collect the answers in order.
        List<Future<HttpResponse>> pending = new ArrayList<>(messages.size());
        SendResult[] refused = new SendResult[messages.size()];
        for (int i = 0; i < messages.size(); i++) {
            OutgoingPush push = messages.get(i);
            if (!watch.mayStillSend(push.deliveryId())) {
                pending.add(null);
                refused[i] = SendResult.held(push.deliveryId());
                continue;
            }
            try {
                policy.checkUrl(push.endpoint());
            } catch (PushEndpointPolicy.Refused e) {
                pending.add(null);
                refused[i] = refusedEndpoint(push.deliveryId(), e);
                continue;
            }
            try {
                Notification notification = Notification.builder()
                        .endpoint(push.endpoint())
                        .userPublicKey(PushCrypto.decode(push.p256dh()))
                        .userAuth(PushCrypto.decode(push.auth()))
                        .payload(push.payload())
                        .ttl(ttlSeconds)
                        .urgency(Urgency.HIGH)
                        // A resend after a crash replaces the first copy while it still waits in the push service.
                        .topic("d" + Long.toString(push.deliveryId(), 36))
                        .build();
                HttpPost post = service.preparePost(notification, Encoding.AES128GCM);
                pending.add(http.execute(post, null));
            } catch (Exception e) {
                pending.add(null);
                refused[i] = SendResult.fail(push.deliveryId(), "push notice could not be encrypted or signed: "
                        + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        List<SendResult> results = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            SendResult r = refused[i] != null ? refused[i] : await(messages.get(i), pending.get(i));
            r = r.ok() ? r.withContent(messages.get(i).payload()) : r;
            if (!r.held()) {
                watch.answered(r);
            }
            results.add(r);
        }
        return results;
    }

    private SendResult await(OutgoingPush push, Future<HttpResponse> future) {
        long id = push.deliveryId();
        String host = URI.create(push.endpoint()).getHost();
        try {
            HttpResponse response = future.get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
            int status = response.getStatusLine().getStatusCode();
            String body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity());
            return classify(id, host, status, body, response.getFirstHeader("Location"));
        } catch (TimeoutException e) {
            future.cancel(true);
            return SendResult.retry(id, "push service " + host + " did not answer in time");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof PushEndpointPolicy.Refused refusedTarget) {
                return refusedEndpoint(id, refusedTarget);
            }
            return SendResult.retry(id, "push service " + host + " could not be reached: "
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage());
        } catch (IOException e) {
            return SendResult.retry(id, "push service " + host + " answer could not be read: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SendResult.retry(id, "interrupted while waiting for push service " + host);
        }
    }

    /** Settled for good, saying only that the policy refused: nothing about what answered at that address. */
    private static SendResult refusedEndpoint(long id, PushEndpointPolicy.Refused why) {
        return SendResult.fail(id, "push endpoint refused by Tocsin's outbound policy: it " + why.getMessage()
                + "; nothing was sent to it");
    }

    static SendResult classify(long id, String host, int status, String body, Header location) {
        String detail = "push service " + host + " HTTP " + status
                + (body == null || body.isBlank() ? "" : ": " + body.strip().substring(0, Math.min(body.strip().length(), 300)));
        if (status >= 200 && status < 300) {
            // RFC 8030: the Location header names the push message resource; keep its last path part
            String messageId = location == null ? "push-" + id
                    : location.getValue().substring(location.getValue().lastIndexOf('/') + 1);
            return SendResult.sent(id, messageId, detail);
        }
        if (status == 404 || status == 410) {
            return SendResult.undeliverable(id, detail + " (subscription expired or unsubscribed; removed)", true);
        }
        if (status == 429 || status >= 500) {
            return SendResult.retry(id, detail);
        }
        // 400 malformed, 401/403 VAPID refused, 413 payload too large: sending again will not help
        return SendResult.fail(id, detail);
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
