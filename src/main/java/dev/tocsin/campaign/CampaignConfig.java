package dev.tocsin.campaign;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

/** Launch and scheduled start. Defaults and their reasons are in application.properties. */
@ConfigMapping(prefix = "tocsin")
public interface CampaignConfig {

    Launch launch();

    Schedule schedule();

    SubstituteNotice substituteNotice();

    Retention retention();

    interface Retention {
        /** Days after a campaign closed at which the contact data of its notices is removed; the proof stays. */
        int contactDays();

        /** How often one instance looks for campaigns past retention (a Quarkus scheduler interval). */
        String checkEvery();
    }

    interface Launch {
        /** Accounts per slice of delivery creation (the launch request itself creates a tenth of it). */
        int sliceSize();

        /** How long the launch request's transaction, and each slice's, may take. */
        Duration timeout();

        /** A slice creation that has not moved for this long was interrupted: another instance resumes it. */
        Duration resumeAfter();
    }

    interface SubstituteNotice {
        /** People no channel reached in one place at which a substitute notice is required there. */
        int threshold();

        /** Per place (US-CA, or a country code), where the law sets another number. */
        java.util.Map<String, Integer> thresholds();
    }

    interface Schedule {
        /** A campaign found due more than this late (no instance was running) waits for an operator. */
        Duration grace();

        /** How often each instance looks for due campaigns (a Quarkus scheduler interval, e.g. 5s). */
        String checkEvery();
    }
}
