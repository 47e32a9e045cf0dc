package dev.tocsin.channel.email;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

/** Amazon SES notifications through SNS: which certificates and topics are believed. */
@ConfigMapping(prefix = "tocsin.ses")
public interface SesConfig {

    /** Whether POST /webhooks/ses is served at all. */
    boolean enabled();

    /**
     * Domains whose SNS hosts are believed: a SigningCertURL or SubscribeURL host must be sns.{region}.{domain}
     * (or equal to an entry: a local stand-in in tests).
     */
    List<String> certDomains();

    /** SNS topics whose messages are taken (empty: any topic, once the signature is good). */
    Optional<List<String>> topicArns();

    /** Only tests: certificates and confirmations over plain http (a local stand-in). */
    boolean allowHttp();
}
