#!/usr/bin/env bash
# The real-time awareness figures: 10,000 connected users, each subscribed to the presence of 50
# contacts, presence changes, a typing storm in a 1,000-member channel, and messages into that
# channel; reports the server's CPU per connected user and the send→deliver p99.
# Needs a built jar (./mvnw -DskipTests package). Usage: bench/awareness-scenario.sh [out-file]
#   USERS=10000 TYPING=100 PRESENCE=200 RATE=50 WARMUP=20s to change the load. The warm-up covers the
#   start-up burst of 10,000 connections subscribing to 500,000 presence contacts.
set -u
cd "$(dirname "$0")/.."
JAVA=${JAVA_HOME:?set JAVA_HOME to a JDK 25}/bin/java
JAR=server/target/parley-all.jar
WORK=$(mktemp -d /tmp/parley-bench.XXXXXX)
OUT=${1:-/dev/stdout}
printf '[auth]\nargon2_memory_kib = 1024\nargon2_iterations = 1\n' > "$WORK/bench.toml"
export PARLEY_LIMITS_MESSAGES_PER_SECOND=100000   # capacity, not the per-user limit
"$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" serve -c "$WORK/bench.toml" --data-dir "$WORK/data" --port 18096 \
    > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 60); do grep -q "Parley is running" "$WORK/server.log" && break; sleep 0.5; done
{
  echo "=== ${USERS:-10000} users, presence of 50 contacts each, presence ${PRESENCE:-200}/s, typing ${TYPING:-100}/s and ${RATE:-50} msgs/s in a 1,000-member channel"
  "$JAVA" -jar "$JAR" bench --url http://127.0.0.1:18096 --scenario fanout --members 1000 --users "${USERS:-10000}" --senders 10 \
      --rate "${RATE:-50}" --presence-contacts 50 --presence-rate "${PRESENCE:-200}" --typing-rate "${TYPING:-100}" \
      --server-pid "$SERVER" --register-concurrency 16 --connect-concurrency 128 --warmup "${WARMUP:-20s}" --duration 20s 2>&1 \
    | grep -vE "^(registered|connected|subscribed|setup|signed|sending)"
} >> "$OUT"
kill "$SERVER"; wait "$SERVER" 2>/dev/null
rm -rf "$WORK"
