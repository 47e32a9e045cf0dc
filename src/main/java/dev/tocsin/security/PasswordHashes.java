package dev.tocsin.security;

import io.quarkus.elytron.security.common.BcryptUtil;
import org.wildfly.security.password.Password;
import org.wildfly.security.password.PasswordFactory;
import org.wildfly.security.password.interfaces.BCryptPassword;
import org.wildfly.security.password.util.ModularCrypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Password hashes. bcrypt reads only the first 72 bytes of what it is given, so a password is first reduced
 * to its SHA-256 (base64, 44 characters, no NUL) and that is bcrypt-hashed: every character of a long
 * password counts. Such hashes carry the prefix {@value #PREFIX}; older hashes (bcrypt of the password
 * itself) still verify, and are replaced by the new form at the user's next successful login.
 */
final class PasswordHashes {

    static final String PREFIX = "sha256+";
    /** Longer than any password manager makes; keeps hashing a request's password cheap. */
    static final int MAX_CHARS = 1024;

    private PasswordHashes() {
    }

    static String hash(String password, int cost) {
        return PREFIX + BcryptUtil.bcryptHash(reduce(password), cost);
    }

    static boolean matches(String password, String stored) {
        if (stored == null || password.length() > MAX_CHARS) {
            return false;
        }
        boolean current = stored.startsWith(PREFIX);
        return bcrypt(current ? reduce(password) : password, current ? stored.substring(PREFIX.length()) : stored);
    }

    static boolean isLegacy(String stored) {
        return stored != null && !stored.startsWith(PREFIX);
    }

    private static String reduce(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean bcrypt(String password, String hash) {
        try {
            PasswordFactory factory = PasswordFactory.getInstance(BCryptPassword.ALGORITHM_BCRYPT);
            Password stored = factory.translate(ModularCrypt.decode(hash));
            return factory.verify(stored, password.toCharArray());
        } catch (Exception e) {
            return false;
        }
    }
}
