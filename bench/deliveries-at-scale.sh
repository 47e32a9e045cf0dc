#!/usr/bin/env bash
# The deliveries table at size: N rows generated with SQL (nothing is sent) in the real schema (the production
# build migrates a database of its own), as one running campaign of up to 10M rows (a tenth still queued,
# some being sent) and the history of finished campaigns of 1M each; then EXPLAIN (ANALYZE, BUFFERS) of the hot
# statements at that size, with their times, and the table's size on disk per delivery.
#
#   bench/deliveries-at-scale.sh [N]          (default 10000000)
#   BENCH_KEEP_DB=1 ...                       keeps the database tocsin_scale afterwards
#
# Needs PostgreSQL on 127.0.0.1:5432 and about 600 bytes of disk per row (tables, indexes, WAL).
set -euo pipefail
N=${1:-10000000}
cd "$(dirname "$0")/.."
DB=tocsin_scale
BIG=$(( N < 10000000 ? N : 10000000 ))
PORT=${BENCH_HTTP_PORT:-8183}
WORK=$(mktemp -d /tmp/tocsin-scale.XXXXXX)
APP_PID=""
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
  [ -n "${BENCH_KEEP_DB:-}" ] || psql -h 127.0.0.1 -U postgres -d postgres -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "scale: $*" >&2; }
q() { psql -h 127.0.0.1 -U postgres -d $DB -v ON_ERROR_STOP=1 -qtA "$@"; }

[ -f target/quarkus-app/quarkus-run.jar ] || { log "building the production jar"; ./mvnw -B -q package -DskipTests >"$WORK/build.log" 2>&1; }
psql -h 127.0.0.1 -U postgres -d postgres -q -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
log "migrating $DB with the production build"
TOCSIN_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" TOCSIN_QUEUE_PREFIX=tocsin-scale QUARKUS_HTTP_PORT=$PORT \
  TOCSIN_ADMIN_PASSWORD=scale-admin-password-1 java -Xmx256m -jar target/quarkus-app/quarkus-run.jar >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 180); do curl -sf "http://127.0.0.1:$PORT/q/health/started" >/dev/null && break; sleep 0.5; done
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""

log "generating $N deliveries (one running campaign of $BIG, the rest finished campaigns of 1M)"
t0=$(date +%s.%N)
# The migrations' secondary indexes on delivery are dropped while the rows go in and built again afterwards,
# exactly as defined (one sort each instead of N scattered inserts: 100M rows take under an hour instead of
# about 90 minutes); the statements below are measured against the same indexes the migrations made.
INDEXES=$(q -c "SELECT string_agg(indexdef, '; ' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'delivery'
  AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'delivery'::regclass)")
for index in $(q -c "SELECT indexname FROM pg_indexes WHERE tablename = 'delivery'
  AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'delivery'::regclass)"); do
  q -c "DROP INDEX $index"
done
q <<SQL
SET session_replication_role = replica; -- no foreign-key checks for generated history
INSERT INTO campaign (id, incident_id, name, template_set, channels, channel_policy, max_attempts, status, created_at, updated_at)
  VALUES ('running', 'scale', 'running', 'credential-exposure', 'email', 'all', 5, 'RUNNING', now(), now());
INSERT INTO account (account_id, email, updated_at)
  SELECT 'a' || g, 'user' || g || '@example.com', now() FROM generate_series(1, $BIG) g;
