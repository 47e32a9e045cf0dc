package dev.tocsin.security;

import dev.tocsin.audit.AuditLog;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.FieldError;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.wildfly.security.password.Password;
import org.wildfly.security.password.PasswordFactory;
import org.wildfly.security.password.interfaces.BCryptPassword;
import org.wildfly.security.password.util.ModularCrypt;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Built-in users: bcrypt-hashed passwords, lock-out after repeated failed logins, and the initial admin.
 * A successful check is remembered for a few minutes (keyed by a SHA-256 of the credentials) so that HTTP
 * Basic clients do not pay bcrypt on every request; any change to users clears that memory.
 */
@ApplicationScoped
public class UserDirectory {

    private static final Logger LOG = Logger.getLogger(UserDirectory.class);
    private static final Pattern USERNAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{1,99}$");
    private static final Duration REMEMBER = Duration.ofMinutes(5);

    @ConfigProperty(name = "tocsin.admin.password")
    Optional<String> initialAdminPassword;

    /** bcrypt work factor; 12 costs about a quarter of a second here, which is the point. */
    @ConfigProperty(name = "tocsin.security.bcrypt-cost", defaultValue = "12")
    int bcryptCost;

    @ConfigProperty(name = "tocsin.login.max-failures")
    int maxFailures;

    @ConfigProperty(name = "tocsin.login.lockout")
    Duration lockout;

    @Inject
    AuditLog audit;

    private record Remembered(String secretHash, List<String> roles, long until) {
    }

    private final Map<String, Remembered> verified = new ConcurrentHashMap<>();

    /** A verified user: who, and with which roles. */
    public record Principal(String username, List<String> roles) {
    }

    void createInitialAdmin(@Observes StartupEvent event) {
        QuarkusTransaction.requiringNew().run(() -> {
            if (AppUser.count() > 0) {
                return;
            }
            String password = initialAdminPassword.filter(p -> !p.isBlank()).orElse(null);
            boolean generated = password == null;
            if (generated) {
                byte[] random = new byte[18];
                new SecureRandom().nextBytes(random);
                password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            }
            AppUser admin = new AppUser();
            admin.username = "admin";
            admin.passwordHash = BcryptUtil.bcryptHash(password, bcryptCost);
            admin.roles = Roles.ADMIN;
            admin.enabled = true;
            admin.createdAt = OffsetDateTime.now();
            admin.updatedAt = admin.createdAt;
            admin.persist();
            if (generated) {
                // Printed once, on the first start only; set TOCSIN_ADMIN_PASSWORD to choose it instead.
                LOG.warnf("Created the initial user 'admin' with password: %s  (shown once; change it or create your own admin)", password);
            } else {
                LOG.info("Created the initial user 'admin' with the password from TOCSIN_ADMIN_PASSWORD");
            }
        });
    }

    /** Checks a username and password; throws AuthenticationFailedException with no hint of which was wrong. */
    public Principal authenticate(String username, char[] password, String remoteAddress) {
        String name = username == null ? "" : username.strip().toLowerCase();
        String secret = new String(password);
        String secretHash = Hashing.sha256(name + "\u0000" + secret);
        Remembered remembered = verified.get(name);
        if (remembered != null && remembered.until > System.currentTimeMillis()
                && java.security.MessageDigest.isEqual(remembered.secretHash.getBytes(), secretHash.getBytes())) {
            return new Principal(name, remembered.roles);
        }
        // Decide inside the transaction, refuse after it commits: a refusal must not roll back its own record.
        Principal principal = QuarkusTransaction.requiringNew().call(() -> {
            LoginThrottle throttle = LoginThrottle.findById(name);
            OffsetDateTime now = OffsetDateTime.now();
            if (throttle != null && throttle.lockedUntil != null && throttle.lockedUntil.isAfter(now)) {
                audit.record(name, "login.refused-locked", "user", name, remoteAddress, 401,
                        "locked until " + throttle.lockedUntil);
                return null;
            }
            AppUser user = AppUser.findById(name);
            boolean ok = user != null && user.enabled && matches(secret, user.passwordHash);
            if (!ok) {
                if (user == null) {
                    // Spend the same time as a real check, so response times do not reveal which names exist.
                    matches(secret, dummyHash());
                }
                recordFailure(name, throttle, now, remoteAddress);
                return null;
            }
            if (throttle != null) {
                throttle.delete();
            }
            return new Principal(name, user.roleList());
        });
        if (principal == null) {
            verified.remove(name); // a failure or a lock ends any remembered success at once
            throw new AuthenticationFailedException("bad credentials or locked");
        }
        verified.put(name, new Remembered(secretHash, principal.roles(), System.currentTimeMillis() + REMEMBER.toMillis()));
        return principal;
    }

