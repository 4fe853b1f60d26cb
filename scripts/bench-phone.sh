#!/usr/bin/env bash
# Page metrics on a mid-range phone (issue 15). Not part of the tests.
# Starts the release server on a fresh database with the demo data and the
# test data API, then end2end/scripts/phone-metrics.mjs seeds a creator
# whose post tags a product and loads the home feed, that post and that
# product in Chromium at 390×844 (touch, mobile user agent) with the CPU
# slowed 4× and the network at 150 ms RTT, 1.6 Mbps down, 750 kbps up. It
# prints a table of page × {cold, warm} × {LCP, hydrated, TBT, bytes
# transferred, requests}, each the median of BENCH_PHONE_RUNS (3) runs; the
# script's header says exactly how each figure is measured.
# BENCH_BUILD=0 uses the release build already there: the server binary in
# BENCH_SERVER_BIN (default $CARGO_TARGET_DIR/release/storefeed) and its site
# in LEPTOS_SITE_ROOT (default target/site), which must come from the same
# build. The server's log goes to $SF_CACHE/bench-phone-server.log.
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"
. scripts/bootstrap.sh --with-browser
. scripts/database.sh
. scripts/leptos-env.sh
set -euo pipefail

BENCH_PORT="${BENCH_PORT:-3230}"
RUNS="${BENCH_PHONE_RUNS:-3}"

if [ "${BENCH_BUILD:-1}" != 0 ]; then
  sf_log "building the release server"
  SQLX_OFFLINE="${SQLX_OFFLINE:-true}" sf_build_release
fi
SERVER_BIN="${BENCH_SERVER_BIN:-$(sf_server_bin)}"
WASM="$(sf_client_file wasm)"
for file in "$SERVER_BIN" "$WASM"; do
  [ -e "$file" ] || { sf_log "missing $file: build with sf_build_release (scripts/leptos-env.sh)"; exit 1; }
done
BASE_URL="http://127.0.0.1:$BENCH_PORT"
if sf_tcp_open 127.0.0.1 "$BENCH_PORT"; then
  sf_log "port $BENCH_PORT is already in use: stop that process or set BENCH_PORT"
  exit 1
fi
. scripts/bench-lib.sh
SERVER_LOG="$SF_CACHE/bench-phone-server.log"
: >"$SERVER_LOG"
sf_bench_prepare_database phone
sf_log "starting the release server on $BASE_URL (database $BENCH_DB, site $LEPTOS_SITE_ROOT)"
sf_bench_start_server STOREFEED_SEED_DEMO=true STOREFEED_TEST_CONTROLS=true

cat <<HEADER

== Storefeed on a phone: server, PostgreSQL and Chromium share the CPUs
  date         $(date -u +%Y-%m-%dT%H:%M:%SZ)
  git rev      $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes')
  cpus         $(nproc)
  wasm         $(gzip -c "$WASM" | wc -c) bytes gzipped

HEADER
(cd end2end && BASE_URL="$BASE_URL" PHONE_RUNS="$RUNS" node scripts/phone-metrics.mjs)
