-- Issue 18: when a campaign's last notice went out (its deadline clocks, and its incident's) was read from every
-- delivery of the campaign on each view: 14 s for a completed campaign of 10M (bench/deliveries-at-scale.sh), on
-- its page, its stats, its incident's page and the console's home page (every open incident). It is now taken
-- once, when the campaign completes; resends on support's word do not count. Campaigns completed before this are
-- read here once.
ALTER TABLE campaign ADD COLUMN last_notice_sent_at TIMESTAMP WITH TIME ZONE;
UPDATE campaign SET last_notice_sent_at =
    (SELECT MAX(d.sent_at) FROM delivery d WHERE d.campaign_id = campaign.id AND d.resend_of IS NULL)
    WHERE status = 'COMPLETED';
