-- Issue 19: an upload's exposures were checked row by row against account and incident (two foreign keys, each
-- a lookup and a row lock per inserted exposure): a third of the database's time in a million-row upload. Every
-- exposure is written by the upload's own statement that inserted or updated its account in the same transaction
-- (audience/AccountCopy), incidents and accounts are never deleted (retention empties an account's contact
-- columns, the row stays), so PostgreSQL drops the two checks. H2, the embedded default, keeps them
-- (placeholder exposureRowChecks, application.properties).
${exposureRowChecks};
