#!/usr/bin/env bash
# The stock gate measured alone (issue 15). Not part of the tests. On a fresh
# database, first the naive hot-row rate with pgbench (as the flash-sale
# benchmark measures it, BENCH_NAIVE_CLIENTS clients for BENCH_NAIVE_SECS),
# then `storefeed-bench gate`: one variant with BENCH_STOCK (500) units,
# BENCH_HOLDERS (10,000) open checkouts, and BENCH_CONCURRENCY (50) tasks
# calling the app's StockGate::hold directly, no HTTP (the database pool
# gets as many connections). Prints holds/s, latency and the ratio to the
# naive rate, releases every granted hold again and checks the books:
# exactly BENCH_STOCK units held, stock never negative, one hold per
# checkout, all released, the ledger reconciles. Exits non-zero if not.
# BENCH_BUILD=0 uses the storefeed-bench already built (no server needed).
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"
. scripts/bootstrap.sh
. scripts/database.sh
set -euo pipefail

STOCK="${BENCH_STOCK:-500}"
HOLDERS="${BENCH_HOLDERS:-10000}"
CONCURRENCY="${BENCH_CONCURRENCY:-50}"
NAIVE_CLIENTS="${BENCH_NAIVE_CLIENTS:-64}"
NAIVE_SECS="${BENCH_NAIVE_SECS:-10}"

if [ "${BENCH_BUILD:-1}" != 0 ]; then
  sf_log "building storefeed-bench"
  SQLX_OFFLINE="${SQLX_OFFLINE:-true}" cargo build --release -p bench
fi
BENCH_BIN="$CARGO_TARGET_DIR/release/storefeed-bench"
[ -x "$BENCH_BIN" ] || { sf_log "missing $BENCH_BIN: build it with cargo build --release -p bench"; exit 1; }
. scripts/bench-lib.sh
sf_bench_prepare_database gate

cat <<HEADER

== Storefeed stock gate alone: benchmark, PostgreSQL and pgbench share the CPUs
  date         $(date -u +%Y-%m-%dT%H:%M:%SZ)
  git rev      $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes')
  cpus         $(nproc)
  holders      $HOLDERS checkouts for $STOCK units, $CONCURRENCY holds in flight

HEADER

sf_bench_naive_rate "$NAIVE_CLIENTS" "$NAIVE_SECS"
"$BENCH_BIN" gate --database-url "$DB_URL" --stock "$STOCK" --holders "$HOLDERS" \
  --concurrency "$CONCURRENCY" --naive-tps "$NAIVE_TPS"