SQL
# The running campaign: 90 % settled (sent), 9 % queued, 1 % being sent; then 1M-row finished campaigns.
done_rows=0
gen() { # campaign, rows, status expression
  q -c "SET session_replication_role = replica" -c "INSERT INTO delivery (campaign_id, account_id, channel, address, locale, status, attempts,
      provider_message_id, provider_response, created_at, sent_at, settled_at, updated_at, reference, content_sha256, claim_token, lease_until)
    SELECT '$1', 'a' || g, 'email', 'user' || g || '@example.com', 'en', $3, 1,
      '<' || md5(g::text) || '@notices.example.com>', '250 2.0.0 Ok: queued as ' || substr(md5(g::text), 1, 10),
      now() - interval '1 hour', now() - interval '30 minutes', now() - interval '30 minutes', now(),
      upper(substr(md5('r' || g), 1, 12)), md5(g::text) || md5('c' || g), NULL, NULL
    FROM generate_series(1, $2) g"
}
for start in $(seq 0 1000000 $((BIG - 1))); do
  rows=$(( BIG - start < 1000000 ? BIG - start : 1000000 ))
  q -c "SET session_replication_role = replica" -c "INSERT INTO delivery (campaign_id, account_id, channel, address, locale, status, attempts,
      provider_message_id, provider_response, created_at, sent_at, settled_at, updated_at, reference, content_sha256)
    SELECT 'running', 'a' || g, 'email', 'user' || g || '@example.com', 'en',
      CASE WHEN g % 100 < 90 THEN 'SENT' WHEN g % 100 < 99 THEN 'QUEUED' ELSE 'SENDING' END, 1,
      '<' || md5(g::text) || '@notices.example.com>', '250 2.0.0 Ok: queued as ' || substr(md5(g::text), 1, 10),
      now() - interval '1 hour', now() - interval '30 minutes', now() - interval '30 minutes', now(),
      upper(substr(md5('r' || g), 1, 12)), md5(g::text) || md5('c' || g)
    FROM generate_series($((start + 1)), $((start + rows))) g"
  done_rows=$((done_rows + rows)); log "$done_rows rows"
done
c=0
while [ $done_rows -lt "$N" ]; do
  c=$((c + 1)); rows=$(( N - done_rows < 1000000 ? N - done_rows : 1000000 ))
  q -c "SET session_replication_role = replica" -c "INSERT INTO campaign (id, incident_id, name, template_set, channels,
      channel_policy, max_attempts, status, created_at, updated_at)
    VALUES ('done$c', 'scale', 'done', 'credential-exposure', 'email', 'all', 5, 'COMPLETED', now(), now())"
  gen "done$c" "$rows" "'SENT'"
  done_rows=$((done_rows + rows)); log "$done_rows rows"
done
q -c "UPDATE delivery SET claim_token = 'scale-claim', lease_until = now() + interval '10 seconds' WHERE campaign_id = 'running' AND status = 'SENDING'" >/dev/null
t_rows=$(date +%s.%N)
log "building the indexes again"
q -c "SET maintenance_work_mem = '512MB'" -c "SET max_parallel_maintenance_workers = 2" -c "$INDEXES;"
q -c "VACUUM ANALYZE delivery" -c "VACUUM ANALYZE account" -c "ANALYZE campaign" >/dev/null
t1=$(date +%s.%N)
log "generated in $(python3 -c "print(round($t1 - $t0))") s (rows $(python3 -c "print(round($t_rows - $t0))") s, indexes and ANALYZE $(python3 -c "print(round($t1 - $t_rows))") s)"

# Ids to work on, as a worker's batch would carry them: 1,000 queued rows of the running campaign.
IDS=$(q -c "SELECT '{' || string_agg(id::text, ',') || '}' FROM (SELECT id FROM delivery WHERE campaign_id = 'running' AND status = 'QUEUED' ORDER BY id LIMIT 1000) s")
REF=$(q -c "SELECT reference FROM delivery WHERE campaign_id = 'running' ORDER BY id DESC LIMIT 1")

explain() { # name, statement: runs it inside a transaction that is rolled back, prints time and buffers
  local out
  out=$(q -c "BEGIN" -c "EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) $2" -c "ROLLBACK")
  local ms; ms=$(echo "$out" | awk '/Execution Time/ {print $3}')
  local buf; buf=$(echo "$out" | awk '/Buffers:/ {print; exit}' | sed 's/^ *//')
  local top; top=$(echo "$out" | head -1 | sed 's/  (cost.*//; s/^ *//')
  printf '%-34s %10s ms   %s | %s\n' "$1" "$ms" "$top" "$buf"
  echo "$out" >> "$WORK/plans.txt"
}

