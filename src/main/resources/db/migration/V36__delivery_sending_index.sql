-- Issue 18: the sweep for expired leases (every 2 s on every instance) found the rows being sent by walking the
-- (campaign_id, status, channel) index of every campaign: 451 ms at 25M deliveries, growing with the table
-- (bench/deliveries-at-scale.sh). On PostgreSQL a partial index lists only the rows being sent (a few thousand
-- at any time). Its key is the id, not lease_until: renewing a lease then stays a heap-only update. H2 (the
-- embedded default, small by design) keeps the walk.
${sendingIndex};
