package dev.tocsin.common;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Refuses, before any resource sees them, requests no endpoint can take: a body larger than a JSON request
 * can be (only the account upload streams gigabytes, and it is the one route exempt), a body of unknown
 * length on those routes, and a path or query holding control characters (%00 would reach the database,
 * which refuses NUL in text with an error, not a 400).
 */
@ApplicationScoped
public class RequestGuard {

    @Inject
    RequestConfig config;

    /** The streamed account upload, limited by tocsin.upload.max-bytes instead. */
    private static final Pattern STREAMED = Pattern.compile("^/api/incidents/[^/]+/accounts/?$");

    void install(@Observes Router router) {
        router.route().order(-200).handler(this::check);
    }

    private void check(RoutingContext rc) {
        String path = rc.request().path();
        String query = rc.request().query();
        if (hasControlCharacter(path) || (query != null && hasControlCharacter(query))) {
            refuse(rc, 400, "bad_request", "The address holds a control character (such as %00); remove it.");
            return;
        }
        HttpMethod method = rc.request().method();
        boolean hasBody = method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
        if (!hasBody || path == null || STREAMED.matcher(path).matches()) {
            rc.next();
            return;
        }
        String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            if (rc.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
                refuse(rc, 411, "length_required", "Send the request body with a Content-Length (at most "
                        + config.maxBodyBytes() + " bytes); only the account upload may be streamed.");
                return;
            }
        } else {
            long bytes;
            try {
                bytes = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                refuse(rc, 400, "bad_request", "Content-Length is not a number.");
                return;
            }
            if (bytes > config.maxBodyBytes()) {
                refuse(rc, 413, "body_too_large", "The request body is " + bytes + " bytes; this endpoint takes at most "
                        + config.maxBodyBytes() + " bytes.");
                return;
            }
        }
        rc.next();
    }

    private static boolean hasControlCharacter(String raw) {
        String decoded;
        try {
            decoded = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false; // malformed escapes are for the endpoint to refuse (or to take as they are)
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return true;
            }
        }
        return false;
    }

    private static void refuse(RoutingContext rc, int status, String code, String message) {
        rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(new JsonObject().put("error", code).put("message", message).encode() + "\n");
    }
}
