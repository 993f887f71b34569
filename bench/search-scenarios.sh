#!/usr/bin/env bash
# The search issue's figures: search latency, indexing throughput and reindex time on 1,000,000 messages
# in 200 channels, on both engines (Lucene beside SQLite; PostgreSQL full-text), then webhook posts/s.
# Needs a built jar (./mvnw -DskipTests package) and PostgreSQL at 127.0.0.1:5432 (trust, database test).
# Usage: bench/search-scenarios.sh [out-file]     MESSAGES=100000 STORES=sqlite to narrow it.
set -u
cd "$(dirname "$0")/.."
JAVA=${JAVA_HOME:?set JAVA_HOME to a JDK 25}/bin/java
JAR=server/target/parley-all.jar
WORK=$(mktemp -d /tmp/parley-search-bench.XXXXXX)
OUT=${1:-/dev/stdout}
PG='jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=parley_search_bench'
printf '[auth]\nargon2_memory_kib = 1024\nargon2_iterations = 1\n' > "$WORK/bench.toml"
RUN=("$JAVA" -Xmx4g --enable-native-access=ALL-UNNAMED -jar "$JAR")

for store in ${STORES:-sqlite postgres}; do
  args=(--data-dir "$WORK/data-$store")
  if [ "$store" = postgres ]; then
    psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS parley_search_bench CASCADE; CREATE SCHEMA parley_search_bench;"
    args+=(--store postgres --jdbc-url "$PG")
  fi
  { echo "=== $store: ${MESSAGES:-1000000} messages, 200 channels"
    "${RUN[@]}" bench search -c "$WORK/bench.toml" "${args[@]}" --messages "${MESSAGES:-1000000}" --channels 200 --users 50 \
      --queries 2000 --live 200000 2>/dev/null | grep -E '^\|'; } >> "$OUT"
  rm -rf "$WORK/data-$store"
done

# Webhook posts/s against a running server (the per-webhook limit lifted: capacity is measured).
PARLEY_LIMITS_WEBHOOK_POSTS_PER_SECOND=1000000 "${RUN[@]}" serve -c "$WORK/bench.toml" --data-dir "$WORK/hooks" --port 18096 > "$WORK/server.log" 2>&1 &
for _ in $(seq 1 60); do grep -q "Parley is running" "$WORK/server.log" && break; sleep 0.5; done
{ echo "=== webhooks (sqlite)"; "${RUN[@]}" bench webhooks --url http://127.0.0.1:18096 --hooks 8 --concurrency 32 --duration 20s 2>/dev/null; } >> "$OUT"
pkill -f -- "--data-dir $WORK/hooks"; sleep 2
rm -rf "$WORK"
