#!/usr/bin/env bash
# The scale-out fault test at full size: three Tocsin replicas (the production build) on a three-node RabbitMQ
# cluster of local nodes (own names, ports, data folders and Erlang cookie; the machine's RabbitMQ is not
# touched) and this machine's PostgreSQL, an SMTP server that keeps every Message-ID; one replica and one broker
# node are killed mid-campaign. It is ClusterFaultIT, which the test suite runs with 3,000 recipients at 150/s.
#
#   deploy/cluster-fault-test.sh [RECIPIENTS] [PER_SECOND]     (default 20000 at 400/s)
#
# Prints the "cluster: ..." line (sent, Message-IDs, sent twice, the rate held). Needs rabbitmq-server installed
# (/usr/lib/rabbitmq/bin) and PostgreSQL on 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."
export CLUSTER_RECIPIENTS=${1:-20000} CLUSTER_PER_SECOND=${2:-400}
LOG=$(mktemp /tmp/tocsin-cluster-fault.XXXXXX.log)
if ./mvnw -B verify -Dit.test=ClusterFaultIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false >"$LOG" 2>&1; then
  grep -h "^cluster:" "$LOG"
  echo "passed (log: $LOG; the replicas' logs: target/tocsin-cluster-*.log)"
else
  grep -hE "^cluster:|FAIL|Tests run:.*Fail" "$LOG" | head -20
  echo "FAILED (log: $LOG; the replicas' logs: target/tocsin-cluster-*.log)"
  exit 1
fi
