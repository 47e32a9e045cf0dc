package dev.tocsin.campaign;

public enum CampaignStatus {
    DRAFT, APPROVED, SCHEDULED, RUNNING, PAUSED, COMPLETED, CANCELLED
}
