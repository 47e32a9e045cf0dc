-- Issue 19: a claim (QUEUED -> SENDING) changes the status, so PostgreSQL writes the new row version into every
-- index of the table, and the record (-> SENT) does it again: 16 index entries per delivery. Two of the indexes
-- serve only look-ups that never need the rows these entries point to:
-- * the verification reference is written when a send is recorded; queued and claimed rows carry none, and
--   every look-up by reference asks for a value, so the index keeps only rows that have one;
-- * support's look-up by address finds rows being sent through delivery_sending (a few thousand at any time,
--   DeliveryLookup), so the address index skips them. PostgreSQL keeps no statistics of a partial index's
--   expression, and without them guessed 0.5 % of all rows per address and walked the whole table backwards
--   by id (720 ms at 2M deliveries, bench/deliveries-at-scale.sh): statistics of lower(address) are kept on
--   the table instead (0.05 ms).
-- psql, today's claim and record statements on 300,000 deliveries in batches of 200: 9.6-9.8 s -> 8.3-8.5 s
-- (bench/README.md). H2, the embedded default, has no partial indexes: its reference index keeps every row and
-- it has no address index (placeholders referenceScope, supportAddressIndexWithoutSending).
DROP INDEX delivery_reference;
CREATE INDEX delivery_reference ON delivery (reference) ${referenceScope};
${supportAddressIndexWithoutSending};
