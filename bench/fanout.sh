#!/usr/bin/env bash
# Fan-out benchmark: N affected accounts -> upload -> email campaign -> local SMTP sink (postfix smtp-sink),
# then the raw rate of postfix's smtp-source sending N messages of the same size over the same number of
# reused connections, and the ratio. Runs the production build (PostgreSQL + RabbitMQ) on this machine.
#
#   bench/fanout.sh [N]        (default 100000)
#   BENCH_JFR=/tmp/d.jfr bench/fanout.sh 100000   also records the delivery phase with Java Flight Recorder
#   BENCH_KEEP=1 ...                              keeps the work folder (CSV, app log, jstat samples)
#   TOCSIN_WORKERS=8 TOCSIN_SMTP_CONNECTIONS=4 ...  8 concurrent batches sharing 4 SMTP connections
#   BENCH_WARMUP=0 ...                            measures a cold process (default: campaigns of 20,000 notices first,
#                                                 repeated until the JIT compiler is nearly idle; BENCH_WARMUP_ROUNDS,
#                                                 default 4, BENCH_WARMUP_JIT, default 0.10 of Tocsin's CPU)
#   bench/fanout.sh --replicas 3 100000           3 Tocsin processes on the same database and queue (ports 8181..)
#   BENCH_RAW_N=1000000 ...                       smtp-source sends this many instead of N (a 10M run's raw rate
#                                                 would take 20 minutes on its own; the rate does not grow with N)
#   BENCH_QUEUE=classic ...                       a classic queue without publisher confirms (the queue before
#                                                 issue 18) instead of the quorum queue with confirms
#
# Needs PostgreSQL and RabbitMQ on 127.0.0.1 (as for the tests). Installs postfix's tools when missing.
# Uses its own database (tocsin_bench, recreated each run) and queue prefix (tocsin-bench).
set -euo pipefail
REPLICAS=1
if [ "${1:-}" = "--replicas" ]; then REPLICAS=${2:?--replicas needs a number}; shift 2; fi
N=${1:-100000}
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d /tmp/tocsin-bench.XXXXXX)
PORT=${BENCH_HTTP_PORT:-8181}
SINK_PORT=${BENCH_SMTP_PORT:-2526}
WORKERS=${TOCSIN_WORKERS:-4}
# SMTP connections Tocsin keeps (default: one per worker); smtp-source gets the same number.
CONNECTIONS=${TOCSIN_SMTP_CONNECTIONS:-$WORKERS}
HEAP=${BENCH_HEAP:-512m}
WARMUP=${BENCH_WARMUP:-20000}
WARMUP_ROUNDS=${BENCH_WARMUP_ROUNDS:-4}
WARMUP_JIT=${BENCH_WARMUP_JIT:-0.10}
RAW_N=${BENCH_RAW_N:-$N}
ADMIN_PW=bench-admin-password-1
PW=bench-password-12
API=http://127.0.0.1:$PORT
APP_PID=""; SINK_PID=""; JSTAT_PID=""; OTHER_PIDS=""

stop() { # pid: TERM, then KILL if it has not exited within 15 s
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 30); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done
  echo "bench: process $1 did not stop on TERM; killing it" >&2
  kill -9 "$1" 2>/dev/null || true
}
cleanup() {
  stop "$JSTAT_PID"; stop "$APP_PID"; for p in $OTHER_PIDS; do stop "$p"; done; stop "$SINK_PID"
  if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: files kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
log() { echo "bench: $*" >&2; }

if ! command -v smtp-sink >/dev/null || ! command -v smtp-source >/dev/null; then
  log "installing postfix (for smtp-sink and smtp-source)"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null \
    || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null; }
fi

log "building the production jar"
./mvnw -B -q package -DskipTests >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }

psql -h 127.0.0.1 -U postgres -d postgres -q -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS tocsin_bench" -c "CREATE DATABASE tocsin_bench" >/dev/null