echo "N=$N deliveries (running campaign $BIG rows; finished campaigns $((N - BIG)) rows)"
psql -h 127.0.0.1 -U postgres -d $DB -qtA -c "SELECT 'delivery: ' || pg_size_pretty(pg_table_size('delivery')) || ' table, '
  || pg_size_pretty(pg_indexes_size('delivery')) || ' indexes, '
  || round(pg_total_relation_size('delivery')::numeric / (SELECT count(*) FROM delivery)) || ' bytes per delivery in all'"
explain "claim a batch (1,000 ids)" "UPDATE delivery d SET status = 'SENDING', claim_token = 'x', lease_until = now(), sending_at = now(), attempts = d.attempts + 1, updated_at = now() FROM campaign c, account a WHERE d.id = ANY ('$IDS'::bigint[]) AND d.status = 'QUEUED' AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= now()) AND c.id = d.campaign_id AND c.status = 'RUNNING' AND a.account_id = d.account_id RETURNING d.id"
explain "record 1,000 sends" "UPDATE delivery d SET status = 'SENT', provider_message_id = 'm', provider_response = '250 ok', sent_at = now(), settled_at = now(), updated_at = now(), reference = 'R', content_sha256 = 'h', claim_token = NULL, lease_until = NULL FROM unnest('$IDS'::bigint[]) AS v(id) WHERE d.id = v.id"
explain "stats: counts by channel, status" "SELECT channel, status, COUNT(*) FROM delivery WHERE campaign_id = 'running' GROUP BY channel, status"
explain "last sent (once, as it completes)" "SELECT MAX(sent_at) FROM delivery WHERE campaign_id = 'running' AND resend_of IS NULL"
explain "complete if finished" "SELECT EXISTS (SELECT 1 FROM delivery d WHERE d.campaign_id = 'running' AND d.status IN ('QUEUED', 'SENDING'))"
explain "sweep: due retries, lost batches" "SELECT d.id FROM delivery d JOIN campaign c ON c.id = d.campaign_id WHERE c.status = 'RUNNING' AND d.status = 'QUEUED' AND (d.next_attempt_at IS NOT NULL OR d.enqueued_at IS NOT NULL) AND (d.enqueued_at IS NULL OR d.enqueued_at < now() - interval '10 minutes') LIMIT 10000"
explain "sweep: expired leases" "SELECT id FROM delivery WHERE status = 'SENDING' AND lease_until < now() LIMIT 10000"
explain "hand over after resume (publishable)" "SELECT d.id FROM delivery d WHERE d.campaign_id = 'running' AND d.status = 'QUEUED' AND d.enqueued_at IS NULL AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= now()) ORDER BY d.id LIMIT 10000"
explain "support: by reference" "SELECT id, status FROM delivery WHERE reference = '$REF'"
explain "support: by email (DeliveryLookup)" "SELECT id, status FROM delivery WHERE channel = 'email' AND lower(address) = 'user4242@example.com' AND status <> 'SENDING' ORDER BY id DESC LIMIT 200"
explain "support: by email, rows being sent" "SELECT id, status FROM delivery WHERE status = 'SENDING' AND channel = 'email' AND lower(address) = 'user4242@example.com' LIMIT 200"
explain "support: by account" "SELECT id, status FROM delivery WHERE account_id = 'a4242' ORDER BY id DESC LIMIT 200"
explain "proof report: first 10,000 rows" "SELECT d.id, d.account_id, d.address, d.status, d.sent_at, d.content_sha256 FROM delivery d WHERE d.campaign_id = 'running' ORDER BY d.id LIMIT 10000"
echo "(plans: $( [ -n "${BENCH_KEEP_PLANS:-}" ] && { cp "$WORK/plans.txt" "$BENCH_KEEP_PLANS"; echo "$BENCH_KEEP_PLANS"; } || echo "BENCH_KEEP_PLANS=/path keeps them"))"
