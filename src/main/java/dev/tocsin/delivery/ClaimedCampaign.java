package dev.tocsin.delivery;

import dev.tocsin.template.IncidentText;
import dev.tocsin.template.NoticeFacts;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * What every delivery of one campaign shares when it is sent: its templates, attempts and channel policy, and
 * the incident the notice tells of. Read once per claimed batch and shared by its deliveries, rather than
 * returned by the database and held once per row.
 */
public record ClaimedCampaign(String id, int maxAttempts, String templateSet, int templatesVersion, String channels,
                              String channelPolicy, IncidentText incidentText, NoticeFacts facts,
                              OffsetDateTime occurredAt, OffsetDateTime discoveredAt,
                              Map<String, IncidentText> translations, String followUpOf) {

    public String incidentTitle() {
        return incidentText.title();
    }

    public String incidentDescription() {
        return incidentText.description();
    }
}
