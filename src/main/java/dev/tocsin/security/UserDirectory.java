package dev.tocsin.security;

import dev.tocsin.audit.AuditLog;
import dev.tocsin.common.ApiException;
import dev.tocsin.common.FieldError;
import dev.tocsin.common.Roles;
import dev.tocsin.common.Unprintable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

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
 * Built-in users: bcrypt-hashed passwords, growing delays after repeated failed logins, and the initial admin.
 * A successful check is remembered for a few minutes (keyed by a SHA-256 of the credentials) so that HTTP
 * Basic clients do not pay bcrypt on every request; any change to users clears that memory.
 */
@ApplicationScoped
public class UserDirectory {

    @Inject
    SecurityConfig config;

    private static final Logger LOG = Logger.getLogger(UserDirectory.class);
    private static final int MAX_USERNAME = 100;
    private static final Pattern USERNAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{1,99}$");
    private static final Duration REMEMBER = Duration.ofMinutes(5);

    /** bcrypt work factor; 12 costs about a quarter of a second here, which is the point. */

    @Inject
    AuditLog audit;

    /** Password hash checks made (one per login that is not remembered, whatever its outcome). */
    private final Counter passwordChecks;

    @Inject
    UserDirectory(MeterRegistry registry) {
        passwordChecks = Counter.builder("tocsin.login.password.checks")
                .description("bcrypt password checks; one per login attempt, known user or not").register(registry);
    }

    private record Remembered(String secretHash, List<String> roles, long until) {
    }

    private final Map<String, Remembered> verified = new ConcurrentHashMap<>();

    /** A verified user: who, and with which roles. */
    public record Principal(String username, List<String> roles) {
    }

    /**
     * The first start creates the user 'admin'. Replicas starting together on a new database race for it: one
     * creates it, the others find the name taken and start all the same (the password is printed only once
     * the creation is committed, so a printed password always works).
     */
    void createInitialAdmin(@Observes StartupEvent event) {
        String password = config.admin().password().filter(p -> !p.isBlank()).orElse(null);
        boolean generated = password == null;
        if (generated) {
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        }
        String chosen = password;
        boolean created;
        try {
            created = QuarkusTransaction.requiringNew().call(() -> {
                if (AppUser.count() > 0) {
                    return false;
                }
                AppUser admin = new AppUser();
                admin.username = "admin";
                admin.passwordHash = PasswordHashes.hash(chosen, config.security().bcryptCost());
                admin.roles = Roles.ADMIN;
                admin.enabled = true;
                admin.createdAt = OffsetDateTime.now();
                admin.updatedAt = admin.createdAt;
                admin.persist();
                return true;
            });
        } catch (RuntimeException e) {
            if (QuarkusTransaction.requiringNew().call(() -> AppUser.count() > 0)) {
                LOG.info("Another instance created the initial user 'admin' at the same moment");
                return;
            }
            throw e;
        }
        if (!created) {
            return;
        }
        if (generated) {
            // Printed once, on the first start only; set TOCSIN_ADMIN_PASSWORD to choose it instead.
            LOG.warnf("Created the initial user 'admin' with password: %s  (shown once; change it or create your own admin)", password);
        } else {
            LOG.info("Created the initial user 'admin' with the password from TOCSIN_ADMIN_PASSWORD");
        }
    }

