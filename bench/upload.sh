#!/usr/bin/env bash
# Upload benchmark: N generated affected accounts (the same rows as fanout.sh) uploaded through the API, then the
# same file uploaded again (every row an update), against PostgreSQL's own COPY of the same file into a plain
# table in the same run. Prints rows/s for each and the ratios.
#
#   bench/upload.sh [N]                       (default 1000000) the production build (PostgreSQL)
#   BENCH_BUILD=embedded bench/upload.sh N    the embedded default (H2 on disk in a temporary folder)
#   BENCH_BUILD=both bench/upload.sh N        one after the other
#   BENCH_NO_BUILD=1 ...                      uses the jars already built
#   BENCH_JFR=/tmp/u.jfr ...                  records the first upload with Java Flight Recorder
#
# Needs PostgreSQL on 127.0.0.1 (for the production build and the COPY figure). Uses its own database
# (tocsin_bench, recreated each run).
set -euo pipefail
N=${1:-1000000}
BUILD=${BENCH_BUILD:-production}
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d /tmp/tocsin-upload.XXXXXX)
PORT=${BENCH_HTTP_PORT:-8181}
HEAP=${BENCH_HEAP:-512m}
ADMIN_PW=bench-admin-password-1
PW=bench-password-12
API=http://127.0.0.1:$PORT
APP_PID=""; JSTAT_PID=""

stop() {
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 30); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$1" 2>/dev/null || true
}
cleanup() { stop "$JSTAT_PID"; stop "$APP_PID"; rm -rf "$WORK"; }
trap cleanup EXIT
now() { date +%s.%N; }
log() { echo "bench: $*" >&2; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

if [ -z "${BENCH_NO_BUILD:-}" ]; then
  if [ "$BUILD" != embedded ]; then
    log "building the production jar"
    ./mvnw -B -q package -DskipTests >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
  fi
  if [ "$BUILD" != production ]; then
    log "building the embedded jar"
    ./mvnw -B -q package -DskipTests -Dquarkus.profile=embedded -Dquarkus.package.output-directory=embedded \
      >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
  fi
fi

log "generating $N rows"
awk -v n="$N" -v p="b" 'BEGIN {
  print "account_id,email,phone,locale,timezone,country,name,exposed";
  split("en es pt-BR fr de", loc, " ");
  for (i = 1; i <= n; i++)
    printf "%s%d,user%d@%s.example.com,+1415%07d,%s,UTC,US,User %d,email;password_hash\n", p, i, i, p, 2000000 + i % 8000000, loc[i % 5 + 1], i, i;
}' > "$WORK/accounts.csv"
BYTES=$(stat -c %s "$WORK/accounts.csv")

psql -h 127.0.0.1 -U postgres -d postgres -q -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS tocsin_bench" -c "CREATE DATABASE tocsin_bench" >/dev/null

# PostgreSQL's own COPY of the same file into a plain table (no index, no checks): the floor for the box.
copy_seconds() {
  psql -h 127.0.0.1 -U postgres -d tocsin_bench -q -c "DROP TABLE IF EXISTS copy_probe" \
    -c "CREATE TABLE copy_probe (account_id text, email text, phone text, locale text, timezone text, country text, name text, exposed text)" >/dev/null
  local a b
  a=$(now)
  psql -h 127.0.0.1 -U postgres -d tocsin_bench -q -c "\\copy copy_probe FROM '$WORK/accounts.csv' WITH (FORMAT csv, HEADER)" >/dev/null
  b=$(now)
  psql -h 127.0.0.1 -U postgres -d tocsin_bench -q -c "DROP TABLE copy_probe" >/dev/null
  python3 -c "print($b - $a)"
}

