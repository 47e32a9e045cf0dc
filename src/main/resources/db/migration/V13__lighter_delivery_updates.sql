-- Each status change of a delivery (claim, then its outcome) writes a new entry into every one of its indexes
-- whose condition the row meets: the status is indexed, so no such update is HOT. Two of the five were avoidable.
-- The unique key now leads with the account, so it also answers "which notices did this person get" and the
-- separate account index goes.
DROP INDEX delivery_once;
CREATE UNIQUE INDEX delivery_once ON delivery (account_id, campaign_id, channel);
DROP INDEX delivery_account;
-- Only SMS deliveries are looked up by the provider's id (Twilio's status callbacks): email rows, most of a
-- campaign, stay out of that index in PostgreSQL. H2 (the embedded default) has no partial indexes and indexes
-- every row (placeholder providerIndexScope, application.properties).
DROP INDEX delivery_provider_message;
CREATE INDEX delivery_provider_message ON delivery (provider_message_id) ${providerIndexScope};