start_sink() { # optional dump template
  if [ -n "${1:-}" ]; then smtp-sink -u postfix -d "$1" "127.0.0.1:$SINK_PORT" 1024 & else smtp-sink -u postfix "127.0.0.1:$SINK_PORT" 1024 & fi
  SINK_PID=$!
  sleep 0.5
}

QUEUE_PREFIX=tocsin-bench
QUEUE_OPTS=""
if [ "${BENCH_QUEUE:-quorum}" = "classic" ]; then
  # its own prefix: a queue's type cannot change once declared
  QUEUE_PREFIX=tocsin-bench-classic
  QUEUE_OPTS="-D%prod.mp.messaging.incoming.deliveries-in.queue.x-queue-type=classic -D%prod.mp.messaging.incoming.deliveries-in.queue.x-delivery-limit= -D%prod.mp.messaging.outgoing.deliveries-out.publish-confirms=false"
fi
launch_replica() { # http port, log file; prints the pid
  TOCSIN_DB_URL="jdbc:postgresql://127.0.0.1:5432/tocsin_bench" TOCSIN_QUEUE_PREFIX=$QUEUE_PREFIX \
  TOCSIN_SMTP_HOST=127.0.0.1 TOCSIN_SMTP_PORT=$SINK_PORT TOCSIN_WORKERS=$WORKERS TOCSIN_SMTP_CONNECTIONS=$CONNECTIONS \
  TOCSIN_ADMIN_PASSWORD=$ADMIN_PW QUARKUS_HTTP_PORT=$1 TOCSIN_DELIVERY_RETRY_BASE=PT1S \
    java -Xmx$HEAP $QUEUE_OPTS ${BENCH_JAVA_OPTS:-} -jar "$ROOT/target/quarkus-app/quarkus-run.jar" >"$2" 2>&1 &
  echo $!
}

await_ready() { # http port, log file
  for _ in $(seq 1 180); do curl -sf "http://127.0.0.1:$1/q/health/ready" >/dev/null && return 0; sleep 0.5; done
  log "Tocsin did not start; see $2"; tail -30 "$2"; exit 1
}

# The first replica serves the bench's API calls; with --replicas, the others share its database and queue.
start_app() {
  APP_PID=$(launch_replica "$PORT" "$WORK/app.log")
  OTHER_PIDS=""
  for i in $(seq 2 "$REPLICAS"); do OTHER_PIDS="$OTHER_PIDS $(launch_replica $((PORT + i - 1)) "$WORK/app-$i.log")"; done
  await_ready "$PORT" "$WORK/app.log"
  for i in $(seq 2 "$REPLICAS"); do await_ready $((PORT + i - 1)) "$WORK/app-$i.log"; done
}

stop_apps() {
  stop "$APP_PID"; APP_PID=""
  for p in $OTHER_PIDS; do stop "$p"; done; OTHER_PIDS=""
}

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

campaign() { # incident -> campaign id, approved and launched
  local c
  c=$(curl -sf -u "olivia:$PW" -X POST "$API/api/campaigns" -H 'Content-Type: application/json' \
    -d "{\"incidentId\":\"$1\",\"name\":\"bench\",\"templateSet\":\"credential-exposure\",\"channels\":[\"email\"]}" | json '["id"]')
  curl -sf -u "abel:$PW" -X POST "$API/api/campaigns/$c/approve" -H 'Content-Type: application/json' -d '{}' >/dev/null
  echo "$c"
}

wait_completed() { # polls the campaign itself (cheap), not its stats (a count over all its deliveries)
  while true; do
    status=$(curl -sf -u "olivia:$PW" "$API/api/campaigns/$1" | json '["status"]')
    [ "$status" = "COMPLETED" ] && return 0
    sleep 0.2
  done
}

