-- Issue 19: V32 dropped the exposure table's two foreign keys on PostgreSQL only (H2 names inline constraints
-- itself, so they could not be dropped by name). On H2, the embedded default, each uploaded row still paid two
-- look-ups and a secondary index of exposure.account_id, about a tenth of an upload's time; the same reasons as
-- V32 hold there (an exposure is written by the statement path that wrote its account, nothing deletes accounts
-- or incidents). H2 rebuilds the table without them (placeholder exposureRebuiltWithoutRowChecks); PostgreSQL
-- has nothing to do.
${exposureRebuiltWithoutRowChecks};
