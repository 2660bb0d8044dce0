#!/usr/bin/env bash
# The API load benchmark: 250,000 assets in PostgreSQL, `plantarch serve` in one process, load from another.
# Usage: benchmarks/api/run.sh [RATE] [SECONDS] [WORKERS]   (needs PostgreSQL at 127.0.0.1:5432, trust auth)
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
psql -h 127.0.0.1 -U postgres -d "$DB" -c "ANALYZE" >/dev/null
TOKEN=$("$BIN/plantarch" token create bench --role viewer --database "$URL" 2>/dev/null)
"$BIN/plantarch" serve --database "$URL" --port "$PORT" --workers "$WORKERS" --no-access-log \
  >/tmp/plantarch-bench-serve.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 240); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/openapi.json" && break; sleep 0.5; done
# warm-up (connection pools, caches), then the measured run
"$BIN/python" benchmarks/api/load.py --url "http://127.0.0.1:$PORT" --token "$TOKEN" --rate 50 --seconds 5 >/dev/null
"$BIN/python" benchmarks/api/load.py --url "http://127.0.0.1:$PORT" --token "$TOKEN" --rate "$RATE" --seconds "$SECONDS_"
# closed-loop capacity with wrk (C, cheap on the CPU) when it is installed: apt-get install wrk
if command -v wrk >/dev/null; then
  TOKEN="$TOKEN" wrk -t1 -c8 -d20s -s benchmarks/api/mix.lua "http://127.0.0.1:$PORT"
fi
