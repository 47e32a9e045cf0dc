package dev.tocsin.channel.email;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * DKIM signing of every notice (RFC 6376, relaxed/relaxed), for relays that do not sign: the signing domain, and
 * one key with its selector (RSA gives rsa-sha256, Ed25519 gives ed25519-sha256, RFC 8463), plus an optional
 * second key to sign twice: RSA and Ed25519, as RFC 8463 suggests while receivers learn Ed25519, or a second
 * domain's signature (the bounce domain's, or a relay that wants its own d= beside the company's).
 */
@ConfigMapping(prefix = "tocsin.dkim")
public interface DkimConfig {

    /** d=: the domain that vouches for the notices (usually the From address's). Unset: no signing. */
    Optional<String> domain();

    Optional<String> selector();

    /** The private key, PKCS#8 PEM (-----BEGIN PRIVATE KEY-----) or its base64 body. */
    Optional<String> privateKey();

    Optional<String> secondSelector();

    Optional<String> secondPrivateKey();

    /** d= of the second signature; unset: the same domain. */
    Optional<String> secondDomain();
}
