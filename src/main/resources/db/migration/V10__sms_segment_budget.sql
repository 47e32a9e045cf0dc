-- How many SMS segments a campaign's notice may take (each is billed, and long texts arrive split); a
-- template over the budget in any locale blocks approval.
ALTER TABLE campaign ADD COLUMN sms_segment_budget INTEGER;
