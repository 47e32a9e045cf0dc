package dev.tocsin.channel.push;

import dev.tocsin.common.AppSettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Optional;

/**
 * The application server's VAPID key pair (RFC 8292). Browsers subscribe with its public key, and push
 * services refuse messages signed with another one, so the pair must never change once subscriptions
 * exist: configured keys win, otherwise a pair is made on first start and kept in the database.
 */
@ApplicationScoped
public class VapidKeys {

    @Inject
    PushConfig push;

    @Inject
    AppSettings settings;

    private String publicKey;
    private String privateKey;

    @PostConstruct
    void init() {
        useBouncyCastle();
        PushConfig.Vapid configured = push.vapid();
        if (configured.publicKey().filter(k -> !k.isBlank()).isPresent()
                && configured.privateKey().filter(k -> !k.isBlank()).isPresent()) {
            publicKey = configured.publicKey().get().strip();
            privateKey = configured.privateKey().get().strip();
            return;
        }
        String[] stored = settings.storedOrCreate("vapid-keys", VapidKeys::generate).split("\\.");
        publicKey = stored[0];
        privateKey = stored[1];
    }

    /** A given pair, outside the container (tests of the push gateway). */
    static VapidKeys of(String publicKey, String privateKey) {
        useBouncyCastle();
        VapidKeys keys = new VapidKeys();
        keys.publicKey = publicKey;
        keys.privateKey = privateKey;
        return keys;
    }

    private static void useBouncyCastle() {
        // The web-push library loads keys through the "BC" provider. A provider left by an earlier application
        // in the same JVM (another class loader, as in tests) cannot read our key specs: replace it.
        java.security.Provider registered = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        if (registered == null || registered.getClass() != BouncyCastleProvider.class) {
            Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    /** Base64url, uncompressed P-256 point: what a browser's pushManager.subscribe() takes as applicationServerKey. */
    public String publicKey() {
        return publicKey;
    }

    String privateKey() {
        return privateKey;
    }

    static String generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            ECPublicKey pub = (ECPublicKey) pair.getPublic();
            byte[] point = new byte[65];
            point[0] = 0x04;
            System.arraycopy(fixed32(pub.getW().getAffineX()), 0, point, 1, 32);
            System.arraycopy(fixed32(pub.getW().getAffineY()), 0, point, 33, 32);
            byte[] secret = fixed32(((ECPrivateKey) pair.getPrivate()).getS());
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            return b64.encodeToString(point) + "." + b64.encodeToString(secret);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a VAPID key pair", e);
        }
    }

    /** A big integer as exactly 32 bytes, big-endian (BigInteger adds a sign byte or drops leading zeros). */
    static byte[] fixed32(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }
}
