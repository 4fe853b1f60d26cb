#!/usr/bin/env bash
# Benchmarks Storefeed's server-side rendering over loopback: builds the
# release server and storefeed-bench, starts the server on a fresh database
# seeded with the demo data, then loads `/` and `/u/maya` in turn. Not part
# of the tests. Settings: BENCH_PORT (3200), BENCH_CONCURRENCY (50),
# BENCH_DURATION (seconds, 15). Each report ends with a `BENCH_JSON {...}`
# line for scripts; the server's log goes to $SF_CACHE/bench-server.log.
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"

. scripts/bootstrap.sh
. scripts/database.sh
. scripts/leptos-env.sh
set -euo pipefail

BENCH_PORT="${BENCH_PORT:-3200}"
BENCH_CONCURRENCY="${BENCH_CONCURRENCY:-50}"
BENCH_DURATION="${BENCH_DURATION:-15}"
BENCH_WARMUP=3
BASE_URL="http://127.0.0.1:$BENCH_PORT"

sf_log "building the release server and storefeed-bench"
SQLX_OFFLINE=true sf_build_release
cargo build --release -p bench
SERVER_BIN="$(sf_server_bin)"
BENCH_BIN="$CARGO_TARGET_DIR/release/storefeed-bench"
for bin in "$SERVER_BIN" "$BENCH_BIN"; do
  [ -x "$bin" ] || { sf_log "missing $bin after the build"; exit 1; }
done

if sf_tcp_open 127.0.0.1 "$BENCH_PORT"; then
  sf_log "port $BENCH_PORT is already in use: stop that process or set BENCH_PORT"
  exit 1
fi

sf_database_server
BENCH_DB="storefeed_bench_$(date +%s)"
BENCH_MEDIA="$(mktemp -d)"
SERVER_LOG="$SF_CACHE/bench-server.log"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  sf_drop_database "$BENCH_DB"
  rm -rf "$BENCH_MEDIA"
}
trap cleanup EXIT
sf_create_database "$BENCH_DB"

sf_log "starting the release server on $BASE_URL (database $BENCH_DB)"
DATABASE_URL="$SF_PG_SERVER/$BENCH_DB" STOREFEED_ADDR="127.0.0.1:$BENCH_PORT" \
  STOREFEED_MEDIA_DIR="$BENCH_MEDIA" STOREFEED_SEED_DEMO=true STOREFEED_GENERATE_KEYS=true RUST_LOG=warn \
  "$SERVER_BIN" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

healthy() { curl -fsS -o /dev/null "$BASE_URL/healthz" 2>/dev/null; }
for _ in $(seq 1 120); do # up to 60 s
  healthy && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    sf_log "the server exited during start-up; its log:"
    cat "$SERVER_LOG" >&2
    exit 1
  fi
  sleep 0.5
done
if ! healthy; then
  sf_log "the server did not answer $BASE_URL/healthz within 60 s; its log:"
  tail -n 50 "$SERVER_LOG" >&2
  exit 1
fi

git_rev() {
  local rev
  rev="$(git rev-parse --short HEAD 2>/dev/null)" || { echo "unknown (no commit)"; return; }
  git diff --quiet HEAD -- 2>/dev/null || rev="$rev + uncommitted changes"
  echo "$rev"
}
cat <<HEADER

== Storefeed SSR benchmark (loopback: server and load generator share the CPUs)
  date         $(date -u +%Y-%m-%dT%H:%M:%SZ)
  git rev      $(git_rev)
  cpus         $(nproc) ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo unknown model))
  load avg     $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
  rustc        $(rustc --version)
  load         $BENCH_CONCURRENCY connections, ${BENCH_WARMUP} s warmup + ${BENCH_DURATION} s per page

HEADER

"$BENCH_BIN" \
  --url "$BASE_URL/" --label "SSR home page" \
  --url "$BASE_URL/u/maya" --label "SSR profile page" \
  --concurrency "$BENCH_CONCURRENCY" --duration "$BENCH_DURATION" --warmup "$BENCH_WARMUP"