incident() {
  curl -sf -u "olivia:$PW" -X POST "$API/api/incidents" -H 'Content-Type: application/json' \
    -d '{"title":"Password hashes copied from a backup","description":"An attacker copied a database backup.","occurredAt":"2026-11-01T22:30:00Z","discoveredAt":"2026-11-20T09:00:00Z",
         "facts":{"companyActions":["We took the backup server offline and reset every session."]},
         "translations":{"es":{"title":"Copia de hashes de contraseñas","description":"Un atacante copió una copia de seguridad.","companyActions":["Desconectamos el servidor y cerramos todas las sesiones."]},
                         "pt-BR":{"title":"Cópia de hashes de senhas","description":"Um invasor copiou um backup.","companyActions":["Desligamos o servidor e encerramos todas as sessões."]},
                         "fr":{"title":"Copie d’empreintes de mots de passe","description":"Un attaquant a copié une sauvegarde.","companyActions":["Nous avons coupé le serveur et fermé toutes les sessions."]},
                         "de":{"title":"Kopie von Passwort-Hashes","description":"Ein Angreifer hat eine Sicherung kopiert.","companyActions":["Wir haben den Server abgeschaltet und alle Sitzungen beendet."]}}}' | json '["id"]'
}

generate() { # rows prefix file
  awk -v n="$1" -v p="$2" 'BEGIN {
    print "account_id,email,phone,locale,timezone,country,name,exposed";
    split("en es pt-BR fr de", loc, " ");
    for (i = 1; i <= n; i++)
      printf "%s%d,user%d@%s.example.com,+1415%07d,%s,UTC,US,User %d,email;password_hash\n", p, i, i, p, 2000000 + i % 8000000, loc[i % 5 + 1], i, i;
  }' > "$3"
}

# 1. Warm-up on a sink that keeps the messages: the size of a real notice, for smtp-source.
mkdir -p "$WORK/dump"; chmod 755 "$WORK"; chmod 777 "$WORK/dump" # smtp-sink writes as user postfix
start_sink "$WORK/dump/%Y%m%d%H%M%S."
start_app
curl -sf -u "admin:$ADMIN_PW" -X POST "$API/api/users" -H 'Content-Type: application/json' \
  -d "{\"username\":\"olivia\",\"password\":\"$PW\",\"roles\":[\"operator\"]}" >/dev/null
curl -sf -u "admin:$ADMIN_PW" -X POST "$API/api/users" -H 'Content-Type: application/json' \
  -d "{\"username\":\"abel\",\"password\":\"$PW\",\"roles\":[\"approver\"]}" >/dev/null
generate 50 warm "$WORK/warm.csv"
INC=$(incident)
curl -sf -u "olivia:$PW" -X POST "$API/api/incidents/$INC/accounts" -H 'Content-Type: text/csv' --data-binary @"$WORK/warm.csv" >/dev/null
C=$(campaign "$INC"); curl -sf -u "olivia:$PW" -X POST "$API/api/campaigns/$C/launch" >/dev/null; wait_completed "$C"
SIZE=$(find "$WORK/dump" -type f -printf '%s\n' | awk '{s+=$1; n++} END {printf "%d", s/n}')
log "a notice is about $SIZE bytes"
stop_apps
stop "$SINK_PID"; SINK_PID=""

# CPU seconds used so far by Tocsin, PostgreSQL, RabbitMQ and the sink (utime + stime of their processes):
# the difference across the delivery phase says who spends the shared 2 cores.
cpu_by_process() {
  local tick; tick=$(getconf CLK_TCK)
  for name in tocsin postgres rabbitmq smtp-sink; do
    case $name in
      tocsin) pids="$1 $OTHER_PIDS" ;;
      postgres) pids=$(pgrep -x postgres | tr '\n' ' ') ;;
      rabbitmq) pids=$(pgrep -f beam.smp | tr '\n' ' ') ;;
      smtp-sink) pids=$(pgrep -x smtp-sink | tr '\n' ' ') ;;
    esac
    local total=0
    for p in $pids; do
      [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat")))
    done
    printf '%s=%s ' "$name" "$(awk -v t="$total" -v k="$tick" 'BEGIN {printf "%.1f", t / k}')"
  done
}

