-- Campaign-specific template parts uploaded by operators, laid over the library set the campaign names.
-- templates_version changes with every upload, so every instance renders the parts the campaign has now.
CREATE TABLE campaign_template (
    campaign_id VARCHAR(36)  NOT NULL REFERENCES campaign (id),
    locale      VARCHAR(35)  NOT NULL,
    part        VARCHAR(40)  NOT NULL,
    content     VARCHAR(100000) NOT NULL,
    updated_by  VARCHAR(100) NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (campaign_id, locale, part)
);
ALTER TABLE campaign ADD COLUMN templates_version INTEGER;
