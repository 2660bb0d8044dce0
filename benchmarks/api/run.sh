#!/usr/bin/env bash
# The API load benchmark: 250,000 assets in PostgreSQL, `plantarch serve` in one process, load from another.
# Usage: benchmarks/api/run.sh [RATE] [SECONDS] [WORKERS]   (needs PostgreSQL at 127.0.0.1:5432, trust auth)
# Environment: ENGINE=c|python (load generator; c when cc exists), TIMELINE=FILE (one CSV line per request)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.venv/bin}
RATE=${1:-200}
SECONDS_=${2:-30}
WORKERS=${3:-2}
PORT=${PORT:-8765}
DB=plantarch_bench_api
URL="postgresql://postgres@127.0.0.1:5432/$DB"
psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" >/dev/null
nice "$BIN/python" benchmarks/api/make_model.py --database "$URL"
# what autovacuum (off on this machine's PostgreSQL) or the store after a bulk change set does
psql -h 127.0.0.1 -U postgres -d "$DB" -c "VACUUM ANALYZE" >/dev/null
TOKEN=$("$BIN/plantarch" token create bench --role viewer --database "$URL" 2>/dev/null)
LOG=/tmp/plantarch-bench-serve.log
"$BIN/plantarch" serve --database "$URL" --port "$PORT" --workers "$WORKERS" --no-access-log >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
# every worker started (a worker still starting takes no connections: the others would get them all)
for _ in $(seq 240); do
  [ "$(grep -c 'Application startup complete' "$LOG")" -ge "$WORKERS" ] && break
  sleep 0.5
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/openapi.json"
# warm-up (connection pools, caches), then the measured run
"$BIN/python" benchmarks/api/load.py --url "http://127.0.0.1:$PORT" --token "$TOKEN" --rate 50 --seconds 5 >/dev/null
server_cpu() {  # user + system CPU seconds of the server's processes so far
  for pid in $SERVER $(pgrep -P "$SERVER"); do cut -d' ' -f14-15 "/proc/$pid/stat" 2>/dev/null; done \
    | awk -v hz="$(getconf CLK_TCK)" '{t += $1 + $2} END {printf "%.2f", t / hz}'
}
CPU_BEFORE=$(server_cpu)
DIED_BEFORE=$(grep -c "died" "$LOG" || true)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# the C generator (openloop.c) takes far less of the shared CPU than the Python one; ENGINE=python for that
ENGINE=${ENGINE:-$(command -v cc >/dev/null && echo c || echo python)}
TIMEFORMAT="load generator ($ENGINE) CPU: %U user + %S system s"
time "$BIN/python" benchmarks/api/load.py --url "http://127.0.0.1:$PORT" --token "$TOKEN" --rate "$RATE" --seconds "$SECONDS_" \
  --engine "$ENGINE" --timeline "${TIMELINE:-/tmp/plantarch-bench-timeline.csv}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server CPU during the run: $(awk -v a="$(server_cpu)" -v b="$CPU_BEFORE" 'BEGIN {printf "%.2f", a - b}') s (user + system, all workers)"
if [ "$(grep -c "died" "$LOG" || true)" -gt "$DIED_BEFORE" ]; then
  echo "WARNING: a server worker died and was restarted during the run: $LOG"
fi
# closed-loop capacity with wrk (C, cheap on the CPU) when it is installed: apt-get install wrk
if command -v wrk >/dev/null; then
  TOKEN="$TOKEN" wrk -t1 -c8 -d20s -s benchmarks/api/mix.lua "http://127.0.0.1:$PORT"
fi