# Tocsin's CPU seconds by thread kind (delivery workers, JIT compiler, GC, ...): where its share goes.
cpu_by_thread() { # pid (and every other replica's)
  for t in $(for p in "$1" $OTHER_PIDS; do echo /proc/"$p"/task/*; done); do
    [ -r "$t/stat" ] && printf '%s\t%s\n' "$(tr -d '0-9 ' < "$t/comm" 2>/dev/null)" "$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null)"
  done | awk -F'\t' -v k="$(getconf CLK_TCK)" '{s[$1] += $2} END {for (n in s) printf "%s=%.1f ", n, s[n] / k}'
}

# Seconds the workers spent in each phase of their batches so far (tocsin.delivery.phase timers), and the
# outcome recorders' time committing answers (tocsin.delivery.recorder.commit, summed over their threads).
phases() {
  curl -sf -u "olivia:$PW" "$API/q/metrics" | awk -F'[{}" ]+' '/^tocsin_delivery_phase_seconds_sum/ {
    for (i = 2; i < NF; i++) if ($i == "phase=") printf "%s=%s ", $(i + 1), $NF }
    /^tocsin_delivery_recorder_commit_seconds_sum/ { printf "recorders-committing=%s ", $NF }'
}

# The raw rate: smtp-source, same sink, same message size, same number of reused connections. Measured on the
# quiet box before Tocsin starts and again after it stops (PostgreSQL may still be vacuuming and writing out the
# campaign then); the ratio takes the faster of the two, so background work never flatters it.
raw_seconds() {
  local a b
  a=$(now)
  smtp-source -d -s "$CONNECTIONS" -m "$RAW_N" -l "$SIZE" -f bench@example.com -t sink@example.com "127.0.0.1:$SINK_PORT"
  b=$(now)
  python3 -c "print($b - $a)"
}

# 2. The measured run, on a fresh process and a sink that keeps nothing.
start_sink
RAW_BEFORE=$(raw_seconds)
start_app
PID=$APP_PID
jstat -gc "$PID" 500 > "$WORK/jstat.log" 2>/dev/null & JSTAT_PID=$!
# A service runs for days: warm the process (JIT) with campaigns first, as production's would be by earlier ones.
# One campaign of 20,000 did not: on a 2-core box the C2 compiler's queue backs up, its thresholds rise with the
# queue, and hot per-notice methods (MIME encoding, rendering) were still first C2-compiled halfway through a
# measured 100k run, the compiler using as much CPU as all the workers. So warm-up campaigns repeat (at most
# BENCH_WARMUP_ROUNDS) until the compiler threads used under BENCH_WARMUP_JIT of Tocsin's CPU in the last one.
jit_and_total() { # the JIT compiler threads' CPU seconds so far, and all of Tocsin's
  cpu_by_thread "$PID" | tr ' ' '\n' | awk -F= '$1 != "" {a += $2} $1 ~ /CompilerThre/ {j += $2} END {printf "%s %s", j + 0, a + 0}'
}
WARMED=0
if [ "$WARMUP" -gt 0 ]; then
  generate "$WARMUP" "w" "$WORK/warmup.csv"
  for round in $(seq 1 "$WARMUP_ROUNDS"); do
    read -r J0 A0 <<<"$(jit_and_total)"
    INC=$(incident)
    curl -sf -u "olivia:$PW" -X POST "$API/api/incidents/$INC/accounts" -H 'Content-Type: text/csv' --data-binary @"$WORK/warmup.csv" >/dev/null
    C=$(campaign "$INC"); curl -sf -u "olivia:$PW" -X POST "$API/api/campaigns/$C/launch" >/dev/null; wait_completed "$C"
    read -r J1 A1 <<<"$(jit_and_total)"
    WARMED=$((WARMED + WARMUP))
    SHARE=$(python3 -c "print(f'{($J1 - $J0) / max($A1 - $A0, 1e-9):.2f}')")
    log "warm-up campaign $round of at most $WARMUP_ROUNDS ($WARMUP notices): the JIT compiler used $(python3 -c "print(f'{$J1 - $J0:.1f}')") s of Tocsin's $(python3 -c "print(f'{$A1 - $A0:.1f}')") s CPU ($SHARE)"
    python3 -c "import sys; sys.exit(0 if $SHARE < $WARMUP_JIT else 1)" && break
  done
fi
generate "$N" "b" "$WORK/accounts.csv"
INC=$(incident)
t0=$(now)
UP=$(curl -sf -u "olivia:$PW" -X POST "$API/api/incidents/$INC/accounts" -H 'Content-Type: text/csv' --data-binary @"$WORK/accounts.csv")
t1=$(now)
ACCEPTED=$(echo "$UP" | json '["accepted"]')
[ "$ACCEPTED" = "$N" ] || { log "upload accepted $ACCEPTED of $N: $UP"; exit 1; }
C=$(campaign "$INC")
[ -n "${BENCH_JFR:-}" ] && jcmd "$PID" JFR.start name=delivery settings=profile filename="$BENCH_JFR" >/dev/null
CPU0=$(cpu_by_process "$PID"); THREADS0=$(cpu_by_thread "$PID"); PHASES0=$(phases)
t2=$(now)
curl -sf -u "olivia:$PW" -X POST "$API/api/campaigns/$C/launch" >/dev/null
t2b=$(now)
wait_completed "$C"
t3=$(now)
log "launch request answered after $(python3 -c "print(round($t2b - $t2, 2))") s (delivery rows created)"
CPU1=$(cpu_by_process "$PID"); THREADS1=$(cpu_by_thread "$PID"); PHASES1=$(phases)
if [ -n "${BENCH_JFR:-}" ]; then jcmd "$PID" JFR.stop name=delivery >/dev/null; log "flight recording of the delivery phase: $BENCH_JFR"; fi
# Time to first notice: from the launch request to the first send the provider accepted (same machine, same clock).
FIRST=$(psql -h 127.0.0.1 -U postgres -d tocsin_bench -tA -c "SELECT EXTRACT(EPOCH FROM min(sent_at)) FROM delivery WHERE campaign_id = '$C'")
STATS=$(curl -sf -u "olivia:$PW" "$API/api/campaigns/$C/stats")
SENT=$(echo "$STATS" | json '["byStatus"]["sent"]')
stop "$JSTAT_PID"; JSTAT_PID=""
RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$PID/status")
HEAP_KB=$(awk 'NR > 1 && $1 ~ /^[0-9.]+$/ {u = $3 + $4 + $6 + $8; if (u > m) m = u} END {printf "%d", m}' "$WORK/jstat.log")

# 2b. The campaign's proof-of-notification report, streamed to a counter (one row per delivery), with the heap
#     sampled while it streams: it must not grow with the campaign.
jstat -gc "$PID" 200 > "$WORK/jstat-report.log" 2>/dev/null & JSTAT_PID=$!
t4=$(now)
REPORT_LINES=$(curl -sf -u "olivia:$PW" "$API/api/campaigns/$C/report.csv" | wc -l)
t5=$(now)
stop "$JSTAT_PID"; JSTAT_PID=""
REPORT_HEAP_KB=$(awk 'NR > 1 && $1 ~ /^[0-9.]+$/ {u = $3 + $4 + $6 + $8; if (u > m) m = u} END {printf "%d", m}' "$WORK/jstat-report.log")
REPORT_LINE=$(python3 -c "r = $REPORT_LINES - 1; s = $t5 - $t4; print(f'report.csv:  {r / s:10.0f} rows/s   ({r} rows in {s:.1f} s, one per delivery; peak heap used while streaming {$REPORT_HEAP_KB / 1024:.0f} MiB)')")
stop_apps

# 3. The raw rate again, after.
RAW_AFTER=$(raw_seconds)

python3 - "$N" "$t0" "$t1" "$t2" "$t3" "$RAW_BEFORE" "$RAW_AFTER" "$SENT" "$RSS_KB" "$HEAP_KB" "$CONNECTIONS" "$SIZE" "$HEAP" "$CPU0" "$CPU1" "$THREADS0" "$THREADS1" "$WARMED" "$WORKERS" "$PHASES0" "$PHASES1" "$REPORT_LINE" "$REPLICAS" "$FIRST" "$RAW_N" <<'PY'
import sys
n, t0, t1, t2, t3, raw_before, raw_after = int(sys.argv[1]), *map(float, sys.argv[2:8])
sent, rss, heap, workers, size, xmx = int(sys.argv[8]), int(sys.argv[9]), int(sys.argv[10]), sys.argv[11], sys.argv[12], sys.argv[13]
upload = n / (t1 - t0)
deliver = sent / (t3 - t2)
raw_n = int(sys.argv[25])
raw = raw_n / min(raw_before, raw_after)
replicas = int(sys.argv[23])
print(f"N={n} replicas={replicas} workers={sys.argv[19]} connections={workers} (each replica) message={size} bytes"
      f" heap limit={xmx} warm-up={sys.argv[18]} notices first")
print(f"upload:      {upload:10.0f} rows/s   ({t1 - t0:.1f} s)")
print(f"deliveries:  {deliver:10.0f} msg/s    ({sent} sent in {t3 - t2:.1f} s, launch to last settled)")
print(f"raw smtp:    {raw:10.0f} msg/s    (smtp-source -d -s {workers} -m {raw_n}: {raw_n / raw_before:.0f} msg/s before"
      f" Tocsin ran, {raw_n / raw_after:.0f} after; the faster counts)")
print(f"ratio tocsin/raw: {deliver / raw:.2f}")
print(f"first notice: {float(sys.argv[24]) - t2:.2f} s after the launch request")
print(f"peak RSS {rss / 1024:.0f} MiB, peak heap used {heap / 1024:.0f} MiB" + (" (the first replica)" if replicas > 1 else ""))
print(sys.argv[22])
before = dict(kv.split("=") for kv in sys.argv[14].split())
after = dict(kv.split("=") for kv in sys.argv[15].split())
used = {k: float(after[k]) - float(before[k]) for k in after}
print("CPU during delivery: " + ", ".join(f"{k} {v:.1f} s ({v / max(sent, 1) * 1e6:.0f} us/msg)" for k, v in used.items())
      + f"; wall {t3 - t2:.1f} s on {__import__('os').cpu_count()} cores")
t_before = dict(kv.split("=") for kv in sys.argv[16].split())
t_after = dict(kv.split("=") for kv in sys.argv[17].split())
by_thread = sorted(((float(v) - float(t_before.get(k, 0)), k) for k, v in t_after.items()), reverse=True)
print("tocsin CPU by thread: " + ", ".join(f"{k} {v:.1f} s" for v, k in by_thread[:8] if v >= 0.1))
p_before = dict(kv.split("=") for kv in sys.argv[20].split())
p_after = dict(kv.split("=") for kv in sys.argv[21].split())
spent = sorted(((float(v) - float(p_before.get(k, 0)), k) for k, v in p_after.items()), reverse=True)
committing = [v for v, k in spent if k == "recorders-committing"]
spent = [(v, k) for v, k in spent if k != "recorders-committing"]
if replicas > 1:
    print(f"tocsin CPU per notice, all {replicas} replicas together: {used['tocsin'] / max(sent, 1) * 1e6:.0f} us"
          f" (one {__import__('os').cpu_count()}-core box: more replicas share the same cores, so this, not the rate,"
          " says what a replica costs)")
print("worker time by phase (" + ("the first replica's workers" if replicas > 1 else "all workers") + ", send includes render): "
      + ", ".join(f"{k} {v:.1f} s" for v, k in spent))
if committing:
    print(f"outcome recorders: committing {committing[0]:.1f} s in all (summed over their threads) of the"
          f" {t3 - t2:.1f} s wall")
PY
