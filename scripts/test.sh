#!/usr/bin/env bash
# Sets up and runs every test: formatting, import cycles between
# attribution's rooms, clippy (-D warnings) for the server and the WASM
# client, unit and database tests (cargo test against real PostgreSQL), then
# the Playwright suite in Chromium against a release server on a fresh
# database. Exits non-zero on any failure.
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"

. scripts/bootstrap.sh --with-browser
. scripts/database.sh
. scripts/leptos-env.sh
set -euo pipefail
export SQLX_OFFLINE=true

step() { printf '\n\033[1;35m==> %s\033[0m\n' "$*" >&2; }

step "formatting"
cargo fmt --all -- --check

step "one clock"
scripts/check-clock.sh

step "import cycles between attribution's rooms"
scripts/check-module-cycles.sh

step "clippy (server)"
cargo clippy -p app -p server -p bench --all-targets -- -D warnings
step "clippy (WASM client)"
cargo clippy -p frontend -p app --target wasm32-unknown-unknown --features app/hydrate -- -D warnings

sf_database_server
export DATABASE_URL="${DATABASE_URL:-$SF_PG_SERVER/postgres}"

step "unit and database tests"
cargo test -p app -p server -p bench

step "release build"
cargo leptos build --release

step "end-to-end tests"
E2E_DB="storefeed_e2e_$(date +%s)_$$"
sf_create_database "$E2E_DB"
E2E_PORT="${STOREFEED_E2E_PORT:-3123}"
E2E_MEDIA="$(mktemp -d)"
SERVER_LOG="$SF_CACHE/e2e-server.log"
DATABASE_URL="$SF_PG_SERVER/$E2E_DB" STOREFEED_ADDR="127.0.0.1:$E2E_PORT" STOREFEED_MEDIA_DIR="$E2E_MEDIA" \
  STOREFEED_SEED_DEMO=true STOREFEED_GENERATE_KEYS=true STOREFEED_TEST_CONTROLS=true RUST_LOG="${RUST_LOG:-warn}" \
  "$(sf_server_bin)" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
cleanup() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  sf_drop_database "$E2E_DB"
  rm -rf "$E2E_MEDIA"
}
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$E2E_PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$E2E_PORT/healthz" >/dev/null || { echo "server did not become healthy" >&2; cat "$SERVER_LOG" >&2; exit 1; }

cd end2end
BASE_URL="http://127.0.0.1:$E2E_PORT" npx playwright test
