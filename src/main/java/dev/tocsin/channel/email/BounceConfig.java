package dev.tocsin.channel.email;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** The bounce mailbox: where DSNs and complaints to our bounce addresses arrive, read over IMAP or POP3. */
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

        /** IMAP over TLS (imaps; pop3s for POP3). */
        boolean ssl();

        /** imap (messages moved to the processed folder) or pop3 (deleted once settled: POP3 has no folders). */
        String protocol();

        /** Wait in IMAP IDLE between passes where the server offers it, so a bounce is read as it arrives. */
        boolean idle();

        /** Where bounces arrive. */
        String folder();

        /** Where a bounce goes once its outcome is committed (created if missing). */
        String processedFolder();
    }
}