    /**
     * Checks a username and password; throws AuthenticationFailedException with no hint of which was wrong.
     *
     * Failures are counted per username and caller address (OWASP's authentication cheat sheet: a hard lock
     * per account lets anyone lock the admin out). After {@code maxFailures} failures from one address, that
     * address must wait before its next try for that name: 1 s, then twice as long after each further
     * failure, at most {@code lockout}. Other addresses, the real user's among them, are not affected. An
     * admin clears a user's delays with DELETE /api/users/{u}/login-delays.
     */
    public Principal authenticate(String username, char[] password, String remoteAddress) {
        String typed = username == null ? "" : username.strip().toLowerCase();
        // A name longer than any user's cannot exist; it is throttled and audited by its first 100 characters.
        // (Control characters cannot be in a user's name, nor stored: they are audited as U+FFFD.)
        boolean possible = typed.length() <= MAX_USERNAME && USERNAME.matcher(typed).matches();
        String name = Unprintable.replaced(typed.length() <= MAX_USERNAME ? typed : typed.substring(0, MAX_USERNAME));
        String secret = new String(password);
        String secretHash = Hashing.sha256(name + "\u0000" + secret);
        Remembered remembered = possible ? verified.get(name) : null;
        if (remembered != null && remembered.until > System.currentTimeMillis()
                && java.security.MessageDigest.isEqual(remembered.secretHash.getBytes(), secretHash.getBytes())) {
            return new Principal(name, remembered.roles);
        }
        String address = remoteAddress == null ? null : remoteAddress.substring(0, Math.min(remoteAddress.length(), 100));
        // Decide inside the transaction, refuse after it commits: a refusal must not roll back its own record.
        Principal principal = QuarkusTransaction.requiringNew().call(() -> {
            LoginThrottle throttle = LoginThrottle.findById(LoginThrottle.key(name, address));
            OffsetDateTime now = OffsetDateTime.now();
            if (throttle != null && throttle.lockedUntil != null && throttle.lockedUntil.isAfter(now)) {
                audit.record(name, "login.refused-locked", "user", name, address, 401,
                        "this address must wait until " + throttle.lockedUntil + " after " + throttle.failures + " failures");
                return null;
            }
            AppUser user = possible ? AppUser.findById(name) : null;
            // Always one password check, against a stand-in hash when there is no usable user: an unknown,
            // a disabled and a wrong-password login take the same time.
            boolean passwordOk = PasswordHashes.matches(secret, user != null ? user.passwordHash : dummyHash());
            passwordChecks.increment();
            if (user == null || !user.enabled || !passwordOk) {
                recordFailure(name, address, throttle, now);
                return null;
            }
            if (throttle != null) {
                throttle.delete();
            }
            if (PasswordHashes.isLegacy(user.passwordHash)) {
                user.passwordHash = PasswordHashes.hash(secret, config.security().bcryptCost()); // every character counts from now on
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
            dummyHash = PasswordHashes.hash("not-a-real-password", config.security().bcryptCost());
        }
        return dummyHash;
    }

    private void recordFailure(String name, String address, LoginThrottle throttle, OffsetDateTime now) {
        if (throttle == null) {
            throttle = new LoginThrottle();
            throttle.key = LoginThrottle.key(name, address);
            throttle.username = name;
            throttle.remoteAddress = address;
            throttle.failures = 0;
        }
        throttle.failures++;
        throttle.updatedAt = now;
        String details = "failed login " + throttle.failures + " from this address";
        int over = throttle.failures - config.login().maxFailures();
        if (over >= 0) {
            Duration wait = Duration.ofSeconds(1L << Math.min(over, 30));
            throttle.lockedUntil = now.plus(wait.compareTo(config.login().lockout()) > 0 ? config.login().lockout() : wait);
            details += "; this address waits until " + throttle.lockedUntil;
        }
        throttle.persist();
        audit.record(name, "login.failed", "user", name, address, 401, details);
    }

    /**
     * Forgets failures that no longer make anyone wait, a day after the last one: every attempted name and
     * address gets a row, and guesses at made-up names must not grow the table for ever.
     */
    @io.quarkus.scheduler.Scheduled(every = "1h", delay = 1, delayUnit = java.util.concurrent.TimeUnit.MINUTES,
            concurrentExecution = io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP)
    void forgetOldFailures() {
        OffsetDateTime cutoff = OffsetDateTime.now().minusDays(1);
        QuarkusTransaction.requiringNew().run(() -> LoginThrottle.delete(
                "updatedAt < ?1 and (lockedUntil is null or lockedUntil < ?2)", cutoff, OffsetDateTime.now()));
    }

    /** Clears every login delay of a user (all addresses): the admin's way to let someone in at once. */
    public long clearLoginDelays(String username) {
        AppUser user = find(username);
        return QuarkusTransaction.requiringNew().call(() -> LoginThrottle.delete("username", user.username));
    }

    public AppUser create(String username, String password, List<String> roles) {
        String name = username == null ? "" : username.strip().toLowerCase();
        List<FieldError> problems = new ArrayList<>();
        if (!USERNAME.matcher(name).matches()) {
            problems.add(new FieldError("username", "2-100 characters: lower-case letters, digits, '.', '_' or '-'"));
        }
        if (password == null || password.length() < 12) {
            problems.add(new FieldError("password", "at least 12 characters"));
        } else if (password.length() > PasswordHashes.MAX_CHARS) {
            problems.add(new FieldError("password", "at most " + PasswordHashes.MAX_CHARS + " characters"));
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
            user.passwordHash = PasswordHashes.hash(password, config.security().bcryptCost());
            user.roles = String.join(",", checkedRoles);
            user.enabled = true;
            user.createdAt = OffsetDateTime.now();
            user.updatedAt = user.createdAt;
            user.persist();
            verified.clear();
            return user;
        });
    }

    /** The password-hash column of a user who signs in through OIDC: no password is ever hashed to it. */
    static final String NO_PASSWORD = "!oidc: signs in through the identity provider";

    /**
     * A person the company's OIDC provider signed in, as a Tocsin user: made at their first sign-in, their roles
     * set from the provider's claim at every sign-in (those Tocsin knows; none is refused). A built-in user of
     * the same name is never taken over, and a user an admin disabled stays disabled.
     */
    public Principal fromIdentityProvider(String username, java.util.Collection<String> claimedRoles) {
        String name = username == null ? "" : username.strip().toLowerCase();
        if (!USERNAME.matcher(name).matches()) {
            throw new ApiException(403, "oidc_username", "Your identity provider gave the user name '"
                    + (name.length() > 100 ? name.substring(0, 100) + "..." : name) + "', which Tocsin cannot use (2-100"
                    + " characters: lower-case letters, digits, '.', '_' or '-'). Ask your administrator to set"
                    + " preferred_username.");
        }
        List<String> roles = claimedRoles == null ? List.of()
                : claimedRoles.stream().filter(Roles.ALL::contains).distinct().sorted().toList();
        if (roles.isEmpty()) {
            throw new ApiException(403, "oidc_no_role", "Your identity provider signed you in as '" + name + "' but gave"
                    + " you none of Tocsin's roles (" + String.join(", ", Roles.ALL) + "). Ask your administrator to add"
                    + " you to one of those groups.");
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            AppUser user = AppUser.findById(name);
            if (user != null && !"oidc".equals(user.signsInWith)) {
                throw new ApiException(409, "oidc_name_taken", "A built-in Tocsin user is already named '" + name
                        + "', so a sign-in through your identity provider cannot use it. Sign in with that user's"
                        + " password, or ask an admin to rename one of them.");
            }
            if (user != null && !user.enabled) {
                throw new ApiException(403, "user_disabled", "The user '" + name + "' is disabled in Tocsin. Ask an admin.");
            }
            if (user == null) {
                user = new AppUser();
                user.username = name;
                user.passwordHash = NO_PASSWORD;
                user.signsInWith = "oidc";
                user.enabled = true;
                user.createdAt = OffsetDateTime.now();
                user.roles = String.join(",", roles);
                user.updatedAt = user.createdAt;
                user.persist();
            } else if (!user.roles.equals(String.join(",", roles))) {
                user.roles = String.join(",", roles);
                user.updatedAt = OffsetDateTime.now();
            }
            verified.clear();
            return new Principal(user.username, roles);
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

    /** The user with their current roles, if they exist and are enabled (a session's user, checked per request). */
    Optional<Principal> enabledPrincipal(String username) {
        return QuarkusTransaction.requiringNew().call(() -> {
            AppUser user = AppUser.findById(username);
            return user == null || !user.enabled ? Optional.<Principal>empty()
                    : Optional.of(new Principal(user.username, user.roleList()));
        });
    }

    /** Every built-in user, by name. */
    public List<AppUser> list() {
        return QuarkusTransaction.requiringNew().call(() -> AppUser.<AppUser>list("order by username"));
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
