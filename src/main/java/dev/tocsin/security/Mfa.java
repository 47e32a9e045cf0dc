package dev.tocsin.security;

import dev.tocsin.audit.AuditLog;
import dev.tocsin.common.ApiException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Multi-factor sign-in for built-in users: TOTP (any authenticator app) with ten recovery codes shown once and
 * kept hashed. Required for the roles in tocsin.mfa.required-roles; anyone may turn it on. A user with it (or
 * whose roles require it) signs in to the console with password and code, and cannot use HTTP Basic: scripts use
 * API tokens, created in the console after such a sign-in. Enrolment, use and an admin's reset are audited.
 */
@ApplicationScoped
public class Mfa {

    private final SecureRandom random = new SecureRandom();

    @Inject
    MfaConfig config;

    @Inject
    AuditLog audit;

    /** What a user must do after their password. */
    public enum Step { NONE, VERIFY, ENROL }

    public Step stepAfterPassword(String username) {
        return QuarkusTransaction.requiringNew().call(() -> {
            AppUser user = AppUser.findById(username);
            if (user == null) {
                return Step.NONE;
            }
            if (user.totpSecret != null) {
                return Step.VERIFY;
            }
            return required(user.roleList()) ? Step.ENROL : Step.NONE;
        });
    }

    /** Whether these roles must use a second factor. */
    public boolean required(List<String> roles) {
        List<String> must = config.requiredRoles().orElse(List.of()).stream().map(r -> r.strip().toLowerCase(Locale.ROOT))
                .filter(r -> !r.isEmpty()).toList();
        return roles.stream().anyMatch(must::contains);
    }

    /** Whether a password alone (HTTP Basic) must be refused for this user. */
    boolean passwordAloneRefused(String username, List<String> roles) {
        return required(roles) || QuarkusTransaction.requiringNew().call(() -> {
            AppUser user = AppUser.findById(username);
            return user != null && user.totpSecret != null;
        });
    }

    /** A new secret to enrol (kept as pending until a code from it is typed back). */
    public Enrolment startEnrolment(String username) {
        String secret = Totp.newSecret(random);
        QuarkusTransaction.requiringNew().run(() -> {
            AppUser user = AppUser.findById(username);
            if (user == null) {
                throw ApiException.notFound("user", username);
            }
            user.totpPendingSecret = secret;
        });
        return new Enrolment(secret, Totp.otpauthUri(config.issuer(), username, secret));
    }

    public record Enrolment(String secret, String otpauthUri) {
    }

    /** The pending enrolment of a user, if they started one (the page shown again). */
    public java.util.Optional<Enrolment> pending(String username) {
        return QuarkusTransaction.requiringNew().call(() -> {
            AppUser user = AppUser.findById(username);
            return user == null || user.totpPendingSecret == null ? java.util.Optional.<Enrolment>empty()
                    : java.util.Optional.of(new Enrolment(user.totpPendingSecret,
                    Totp.otpauthUri(config.issuer(), username, user.totpPendingSecret)));
        });
    }

    /** Confirms an enrolment with a code from the app; returns the ten recovery codes (shown once, kept hashed). */
    public List<String> confirmEnrolment(String username, String code, String address) {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            codes.add(recoveryCode());
        }
        boolean ok = QuarkusTransaction.requiringNew().call(() -> {
            AppUser user = AppUser.findById(username);
            if (user == null || user.totpPendingSecret == null) {
                return false;
            }
            long step = Totp.matchingStep(user.totpPendingSecret, code, OffsetDateTime.now().toEpochSecond());
            if (step < 0) {
                return false;
            }
            user.totpSecret = user.totpPendingSecret;
            user.totpPendingSecret = null;
            user.totpEnabledAt = OffsetDateTime.now();
            user.totpLastStep = step;
            RecoveryCode.delete("username", username);
            for (String c : codes) {
                RecoveryCode rc = new RecoveryCode();
                rc.username = username;
                rc.codeHash = Hashing.sha256(normalized(c));
                rc.persist();
            }
            return true;
        });
        if (!ok) {
            audit.record(username, "mfa.enrol-refused", "user", username, address, 401, "the code did not match");
            throw new ApiException(400, "wrong_code", "That code does not match: type the six digits your app shows"
                    + " now (check the phone's time is set automatically).");
        }
        audit.record(username, "mfa.enrolled", "user", username, address, 200, "TOTP and 10 recovery codes");
        return codes;
    }

    /** Checks a code (from the app, or an unused recovery code) at sign-in. */
    public boolean verify(String username, String typed, String address) {
        String given = typed == null ? "" : typed.strip();
        Boolean ok = QuarkusTransaction.requiringNew().call(() -> {
            AppUser user = AppUser.findById(username);
            if (user == null || user.totpSecret == null || given.length() > 40) {
                return false;
            }
            long step = Totp.matchingStep(user.totpSecret, given, OffsetDateTime.now().toEpochSecond());
            if (step >= 0) {
                if (user.totpLastStep != null && step <= user.totpLastStep) {
                    return false; // a code already used: someone may have watched it typed
                }
                user.totpLastStep = step;
                return true;
            }
            RecoveryCode rc = RecoveryCode.find("username = ?1 and codeHash = ?2 and usedAt is null", username,
                    Hashing.sha256(normalized(given))).firstResult();
            if (rc != null) {
                rc.usedAt = OffsetDateTime.now();
                return true;
            }
            return false;
        });
        audit.record(username, ok ? "mfa.verified" : "mfa.refused", "user", username, address, ok ? 200 : 401, null);
        return ok;
    }

    /** An admin turns a user's second factor off (a lost phone); they enrol again at their next sign-in if required. */
    public void reset(String username) {
        QuarkusTransaction.requiringNew().run(() -> {
            AppUser user = AppUser.findById(username);
            if (user == null) {
                throw ApiException.notFound("user", username);
            }
            user.totpSecret = null;
            user.totpPendingSecret = null;
            user.totpEnabledAt = null;
            user.totpLastStep = null;
            RecoveryCode.delete("username", username);
        });
    }

    public boolean enabled(String username) {
        return QuarkusTransaction.requiringNew().call(() -> {
            AppUser user = AppUser.findById(username);
            return user != null && user.totpSecret != null;
        });
    }

    private String recoveryCode() {
        String alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            if (i == 5) {
                s.append('-');
            }
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private static String normalized(String code) {
        return code.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s-]", "");
    }
}
