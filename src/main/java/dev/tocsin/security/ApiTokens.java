package dev.tocsin.security;

import dev.tocsin.audit.AuditLog;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.Ids;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** Personal API tokens: 256 random bits, stored as SHA-256 (enough for a secret of that strength). */
@ApplicationScoped
public class ApiTokens {

    private final SecureRandom random = new SecureRandom();

    @Inject
    AuditLog audit;

    public record Created(ApiToken token, String secret) {
    }

    public Created create(String username, String name) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = ApiTokenAuthenticationMechanism.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        ApiToken token = new ApiToken();
        token.id = Ids.newId();
        token.username = username;
        token.name = name;
        token.tokenHash = Hashing.sha256(secret);
        token.createdAt = OffsetDateTime.now();
        QuarkusTransaction.requiringNew().run(() -> {
            if (AppUser.findById(username) == null) {
                throw ApiException.conflict("no_local_user", "API tokens belong to built-in users; '" + username
                        + "' signed in through OIDC. Ask your identity provider for a service account token instead.");
            }
            token.persist();
        });
        return new Created(token, secret);
    }

    public List<ApiToken> listFor(String username) {
        return QuarkusTransaction.requiringNew().call(() ->
                ApiToken.<ApiToken>list("username = ?1 order by createdAt desc", username));
    }

    public ApiToken revoke(String id, String username, boolean admin) {
        return QuarkusTransaction.requiringNew().call(() -> {
            ApiToken token = ApiToken.findById(id);
            if (token == null || (!admin && !token.username.equals(username))) {
                throw ApiException.notFound("token", id);
            }
            if (token.revokedAt == null) {
                token.revokedAt = OffsetDateTime.now();
            }
            return token;
        });
    }

    Optional<UserDirectory.Principal> authenticate(String secret, String remoteAddress) {
        String hash = Hashing.sha256(secret);
        Optional<UserDirectory.Principal> found = QuarkusTransaction.requiringNew().call(() -> {
            ApiToken token = ApiToken.find("tokenHash", hash).firstResult();
            if (token == null || token.revokedAt != null) {
                return Optional.<UserDirectory.Principal>empty();
            }
            AppUser user = AppUser.findById(token.username);
            if (user == null || !user.enabled) {
                return Optional.<UserDirectory.Principal>empty();
            }
            OffsetDateTime now = OffsetDateTime.now();
            if (token.lastUsedAt == null || token.lastUsedAt.isBefore(now.minusMinutes(1))) {
                token.lastUsedAt = now;
            }
            return Optional.of(new UserDirectory.Principal(user.username, user.roleList()));
        });
        if (found.isEmpty()) {
            // Never log or store the token itself: only that a bad one was presented, and from where.
            audit.record(null, "login.bad-api-token", "api_token", null, remoteAddress, 401, "unknown or revoked API token");
        }
        return found;
    }
}
