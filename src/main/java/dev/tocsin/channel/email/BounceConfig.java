package dev.tocsin.channel.email;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** The bounce mailbox: where DSNs and complaints to our bounce addresses arrive, read over IMAP. */
@ConfigMapping(prefix = "tocsin.bounce")
public interface BounceConfig {

    Imap imap();

    /** How often the mailbox is read. */
    String pollEvery();

    interface Imap {
        /** Unset: no mailbox is read. */
        Optional<String> host();

        int port();

        Optional<String> username();

        Optional<String> password();

        /** IMAP over TLS (imaps). */
        boolean ssl();

        /** Where bounces arrive. */
        String folder();

        /** Where a bounce goes once its outcome is committed (created if missing). */
        String processedFolder();
    }
}
