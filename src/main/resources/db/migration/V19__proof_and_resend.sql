-- Issue 14, proof of notification: the SHA-256 (hex) of the exact bytes each notice's provider took (the
-- RFC 5322 message for email, the UTF-8 text for SMS, the UTF-8 JSON payload before encryption for push),
-- written with the send, shown in the campaign's report.csv.
ALTER TABLE delivery ADD COLUMN content_sha256 VARCHAR(64);

-- Support can send a person's notice again (issue 14): the new delivery names the one it repeats, and the
-- once-per-channel key counts resends apart (0 is the campaign's own delivery), so a resend is a row of its
-- own and never a second send of the original.
ALTER TABLE delivery ADD COLUMN resend_of BIGINT;
ALTER TABLE delivery ADD COLUMN resend_seq INTEGER DEFAULT 0 NOT NULL;
DROP INDEX delivery_once;
CREATE UNIQUE INDEX delivery_once ON delivery (account_id, campaign_id, channel, resend_seq);
