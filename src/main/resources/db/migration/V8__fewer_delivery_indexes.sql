-- Every claim and every recorded send rewrites a delivery row and so inserts into each of its indexes.
-- delivery_claim served only the read after a claim, which now looks rows up by id; delivery_due served the
-- sweeper, which finds queued rows of running campaigns through delivery_campaign_status.
DROP INDEX delivery_claim;
DROP INDEX delivery_due;
