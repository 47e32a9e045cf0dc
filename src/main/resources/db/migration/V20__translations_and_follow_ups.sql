-- Issue 14: an incident's title and description per locale, so an Arabic or Japanese notice does not carry
-- an English paragraph. The incident's own title and description are the set's default language.
CREATE TABLE incident_translation (
    incident_id VARCHAR(36) NOT NULL REFERENCES incident (id),
    locale      VARCHAR(35) NOT NULL,
    title       VARCHAR(500) NOT NULL,
    description VARCHAR(20000),
    PRIMARY KEY (incident_id, locale)
);

-- Locales an approver accepted to send with the incident's untranslated text (recorded with the approval).
ALTER TABLE campaign ADD COLUMN allowed_fallback VARCHAR(400);

-- Follow-up campaigns (issue 14): an update to the recipients of an earlier campaign of the same incident:
-- all of them, only those reached, or only those who have not acknowledged it.
ALTER TABLE campaign ADD COLUMN follow_up_of VARCHAR(36);
ALTER TABLE campaign ADD COLUMN follow_up_audience VARCHAR(20);
