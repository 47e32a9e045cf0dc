package dev.tocsin.console;

import dev.tocsin.security.ConsoleConfig;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * CSRF protection of the console's forms (double-submit cookie): every console page gets a random token, kept in
 * an HttpOnly, SameSite=Strict cookie on /console and written into each form; a POST must carry the same value
 * in its csrf-token field (forms) or X-CSRF-TOKEN header (the upload's script), else it is refused before it
 * reaches the page and changes nothing.
 *
 * Our own filter rather than quarkus-rest-csrf: that extension checks every form post of the application and
 * cannot be limited to paths, and two public form posts must work without a cookie (the recipient's
 * acknowledge button, Twilio's status callbacks).
 */
@Provider
@ConsolePage
@Priority(Priorities.AUTHENTICATION + 10)
public class ConsoleCsrf implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String COOKIE = "tocsin_csrf";
    public static final String FIELD = "csrf-token";
    public static final String HEADER = "X-CSRF-TOKEN";
    static final String KEY = "tocsin.console.csrf";
    private static final String NEW = "tocsin.console.csrf.new";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    /** A form of the console is small: one to read for its token is at most this (the returned-mail list is the largest). */
    private static final int MAX_FORM_BYTES = 1024 * 1024;

    private final SecureRandom random = new SecureRandom();

    @Inject
    CurrentVertxRequest request;

    /** Looked up per response: the filter is made before the run-time configuration exists. */
    @Inject
    jakarta.enterprise.inject.Instance<ConsoleConfig> config;

    @io.quarkus.qute.Location("console/form-expired.html")
    io.quarkus.qute.Template expired;

    /** The token of the current console request (made on this request if it had none). */
    static String tokenOf(CurrentVertxRequest request) {
        return request.getCurrent() == null ? null : request.getCurrent().get(KEY);
    }

    @Override
    public void filter(ContainerRequestContext context) throws IOException {
        String cookie = cookieToken(context);
        if (SAFE.contains(context.getMethod())) {
            String token = cookie;
            if (token == null) {
                byte[] bytes = new byte[32];
                random.nextBytes(bytes);
                token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                request.getCurrent().put(NEW, Boolean.TRUE);
            }
            request.getCurrent().put(KEY, token);
            return;
        }
        String sent = context.getHeaderString(HEADER);
        boolean form = context.getMediaType() != null
                && context.getMediaType().isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE);
        String unstorable = null;
        if (sent == null && context.getMediaType() != null
                && context.getMediaType().isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE)) {
            // The file upload without JavaScript: its body is a stream the page reads part by part (never read here),
            // so its form names the token in its address. A POST's address is not followed again, the pages send no
            // Referer, and the cookie it must match is SameSite=Strict.
            sent = context.getUriInfo().getQueryParameters().getFirst(FIELD);
        }
        if (form) {
            byte[] body = context.getEntityStream().readNBytes(MAX_FORM_BYTES + 1);
            context.setEntityStream(new ByteArrayInputStream(body));
            if (body.length <= MAX_FORM_BYTES) {
                java.util.List<java.util.Map.Entry<String, String>> fields = fields(body);
                sent = sent != null ? sent : fields.stream().filter(f -> f.getKey().equals(FIELD)).map(java.util.Map.Entry::getValue)
                        .findFirst().orElse(null);
                unstorable = unstorable(fields);
            }
        }
        if (cookie == null || sent == null || !MessageDigest.isEqual(cookie.getBytes(StandardCharsets.US_ASCII),
                sent.getBytes(StandardCharsets.US_ASCII))) {
            context.abortWith(Response.status(Response.Status.FORBIDDEN).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                    .entity(expired.render()).build());
            return;
        }
        request.getCurrent().put(KEY, cookie);
        if (unstorable != null) {
            // No page can keep it (PostgreSQL refuses NUL, the others end up in notices and logs): said once, here.
            context.abortWith(Response.status(Response.Status.BAD_REQUEST).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                    .entity(unstorable).build());
        }
    }

    /** What a field holds that no text may (a control character other than tab and line breaks, half a surrogate). */
    private static String unstorable(java.util.List<java.util.Map.Entry<String, String>> fields) {
        for (java.util.Map.Entry<String, String> f : fields) {
            int bad = dev.tocsin.common.Unprintable.find(f.getValue(), true, true);
            if (bad >= 0) {
                String name = f.getKey().length() > 40 ? f.getKey().substring(0, 40) : f.getKey();
                return io.quarkus.qute.i18n.MessageBundles.get(ConsoleMessages.class).page_field_unstorable(
                        dev.tocsin.common.Unprintable.replaced(name), dev.tocsin.common.Unprintable.describe(f.getValue(), bad), Integer.toString(bad + 1));
            }
        }
        return null;
    }

    @Override
    public void filter(ContainerRequestContext context, ContainerResponseContext response) {
        if (request.getCurrent() != null && Boolean.TRUE.equals(request.getCurrent().get(NEW))) {
            response.getHeaders().add("Set-Cookie", new NewCookie.Builder(COOKIE).value(request.getCurrent().get(KEY))
                    .path("/console").httpOnly(true).secure(config.get().console().secureCookie())
                    .sameSite(NewCookie.SameSite.STRICT).maxAge((int) config.get().console().maxAge().toSeconds()).build());
        }
    }

    private static String cookieToken(ContainerRequestContext context) {
        jakarta.ws.rs.core.Cookie c = context.getCookies().get(COOKIE);
        String value = c == null ? null : c.getValue();
        return value != null && value.matches("[A-Za-z0-9_-]{43}") ? value : null;
    }

    /** The fields of a url-encoded form, in order (a malformed escape leaves a field out). */
    private static java.util.List<java.util.Map.Entry<String, String>> fields(byte[] body) {
        java.util.List<java.util.Map.Entry<String, String>> fields = new java.util.ArrayList<>();
        for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    fields.add(java.util.Map.entry(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)));
                } catch (IllegalArgumentException e) {
                    // not a field a page reads
                }
            }
        }
        return fields;
    }
}
