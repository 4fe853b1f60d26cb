#!/usr/bin/env bash
# Prints the size of the client (each file of the site's pkg dir: raw, gzip,
# brotli) and of a first visit to `/` (the bytes a browser downloads: HTML,
# CSS, JS, WASM), and exits non-zero when that visit exceeds the budget in
# budget/first-visit.toml. Builds the release site first unless SIZE_BUILD=0
# (scripts/test.sh passes it, having just built). Serves the build as
# scripts/e2e-server.sh does (a fresh database with the demo data, removed
# after) on SIZE_PORT (default 3170).
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"

. scripts/bootstrap.sh
. scripts/database.sh
. scripts/leptos-env.sh
set -euo pipefail

if [ "${SIZE_BUILD:-1}" != 0 ]; then
  sf_log "building the release site"
  SQLX_OFFLINE=true sf_build_release
fi

SIZE_PORT="${SIZE_PORT:-3170}"
if sf_tcp_open 127.0.0.1 "$SIZE_PORT"; then
  sf_log "port $SIZE_PORT is already in use: stop that process or set SIZE_PORT"
  exit 1
fi
SERVER_LOG="$(mktemp)"
STOREFEED_E2E_PORT="$SIZE_PORT" scripts/e2e-server.sh >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -f "$SERVER_LOG"
}
trap stop_server EXIT

# Up to two minutes: the demo data is seeded before the server listens.
up=0
for _ in $(seq 1 240); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$SIZE_PORT/healthz" 2>/dev/null; then up=1; break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.5
done
if [ "$up" != 1 ]; then
  cat "$SERVER_LOG" >&2
  sf_log "the release server did not answer on port $SIZE_PORT"
  exit 1
fi

python3 scripts/size-report.py \
  --pkg-dir "$LEPTOS_SITE_ROOT/$LEPTOS_SITE_PKG_DIR" \
  --base-url "http://127.0.0.1:$SIZE_PORT" \
  --budget budget/first-visit.toml
