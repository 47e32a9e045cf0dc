-- Issue 18: support looks notices up by the email address or phone number they went to (lower(address), newest
-- first). Without an index that read the whole deliveries table: 5.1 s at 5 million deliveries
-- (bench/deliveries-at-scale.sh), minutes at 100 million. PostgreSQL gets an index on lower(address); H2, the
-- embedded default (one machine, small campaigns), has no expression indexes and keeps the scan
-- (placeholder supportAddressIndex, application.properties).
${supportAddressIndex};