run() { # build -> prints its figures
  local build=$1 jar
  if [ "$build" = embedded ]; then
    jar="$ROOT/target/embedded/quarkus-run.jar"
    TOCSIN_DATA_DIR="$WORK/data-$build" TOCSIN_ADMIN_PASSWORD=$ADMIN_PW QUARKUS_HTTP_PORT=$PORT \
      java -Xmx$HEAP ${BENCH_JAVA_OPTS:-} -jar "$jar" >"$WORK/app-$build.log" 2>&1 &
  else
    jar="$ROOT/target/quarkus-app/quarkus-run.jar"
    TOCSIN_DB_URL="jdbc:postgresql://127.0.0.1:5432/tocsin_bench" TOCSIN_QUEUE_PREFIX=tocsin-bench \
      TOCSIN_ADMIN_PASSWORD=$ADMIN_PW QUARKUS_HTTP_PORT=$PORT \
      java -Xmx$HEAP ${BENCH_JAVA_OPTS:-} -jar "$jar" >"$WORK/app-$build.log" 2>&1 &
  fi
  APP_PID=$!
  for _ in $(seq 1 240); do curl -sf "$API/q/health/ready" >/dev/null && break; sleep 0.5; done
  curl -sf "$API/q/health/ready" >/dev/null || { log "Tocsin did not start"; tail -30 "$WORK/app-$build.log"; exit 1; }
  curl -sf -u "admin:$ADMIN_PW" -X POST "$API/api/users" -H 'Content-Type: application/json' \
    -d "{\"username\":\"olivia\",\"password\":\"$PW\",\"roles\":[\"operator\"]}" >/dev/null
  local inc
  inc=$(curl -sf -u "olivia:$PW" -X POST "$API/api/incidents" -H 'Content-Type: application/json' \
    -d '{"title":"Password hashes copied from a backup","description":"An attacker copied a database backup.","occurredAt":"2026-11-01T22:30:00Z","discoveredAt":"2026-11-20T09:00:00Z"}' | json '["id"]')
  jstat -gc "$APP_PID" 500 > "$WORK/jstat-$build.log" 2>/dev/null & JSTAT_PID=$!
  [ -n "${BENCH_JFR:-}" ] && jcmd "$APP_PID" JFR.start name=upload settings=profile filename="$BENCH_JFR" >/dev/null
  local t0 t1 t2 up again accepted updated
  t0=$(now)
  up=$(curl -sf -u "olivia:$PW" -X POST "$API/api/incidents/$inc/accounts" -H 'Content-Type: text/csv' --data-binary @"$WORK/accounts.csv")
  t1=$(now)
  [ -n "${BENCH_JFR:-}" ] && jcmd "$APP_PID" JFR.stop name=upload >/dev/null && log "flight recording: $BENCH_JFR"
  again=$(curl -sf -u "olivia:$PW" -X POST "$API/api/incidents/$inc/accounts" -H 'Content-Type: text/csv' --data-binary @"$WORK/accounts.csv")
  t2=$(now)
  stop "$JSTAT_PID"; JSTAT_PID=""
  accepted=$(echo "$up" | json '["accepted"]'); updated=$(echo "$again" | json '["accepted"]')
  [ "$accepted" = "$N" ] && [ "$updated" = "$N" ] || { log "accepted $accepted, then $updated, of $N: ${up:0:300}"; exit 1; }
  local heap_kb
  heap_kb=$(awk 'NR > 1 && $1 ~ /^[0-9.]+$/ {u = $3 + $4 + $6 + $8; if (u > m) m = u} END {printf "%d", m}' "$WORK/jstat-$build.log")
  stop "$APP_PID"; APP_PID=""
  echo "$build $t0 $t1 $t2 $heap_kb"
}

RESULTS=()
COPY_BEFORE=$(copy_seconds)
for b in $( [ "$BUILD" = both ] && echo "production embedded" || echo "$BUILD" ); do
  RESULTS+=("$(run "$b")")
done
COPY_AFTER=$(copy_seconds)

python3 - "$N" "$BYTES" "$COPY_BEFORE" "$COPY_AFTER" "$HEAP" "${RESULTS[@]}" <<'PY'
import sys
n, size, c1, c2, xmx = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
copy = n / min(c1, c2)
print(f"N={n} rows ({size / 1e6:.0f} MB of CSV), heap limit {xmx}")
print(f"postgresql COPY: {copy:10.0f} rows/s   (psql \\copy into a plain table: {n / c1:.0f} rows/s before the uploads, {n / c2:.0f} after; the faster counts)")
for r in sys.argv[6:]:
    build, t0, t1, t2, heap = r.split()
    t0, t1, t2 = float(t0), float(t1), float(t2)
    first, again = n / (t1 - t0), n / (t2 - t1)
    print(f"{build:10s} upload: {first:10.0f} rows/s ({t1 - t0:.1f} s, ratio to COPY {first / copy:.2f});"
          f" the same file again (updates): {again:.0f} rows/s ({t2 - t1:.1f} s); peak heap used {int(heap) / 1024:.0f} MiB")
PY
