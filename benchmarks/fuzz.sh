#!/usr/bin/env bash
# Schemathesis against the committed OpenAPI document, on a live server with the sample articles.
# Passes when no generated request gets a 5xx. Usage: make fuzz  (or bash benchmarks/fuzz.sh [max-examples])
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
tmp=$(mktemp -d)
db=$tmp/fuzz.sqlite3
port=${TIMELINE_FUZZ_PORT:-8799}
# writes need a token; the fuzzer gets one so that it reaches the handlers, not just the 401
export TIMELINE_DATABASE_URL="sqlite:///$db" TIMELINE_PORT=$port TIMELINE_TOKEN_FILE=$tmp/tokens.jsonl \
  TIMELINE_WRITE_RATE_LIMIT=off
token=$($bin/timeline token create --name fuzz 2>/dev/null)
$bin/timeline ingest --quiet --manifest examples/articles/manifest.jsonl
$bin/timeline serve & pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/plugins" >/dev/null && break; sleep 0.2; done
$bin/st run openapi/openapi.json --url "http://127.0.0.1:$port" --checks not_a_server_error \
  --header "Authorization: Bearer $token" \
  --max-examples "${1:-50}" --seed 1
