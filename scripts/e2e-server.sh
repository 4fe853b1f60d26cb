#!/usr/bin/env bash
# Serves the release build for the Playwright suite: a fresh database with the
# demo data, test controls on (the movable clock, the test data API) and media
# in a temporary folder, all removed when the server stops. Playwright's
# `webServer` (end2end/playwright.config.ts) runs it; it needs a release build
# (`sf_build_release`, scripts/leptos-env.sh). Port: STOREFEED_E2E_PORT (default 3123).
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"
SF_CACHE="${SF_CACHE:-$HOME/.cache/storefeed}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SF_CACHE/target}"
. scripts/database.sh
. scripts/leptos-env.sh
set -euo pipefail

BIN="$(sf_server_bin)"
[ -x "$BIN" ] || { echo "no release server at $BIN: build it first (sf_build_release in scripts/leptos-env.sh)" >&2; exit 1; }

sf_database_server
E2E_DB="storefeed_e2e_$(date +%s)_$$"
E2E_MEDIA="$(mktemp -d)"
E2E_PORT="${STOREFEED_E2E_PORT:-3123}"
SERVER_LOG="$SF_CACHE/e2e-server.log"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  sf_drop_database "$E2E_DB"
  rm -rf "$E2E_MEDIA"
}
trap cleanup EXIT
trap 'exit 143' TERM INT # Playwright stops its webServer with SIGTERM: clean up then

mkdir -p "$SF_CACHE"
sf_create_database "$E2E_DB"
DATABASE_URL="$SF_PG_SERVER/$E2E_DB" STOREFEED_ADDR="127.0.0.1:$E2E_PORT" STOREFEED_MEDIA_DIR="$E2E_MEDIA" \
  STOREFEED_SEED_DEMO=true STOREFEED_GENERATE_KEYS=true STOREFEED_TEST_CONTROLS=true RUST_LOG="${RUST_LOG:-warn}" \
  "$BIN" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
echo "e2e server on http://127.0.0.1:$E2E_PORT (database $E2E_DB, log $SERVER_LOG)" >&2
status=0
wait "$SERVER_PID" || status=$?
SERVER_PID=""
if [ "$status" -ne 0 ]; then
  echo "the e2e server stopped with status $status; its log:" >&2
  tail -n 50 "$SERVER_LOG" >&2
fi
exit "$status"