    private volatile String dummyHash;

    private String dummyHash() {
        if (dummyHash == null) {
            dummyHash = BcryptUtil.bcryptHash("not-a-real-password", bcryptCost);
        }
        return dummyHash;
    }

    private void recordFailure(String name, LoginThrottle throttle, OffsetDateTime now, String remoteAddress) {
        if (throttle == null) {
            throttle = new LoginThrottle();
            throttle.username = name;
            throttle.failures = 0;
        }
        throttle.failures++;
        throttle.updatedAt = now;
        String details = "failed login " + throttle.failures + " of " + maxFailures;
        if (throttle.failures >= maxFailures) {
            throttle.lockedUntil = now.plus(lockout);
            throttle.failures = 0;
            details += "; locked until " + throttle.lockedUntil;
        }
        throttle.persist();
        audit.record(name, "login.failed", "user", name, remoteAddress, 401, details);
    }

    private static boolean matches(String password, String hash) {
        try {
            PasswordFactory factory = PasswordFactory.getInstance(BCryptPassword.ALGORITHM_BCRYPT);
            Password stored = factory.translate(ModularCrypt.decode(hash));
            return factory.verify(stored, password.toCharArray());
        } catch (Exception e) {
            return false;
        }
    }

    public AppUser create(String username, String password, List<String> roles) {
        String name = username == null ? "" : username.strip().toLowerCase();
        List<FieldError> problems = new ArrayList<>();
        if (!USERNAME.matcher(name).matches()) {
            problems.add(new FieldError("username", "2-100 characters: lower-case letters, digits, '.', '_' or '-'"));
        }
        if (password == null || password.length() < 12) {
            problems.add(new FieldError("password", "at least 12 characters"));
        }
        List<String> checkedRoles = checkRoles(roles, problems);
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("invalid_user", "The user cannot be created: " + describe(problems) + ".", problems);
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            if (AppUser.findById(name) != null) {
                throw ApiException.conflict("user_exists", "A user named '" + name + "' already exists.");
            }
            AppUser user = new AppUser();
            user.username = name;
            user.passwordHash = BcryptUtil.bcryptHash(password, bcryptCost);
            user.roles = String.join(",", checkedRoles);
            user.enabled = true;
            user.createdAt = OffsetDateTime.now();
            user.updatedAt = user.createdAt;
            user.persist();
            verified.clear();
            return user;
        });
    }

    public AppUser setRoles(String username, List<String> roles) {
        List<FieldError> problems = new ArrayList<>();
        List<String> checked = checkRoles(roles, problems);
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("invalid_roles", "The roles are not valid: " + describe(problems) + ".", problems);
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            AppUser user = find(username);
            user.roles = String.join(",", checked);
            user.updatedAt = OffsetDateTime.now();
            verified.clear();
            return user;
        });
    }

    public AppUser disable(String username) {
        return QuarkusTransaction.requiringNew().call(() -> {
            AppUser user = find(username);
            user.enabled = false;
            user.updatedAt = OffsetDateTime.now();
            ApiToken.update("revokedAt = ?1 where username = ?2 and revokedAt is null", OffsetDateTime.now(), user.username);
            verified.clear();
            return user;
        });
    }

    public AppUser find(String username) {
        AppUser user = AppUser.findById(username == null ? "" : username.toLowerCase());
        if (user == null) {
            throw ApiException.notFound("user", username);
        }
        return user;
    }

    private static List<String> checkRoles(List<String> roles, List<FieldError> problems) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        if (roles == null || roles.isEmpty()) {
            problems.add(new FieldError("roles", "at least one of " + Roles.ALL));
            return List.of();
        }
        for (String role : roles) {
            if (!Roles.ALL.contains(role)) {
                problems.add(new FieldError("roles", "unknown role '" + role + "' (known: " + String.join(", ", Roles.ALL) + ")"));
            } else {
                out.add(role);
            }
        }
        return List.copyOf(out);
    }

    private static String describe(List<FieldError> problems) {
        return problems.stream().map(p -> p.field() + ": " + p.reason()).reduce((a, b) -> a + "; " + b).orElse("");
    }
}
