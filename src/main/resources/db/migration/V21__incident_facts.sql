-- Issue 15: what the law asks a notice to state, recorded on the incident instead of written into the
-- templates as claims the company may not be able to make. The structured facts (breach period, whether
-- its dates are estimated, law-enforcement delay, contact, data protection officer, offer, number
-- affected) are one JSON document; the facts that are words are kept per language beside the title.
ALTER TABLE incident ADD COLUMN facts VARCHAR(20000);
ALTER TABLE incident ADD COLUMN company_actions VARCHAR(20000);
ALTER TABLE incident ADD COLUMN delay_note VARCHAR(2000);
ALTER TABLE incident ADD COLUMN security_measures VARCHAR(4000);
ALTER TABLE incident_translation ADD COLUMN company_actions VARCHAR(20000);
ALTER TABLE incident_translation ADD COLUMN delay_note VARCHAR(2000);
ALTER TABLE incident_translation ADD COLUMN security_measures VARCHAR(4000);
