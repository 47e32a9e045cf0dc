package dev.tocsin.channel.sms;

import com.twilio.http.HttpClient;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;

import java.net.MalformedURLException;
import java.net.URL;

/**
 * The Twilio SDK's HTTP client, with a pool sized to our workers, no retries of its own and, when configured,
 * another base URL: the SDK always builds https://api.twilio.com/..., and tests point it at a local stand-in.
 *
 * Retries are the delivery engine's job: it backs off per delivery and frees the worker meanwhile. Left on,
 * the SDK (5xx) and Apache HttpClient (429/503) each sleep inside the send, so a rate-limit storm held a
 * worker for minutes on one batch.
 */
final class TwilioBaseUrlClient extends HttpClient {

    private final NetworkHttpClient delegate;
    private final String baseUrl;

    TwilioBaseUrlClient(String baseUrl, int connections) {
        this.baseUrl = baseUrl == null || baseUrl.isBlank() ? null : baseUrl.replaceAll("/+$", "");
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager();
        pool.setMaxTotal(Math.max(2, connections));
        pool.setDefaultMaxPerRoute(Math.max(2, connections));
        this.delegate = new NetworkHttpClient(HttpClientBuilder.create().setConnectionManager(pool)
                .setDefaultRequestConfig(DEFAULT_REQUEST_CONFIG).disableAutomaticRetries().useSystemProperties());
    }

    /** One attempt: the answer, whatever it is, goes back to the engine's classification. */
    @Override
    public Response reliableRequest(Request request) {
        return reliableRequest(request, new int[0], 1, 0);
    }

    @Override
    public Response makeRequest(Request request) {
        if (baseUrl == null) {
            return delegate.makeRequest(request);
        }
        String path;
        try {
            path = new URL(request.getUrl()).getPath();
        } catch (MalformedURLException e) {
            throw new IllegalStateException("unexpected Twilio URL " + request.getUrl(), e);
        }
        Request moved = new Request(request.getMethod(), baseUrl + path);
        request.getQueryParams().forEach((k, values) -> values.forEach(v -> moved.addQueryParam(k, v)));
        request.getPostParams().forEach((k, values) -> values.forEach(v -> moved.addPostParam(k, v)));
        request.getHeaderParams().forEach((k, values) -> values.forEach(v -> moved.addHeaderParam(k, v)));
        if (request.getAuthStrategy() != null) {
            moved.setAuth(request.getAuthStrategy());
        } else if (request.getUsername() != null) {
            moved.setAuth(request.getUsername(), request.getPassword());
        }
        moved.setContentType(request.getContentType());
        if (request.getBody() != null) {
            moved.setBody(request.getBody());
        }
        return delegate.makeRequest(moved);
    }
}
