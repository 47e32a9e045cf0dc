-- The sweeper looks every few seconds for queued deliveries that need handing to the workers again: retries
-- and fallbacks that fell due, rows whose lease expired, rows it handed over before whose batch was lost.
-- Those rows, and only those, carry a next attempt time or an enqueued_at stamp; this index holds just them,
-- so a sweep no longer reads every queued row of a running campaign (a million at the start of a 1M
-- campaign). Rows on the normal path (queued, claimed, sent) never enter it. H2, the embedded default, has no
-- partial indexes and indexes every row (placeholder handedAgainScope, application.properties).
CREATE INDEX delivery_handed_again ON delivery (campaign_id) ${handedAgainScope};
