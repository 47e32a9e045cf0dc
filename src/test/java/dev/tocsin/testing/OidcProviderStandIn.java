package dev.tocsin.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The company's OIDC provider as the console's authorization-code flow meets it: an authorization endpoint that
 * signs in whoever the test says (no form: the test decides who the person is and their groups), a token
 * endpoint that checks the client's secret and the code, and the signing keys. ID tokens are RS256 JWTs.
 */
public final class OidcProviderStandIn {

    public static final String CLIENT_ID = "tocsin-console";
    public static final String CLIENT_SECRET = "stand-in-client-secret";

    private static OidcProviderStandIn running;

    private final HttpServer server;
    private final RsaJsonWebKey key;
    private final RsaJsonWebKey strangerKey;
    private final Map<String, Map<String, Object>> codes = new ConcurrentHashMap<>();
    private volatile String nextUser = "nobody";
    private volatile List<String> nextGroups = List.of();
    private volatile boolean signWithStrangerKey;

    private OidcProviderStandIn() throws Exception {
        key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("stand-in-1");
        strangerKey = RsaJwkGenerator.generateJwk(2048);
        strangerKey.setKeyId("stand-in-1");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.createContext("/jwks", this::jwks);
        server.start();
    }

    public static synchronized OidcProviderStandIn get() {
        if (running == null) {
            try {
                running = new OidcProviderStandIn();
            } catch (Exception e) {
                throw new IllegalStateException("the OIDC stand-in could not start", e);
            }
        }
        return running;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Who the next sign-in at the provider is, and the groups the ID token will carry. */
    public void nextSignIn(String user, List<String> groups) {
        nextUser = user;
        nextGroups = groups;
        signWithStrangerKey = false;
    }

    /** The next ID token is signed with a key the provider never published (a forged token). */
    public void signNextWithAStrangersKey() {
        signWithStrangerKey = true;
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> q = params(exchange.getRequestURI().getRawQuery());
        if (!CLIENT_ID.equals(q.get("client_id")) || q.get("redirect_uri") == null || !"code".equals(q.get("response_type"))) {
            answer(exchange, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        String code = UUID.randomUUID().toString();
        Map<String, Object> grant = new HashMap<>();
        grant.put("user", nextUser);
        grant.put("groups", nextGroups);
        grant.put("redirect_uri", q.get("redirect_uri"));
        grant.put("nonce", q.get("nonce"));
        grant.put("stranger", signWithStrangerKey);
        codes.put(code, grant);
        String back = q.get("redirect_uri") + (q.get("redirect_uri").contains("?") ? "&" : "?") + "code=" + code
                + (q.get("state") == null ? "" : "&state=" + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8));
        exchange.getResponseHeaders().add("Location", back);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = params(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        String expected = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        boolean clientOk = expected.equals(basic)
                || (CLIENT_ID.equals(form.get("client_id")) && CLIENT_SECRET.equals(form.get("client_secret")));
        Map<String, Object> grant = codes.remove(form.getOrDefault("code", ""));
        if (!clientOk || grant == null || !"authorization_code".equals(form.get("grant_type"))
                || !grant.get("redirect_uri").equals(form.get("redirect_uri"))) {
            answer(exchange, 400, "{\"error\":\"invalid_grant\"}");
            return;
        }
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(url());
            claims.setAudience(CLIENT_ID);
            claims.setSubject("sub-" + grant.get("user"));
            claims.setClaim("preferred_username", grant.get("user"));
            @SuppressWarnings("unchecked")
            List<String> groups = (List<String>) grant.get("groups");
            claims.setStringListClaim("groups", groups);
            if (grant.get("nonce") != null) {
                claims.setClaim("nonce", grant.get("nonce"));
            }
            claims.setIssuedAtToNow();
            claims.setExpirationTimeMinutesInTheFuture(5);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            RsaJsonWebKey signer = Boolean.TRUE.equals(grant.get("stranger")) ? strangerKey : key;
            jws.setKey(signer.getPrivateKey());
            jws.setKeyIdHeaderValue(signer.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            String idToken = jws.getCompactSerialization();
            answer(exchange, 200, "{\"access_token\":\"opaque-" + UUID.randomUUID() + "\",\"token_type\":\"Bearer\","
                    + "\"expires_in\":300,\"id_token\":\"" + idToken + "\"}");
        } catch (Exception e) {
            answer(exchange, 500, "{\"error\":\"server_error\"}");
        }
    }

    private void jwks(HttpExchange exchange) throws IOException {
        answer(exchange, 200, new JsonWebKeySet(key).toJson());
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private static Map<String, String> params(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
