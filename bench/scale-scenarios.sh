#!/usr/bin/env bash
# The scale-out issue's benchmark: one, two and three Parley nodes on the same PostgreSQL and NATS, driven by
# the same load generator. Users are spread over the nodes (user i on node i mod n), so with n nodes about
# (n-1)/n of the deliveries cross nodes; the generator reports acked msgs/s, deliveries/s, send→deliver over
# all deliveries and cross-node send→deliver apart.
# Needs a built jar (./mvnw -DskipTests package), PostgreSQL at 127.0.0.1:5432 (database test) and NATS with
# JetStream at 127.0.0.1:4222. Run it on a quiet machine.
# Usage: bench/scale-scenarios.sh [out-file]
#   NODES="1 2 3"  RATE=5000  CHANNELS=50  MEMBERS=20  SENDERS=5  WARMUP=5s  DURATION=20s  to change the shape.
set -u
cd "$(dirname "$0")/.."
JAVA=${JAVA_HOME:?set JAVA_HOME to a JDK 25}/bin/java
JAR=server/target/parley-all.jar
WORK=$(mktemp -d /tmp/parley-scale.XXXXXX)
OUT=${1:-/dev/stdout}
NATS=${NATS:-nats://127.0.0.1:4222}
SCHEMA=parley_scale
PG="jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=$SCHEMA"
printf '[auth]\nargon2_memory_kib = 1024\nargon2_iterations = 1\n[store]\npool_size = 8\n' > "$WORK/bench.toml"
# Capacity is measured, not the per-user message limit (10/s by default): lift it for the run.
export PARLEY_LIMITS_MESSAGES_PER_SECOND=100000

PIDS=()
start_node() { # index
  local i=$1 port=$((18100 + $1))
  "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" serve -c "$WORK/bench.toml" --data-dir "$WORK/d$i" --port "$port" \
      --store postgres --jdbc-url "$PG" --bus nats --nats-url "$NATS" > "$WORK/node$i.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 120); do grep -q "Parley is running" "$WORK/node$i.log" && return 0; sleep 0.5; done
  echo "node $i did not start" >&2; cat "$WORK/node$i.log" >&2; return 1
}
stop_nodes() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  PIDS=(); rm -rf "$WORK"/d*
}
trap stop_nodes EXIT
fresh_pg() { psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE; CREATE SCHEMA $SCHEMA;" 2>/dev/null; }

for n in ${NODES:-1 2 3}; do
  fresh_pg
  export PARLEY_BUS_PREFIX="scale$RANDOM$n" # fresh subjects and buckets for each run
  start_node 1 || exit 1 # the first node migrates the schema
  for i in $(seq 2 "$n"); do start_node "$i" || exit 1; done
  urls=$(seq 1 "$n" | sed 's/^/http:\/\/127.0.0.1:181/; s/181\([0-9]\)$/1810\1/' | paste -sd, -)
  { echo "=== $n node(s), ${RATE:-5000} msgs/s over ${CHANNELS:-50} channels x ${MEMBERS:-20} members (${SENDERS:-5} senders each)"
    "$JAVA" -jar "$JAR" bench --url http://127.0.0.1:18101 --nodes "$urls" --scenario channels --channels "${CHANNELS:-50}" \
        --members "${MEMBERS:-20}" --senders "${SENDERS:-5}" --rate "${RATE:-5000}" --warmup "${WARMUP:-5s}" --duration "${DURATION:-20s}" 2>&1 \
      | grep -E "acked msgs|deliveries/s|send→|lost|duplicated|out of order|disconnected|errors|skipped"
  } >> "$OUT"
  stop_nodes
done
