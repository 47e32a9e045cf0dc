package dev.tocsin.channel.push;

import org.bouncycastle.jce.ECNamedCurveTable;

import java.util.Base64;

/** Checks and decoding for the key material a browser hands over with its subscription. */
final class PushCrypto {

    private PushCrypto() {
    }

    /** Whether the bytes are an uncompressed point on P-256 (a made-up or truncated key is refused at registration). */
    static boolean isP256Point(byte[] point) {
        try {
            return ECNamedCurveTable.getParameterSpec("prime256v1").getCurve().decodePoint(point).isValid();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Browsers give base64url without padding; some clients send standard base64 or padding: accept all three. */
    static byte[] decode(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Base64.getUrlDecoder().decode(value.strip().replace('+', '-').replace('/', '_').replace("=", ""));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String encode(byte[] value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }
}
