package dev.tocsin.security;

import dev.tocsin.audit.AuditLog;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Optional;

/**
 * Console sign-in sessions: a random cookie value of which only the SHA-256 is kept. A session ends when its
 * user signs out, after {@code tocsin.console.idle-timeout} without a request, after
 * {@code tocsin.console.max-age} whatever happens, or when the user is disabled.
 */
@ApplicationScoped
public class ConsoleSessions {

    /** The cookie's name; the prefix __Host- is not used because the console must also work over plain HTTP locally. */
    public static final String COOKIE = "tocsin_session";

    static final String INSERT = "INSERT INTO console_session (token_hash, username, created_at, last_seen_at, address,"
            + " mfa_pending) VALUES (?, ?, ?, ?, ?, ?)";
    static final String FIND = "SELECT s.username, s.created_at, s.last_seen_at, s.mfa_pending FROM console_session s"
            + " WHERE s.token_hash = ?";
    static final String MFA_PASSED = "UPDATE console_session SET mfa_pending = FALSE, last_seen_at = ? WHERE token_hash = ?";
    /** A session waiting for its code lasts this long. */
    static final java.time.Duration MFA_WAIT = java.time.Duration.ofMinutes(10);
    static final String TOUCH = "UPDATE console_session SET last_seen_at = ? WHERE token_hash = ?";
    static final String DELETE = "DELETE FROM console_session WHERE token_hash = ?";
    static final String FORGET_ENDED = "DELETE FROM console_session WHERE last_seen_at < ? OR created_at < ?";

    private final SecureRandom random = new SecureRandom();

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ConsoleConfig config;

    @Inject
    UserDirectory users;

    @Inject
    AuditLog audit;

    @Inject
    Mfa mfa;

    /** A new session: its cookie value, and what the user must still do (a code, or enrol one). */
    public record Opened(String secret, Mfa.Step next) {
    }

    /**
     * Signs a user in with a password (throttled and audited as any sign-in) and opens a session; a user with a
     * second factor (or whose roles require one) gets a session that opens nothing until the code is given.
     */
    public Opened signIn(String username, char[] password, String address) throws SQLException {
        UserDirectory.Principal principal = users.authenticate(username, password, address);
        Mfa.Step next = mfa.stepAfterPassword(principal.username());
        String secret = open(principal.username(), address, next != Mfa.Step.NONE);
        audit.record(principal.username(), "console.sign-in", "user", principal.username(), address, 200,
                next == Mfa.Step.NONE ? null : "password accepted; " + (next == Mfa.Step.VERIFY ? "code" : "enrolment") + " to follow");
        return new Opened(secret, next);
    }

    /**
     * Opens a session for a person the company's OIDC provider signed in (made a Tocsin user, roles from its
     * claim, by {@link UserDirectory#fromIdentityProvider}). The provider is where their second factor is asked.
     */
    public String openFromIdentityProvider(String username, java.util.Collection<String> roles, String address) throws SQLException {
        UserDirectory.Principal principal = users.fromIdentityProvider(username, roles);
        String secret = open(principal.username(), address, false);
        audit.record(principal.username(), "console.sign-in", "user", principal.username(), address, 200,
                "through the OIDC provider; roles " + String.join(",", principal.roles()));
        return secret;
    }

