package dev.tocsin.campaign;

import org.junit.jupiter.api.Test;

import static dev.tocsin.campaign.CampaignLifecycle.allowed;
import static dev.tocsin.campaign.CampaignStatus.APPROVED;
import static dev.tocsin.campaign.CampaignStatus.CANCELLED;
import static dev.tocsin.campaign.CampaignStatus.COMPLETED;
import static dev.tocsin.campaign.CampaignStatus.DRAFT;
import static dev.tocsin.campaign.CampaignStatus.PAUSED;
import static dev.tocsin.campaign.CampaignStatus.RUNNING;
import static dev.tocsin.campaign.CampaignStatus.SCHEDULED;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The campaign's rules as the state machine holds them. */
class CampaignLifecycleTest {

    @Test
    void nothingGoesOutWithoutASecondPersonsApproval() {
        assertFalse(allowed(DRAFT, RUNNING));
        assertFalse(allowed(DRAFT, SCHEDULED));
        assertTrue(allowed(DRAFT, APPROVED));
        assertTrue(allowed(APPROVED, DRAFT), "an edit withdraws the approval");
        assertTrue(allowed(APPROVED, RUNNING));
        assertTrue(allowed(APPROVED, SCHEDULED));
        assertTrue(allowed(SCHEDULED, RUNNING));
    }

    @Test
    void aFinishedCampaignStaysFinishedExceptThatAResendRunsACompletedOneAgain() {
        assertTrue(allowed(COMPLETED, RUNNING), "a resend runs a completed campaign until it is settled");
        for (CampaignStatus to : CampaignStatus.values()) {
            if (to != RUNNING) {
                assertFalse(allowed(COMPLETED, to), "COMPLETED -> " + to);
            }
            assertFalse(allowed(CANCELLED, to), "CANCELLED -> " + to);
        }
    }

    @Test
    void aRunningCampaignPausesResumesCompletesOrIsCancelled() {
        assertTrue(allowed(RUNNING, PAUSED));
        assertTrue(allowed(PAUSED, RUNNING));
        assertTrue(allowed(RUNNING, COMPLETED));
        assertFalse(allowed(PAUSED, COMPLETED), "a paused campaign completes only after it resumes");
        assertFalse(allowed(RUNNING, DRAFT), "a launched notice cannot be edited");
        for (CampaignStatus from : new CampaignStatus[]{DRAFT, APPROVED, SCHEDULED, RUNNING, PAUSED}) {
            assertTrue(allowed(from, CANCELLED), from + " -> CANCELLED");
        }
    }
}
