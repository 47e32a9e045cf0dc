package dev.tocsin.tracking;

import dev.tocsin.common.AppSettings;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The codes a notice carries so a recipient can tell it is genuine: a short verification reference
 * (typed into /verify) and an advisory-page token. Both are HMACs of the delivery id under a key that
 * never leaves the server, so they cannot be forged or guessed from one another.
 */
@Startup
@ApplicationScoped
public class NoticeCodes {

    @Inject
    TrackingConfig config;

    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray(); // no 0/O, 1/I

    @Inject
    AppSettings settings;

    private SecretKeySpec key;

    @PostConstruct
    void init() {
        byte[] secret = config.signingKey().filter(k -> !k.isBlank()).map(k -> k.getBytes(StandardCharsets.UTF_8))
                .orElseGet(this::storedOrNewKey);
        key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** Without a configured key, one is made on first start and kept in the database, so codes survive restarts. */
    private byte[] storedOrNewKey() {
        return Base64.getDecoder().decode(settings.storedOrCreate("signing-key", () -> {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            return Base64.getEncoder().encodeToString(fresh);
        }));
    }

    /** e.g. TCS-7KQ2M-XH4PD: short enough to read over the phone. */
    public String verificationReference(long deliveryId) {
        byte[] mac = mac("reference:" + deliveryId);
        StringBuilder sb = new StringBuilder("TCS-");
        for (int i = 0; i < 10; i++) {
            if (i == 5) {
                sb.append('-');
            }
            sb.append(ALPHABET[(mac[i] & 0xff) % ALPHABET.length]);
        }
        return sb.toString();
    }

    /** Token in the advisory link: the delivery id and a MAC over it. */
    public String advisoryToken(long deliveryId) {
        byte[] mac = mac("advisory:" + deliveryId);
        String sig = Base64.getUrlEncoder().withoutPadding().encodeToString(mac).substring(0, 22);
        return Long.toString(deliveryId, 36) + "." + sig;
    }

    /**
     * The delivery an advisory token was issued for, when its MAC is ours (compared in constant time); empty for
     * anything else, whatever its shape or length.
     */
    public Optional<Long> deliveryOf(String token) {
        return signedId(token, this::advisoryToken);
    }

    /**
     * The id in "{base36 id}.{MAC}" when the whole token is what {@code issue} gives for that id (compared in
     * constant time); empty for anything else, whatever its shape or length.
     */
    private static Optional<Long> signedId(String token, java.util.function.LongFunction<String> issue) {
        if (token == null || token.length() > 40) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 1 || dot > 13) {
            return Optional.empty();
        }
        long id;
        try {
            id = Long.parseLong(token.substring(0, dot), 36);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (id <= 0 || !Long.toString(id, 36).equals(token.substring(0, dot))) {
            return Optional.empty();
        }
        return java.security.MessageDigest.isEqual(issue.apply(id).getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.UTF_8)) ? Optional.of(id) : Optional.empty();
    }

    /**
     * The local part's token of a bounce address (VERP): the delivery id and a MAC over it, lower case only,
     * because some mail servers fold the case of the addresses they bounce to. e.g. "2s.6f1c0a9e4b7d2c83".
     */
    public String bounceToken(long deliveryId) {
        byte[] mac = mac("bounce:" + deliveryId);
        return Long.toString(deliveryId, 36) + "." + java.util.HexFormat.of().formatHex(mac, 0, 8);
    }

    /** The delivery a bounce token names when its MAC is ours (constant time); empty for anything else. */
    public Optional<Long> deliveryOfBounce(String token) {
        return signedId(token == null ? null : token.toLowerCase(java.util.Locale.ROOT), this::bounceToken);
    }

    /** A Mac per thread, keyed once: looking the algorithm up for every notice showed in the fan-out profile. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });

    private byte[] mac(String input) {
        return macs.get().doFinal(input.getBytes(StandardCharsets.UTF_8));
    }
}