    /** A new session row (only the secret's SHA-256 is kept); its cookie value. */
    private String open(String username, String address, boolean waitingForCode) throws SQLException {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, Hashing.sha256(secret));
            ps.setString(2, username);
            ps.setObject(3, now);
            ps.setObject(4, now);
            ps.setString(5, address == null ? null : address.substring(0, Math.min(address.length(), 100)));
            ps.setBoolean(6, waitingForCode);
            ps.executeUpdate();
        }
        return secret;
    }

    /** The user of a session still waiting for its second factor (for the code and enrolment pages only). */
    public java.util.Optional<String> waitingForCode(String secret) throws SQLException {
        if (secret == null || secret.length() != 43) {
            return java.util.Optional.empty();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setString(1, Hashing.sha256(secret));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(4)
                        || rs.getObject(2, OffsetDateTime.class).plus(MFA_WAIT).isBefore(OffsetDateTime.now())) {
                    return java.util.Optional.empty();
                }
                return java.util.Optional.of(rs.getString(1));
            }
        }
    }

    /** Wrong codes a waiting session may give before it ends. */
    public static final int MAX_CODE_FAILURES = 5;

    static final String CODE_FAILED = "UPDATE console_session SET mfa_failures = mfa_failures + 1 WHERE token_hash = ?"
            + " AND mfa_pending = TRUE";
    static final String FAILURES = "SELECT mfa_failures FROM console_session WHERE token_hash = ?";

    /**
     * A wrong code on a waiting session: counted, and after {@link #MAX_CODE_FAILURES} the session ends, so the
     * six digits cannot be guessed at leisure (the password, which is throttled, must be given again).
     * Returns whether the session still waits.
     */
    public boolean codeFailed(String secret) throws SQLException {
        String hash = Hashing.sha256(secret);
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(CODE_FAILED)) {
                ps.setString(1, hash);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(FAILURES)) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getInt(1) < MAX_CODE_FAILURES) {
                        return true;
                    }
                }
            }
            delete(c, hash);
            return false;
        }
    }

    /** The second factor was given: the session now opens the console. */
    public void passedCode(String secret) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(MFA_PASSED)) {
            ps.setObject(1, OffsetDateTime.now());
            ps.setString(2, Hashing.sha256(secret));
            ps.executeUpdate();
        }
    }

    /** The user a session cookie belongs to, while the session lasts and the user is enabled. */
    Optional<UserDirectory.Principal> authenticate(String secret) throws SQLException {
        if (secret == null || secret.length() != 43) {
            return Optional.empty();
        }
        String hash = Hashing.sha256(secret);
        OffsetDateTime now = OffsetDateTime.now();
        String username;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(FIND)) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    username = rs.getString(1);
                    if (rs.getBoolean(4)) {
                        return Optional.empty(); // password given, code not yet: nothing opens
                    }
                    OffsetDateTime created = rs.getObject(2, OffsetDateTime.class);
                    OffsetDateTime lastSeen = rs.getObject(3, OffsetDateTime.class);
                    if (lastSeen.plus(config.console().idleTimeout()).isBefore(now)
                            || created.plus(config.console().maxAge()).isBefore(now)) {
                        delete(c, hash);
                        return Optional.empty();
                    }
                    if (lastSeen.isBefore(now.minusSeconds(30))) {
                        try (PreparedStatement touch = c.prepareStatement(TOUCH)) {
                            touch.setObject(1, now);
                            touch.setString(2, hash);
                            touch.executeUpdate();
                        }
                    }
                }
            }
        }
        return users.enabledPrincipal(username);
    }

    /** Ends a session (signing out). */
    public void signOut(String secret, String address) throws SQLException {
        if (secret == null || secret.isBlank()) {
            return;
        }
        String hash = Hashing.sha256(secret);
        String username = null;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(FIND)) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        username = rs.getString(1);
                    }
                }
            }
            delete(c, hash);
        }
        if (username != null) {
            audit.record(username, "console.sign-out", "user", username, address, 200, null);
        }
    }

    /** Forgets sessions that have ended. */
    @io.quarkus.scheduler.Scheduled(every = "10m", delay = 1, delayUnit = java.util.concurrent.TimeUnit.MINUTES)
    void forgetEndedSessions() {
        try {
            forgetEnded();
        } catch (SQLException e) {
            org.jboss.logging.Logger.getLogger(ConsoleSessions.class).warnf("ended console sessions could not be"
                    + " forgotten (will try again): %s", e.getMessage());
        }
    }

    int forgetEnded() throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FORGET_ENDED)) {
            ps.setObject(1, now.minus(config.console().idleTimeout()));
            ps.setObject(2, now.minus(config.console().maxAge()));
            return ps.executeUpdate();
        }
    }

    private static void delete(Connection c, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setString(1, hash);
            ps.executeUpdate();
        }
    }
}
