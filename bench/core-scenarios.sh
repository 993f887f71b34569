#!/usr/bin/env bash
# The core issue's benchmark scenarios, one after another, each against a fresh server:
# (a) persist-bound DMs and (b) channel latency on SQLite and PostgreSQL, (c) pinned fan-out on SQLite.
# Needs a built jar (./mvnw -DskipTests package) and, for PostgreSQL, the server at 127.0.0.1:5432.
# Usage: bench/core-scenarios.sh [out-file]     STORES="sqlite" RATES="300" to narrow it.
set -u
cd "$(dirname "$0")/.."
JAVA=${JAVA_HOME:?set JAVA_HOME to a JDK 25}/bin/java
JAR=server/target/parley-all.jar
WORK=$(mktemp -d /tmp/parley-bench.XXXXXX)
OUT=${1:-/dev/stdout}
PG='jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=parley_bench'
printf '[auth]\nargon2_memory_kib = 1024\nargon2_iterations = 1\n' > "$WORK/bench.toml"

serve() { # [taskset prefix...] -- extra args
  "$@" > "$WORK/server.log" 2>&1 &
  for _ in $(seq 1 60); do grep -q "Parley is running" "$WORK/server.log" && return 0; sleep 0.5; done
  echo "server did not start" >&2; cat "$WORK/server.log" >&2; return 1
}
stop() { pkill -f -- "--data-dir $WORK/data" ; sleep 2; rm -rf "$WORK/data"; }
fresh_pg() { psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS parley_bench CASCADE; CREATE SCHEMA parley_bench;" 2>/dev/null; }
bench() { # name, taskset prefix..., bench args
  local name=$1; shift
  { echo "=== $name"; "$@" 2>&1 | grep -E "acked msgs|deliveries/s|send→|lost|duplicated|out of order|disconnected|errors"; } >> "$OUT"
}
# Capacity is measured, not the per-user message limit (10/s by default): lift it for the run.
export PARLEY_LIMITS_MESSAGES_PER_SECOND=100000
SERVE=("$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" serve -c "$WORK/bench.toml" --data-dir "$WORK/data" --port 18095)
BENCH=("$JAVA" -jar "$JAR" bench --url http://127.0.0.1:18095 --warmup 5s --duration 20s)

for store in ${STORES:-sqlite postgres}; do
  for scen in a b; do
    args=(); [ "$store" = postgres ] && { fresh_pg; args=(--store postgres --jdbc-url "$PG"); }
    serve "${SERVE[@]}" "${args[@]}" || exit 1
    if [ "$scen" = a ]; then bench "$store (a) 50 DMs, closed loop" "${BENCH[@]}" --scenario dms --dms 50 --rate 0 --window 64
    else bench "$store (b) 10 x 100 at 1000/s" "${BENCH[@]}" --scenario channels --channels 10 --members 100 --senders 10 --rate 1000; fi
    stop
  done
done
for rate in ${RATES:-200 250 300}; do
  serve taskset -c 0 "${SERVE[@]}" || exit 1
  bench "sqlite (c) 1 x 1000 at $rate/s, pinned" taskset -c 1 "${BENCH[@]}" --scenario fanout --members 1000 --senders 10 --rate "$rate"
  stop
done
rm -rf "$WORK"
