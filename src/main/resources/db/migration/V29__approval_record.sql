-- Issue 17: an approver sees what changed since the last approval, and may reject with a comment.
-- The campaign's fields as last approved (JSON of the fields a notice depends on) and a copy of its custom
-- template parts at that moment: an edit withdraws the approval but keeps what was approved to compare with.
ALTER TABLE campaign ADD COLUMN approved_fields VARCHAR(20000);
ALTER TABLE campaign ADD COLUMN rejected_by VARCHAR(100);
ALTER TABLE campaign ADD COLUMN rejected_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE campaign ADD COLUMN rejection_comment VARCHAR(2000);

CREATE TABLE campaign_approved_template (
    campaign_id VARCHAR(36)     NOT NULL REFERENCES campaign (id),
    locale      VARCHAR(35)     NOT NULL,
    part        VARCHAR(40)     NOT NULL,
    content     VARCHAR(100000) NOT NULL,
    PRIMARY KEY (campaign_id, locale, part)
);
