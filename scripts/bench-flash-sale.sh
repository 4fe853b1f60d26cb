#!/usr/bin/env bash
# The flash-sale benchmark and the crash test (issue 4). Not part of the tests.
#
#   scripts/bench-flash-sale.sh          flash sale
#   scripts/bench-flash-sale.sh --crash  kill -9 in the middle of checkouts
#
# Flash sale: a fresh database with one variant holding BENCH_STOCK (500)
# units and BENCH_BUYERS (10,000) signed-in buyers; first the database's
# naive hot-row rate is measured with pgbench (one UPDATE ... qty = qty - 1
# WHERE qty >= 1 plus one INSERT per transaction, durable commits,
# BENCH_NAIVE_CLIENTS clients), then every buyer runs add to cart → checkout
# → address → shipping → review → pay (Pay, the card on the provider's page,
# the way back to the order) over loopback HTTP against the release
# server (at most BENCH_CONNECTIONS requests in flight). Prints orders/s, its
# ratio to the naive rate, latency per step, then checks the books: exactly
# BENCH_STOCK units sold, stock never negative, the ledger reconciles, every
# charge has exactly one order.
#
# Crash: BENCH_BUYERS (3,000) buyers go for BENCH_STOCK (2,000) units; once
# BENCH_KILL_AT_PAYMENTS (100) payments exist the server is killed with
# SIGKILL mid-checkout and started again. It then must settle everything on its own: each payment the
# provider authorized gets exactly one order, no order lacks its payment,
# dead reservations expire and the stock reconciles.
#
# Buy now: every BENCH_BUY_NOW_EVERY-th buyer (flash default 1: everyone;
# crash default 2: half) takes the one-tap path instead, the product
# sheet's quote and then one request with the saved card and address (the
# seed gives every buyer both); 0 runs the full checkout for everyone, the
# figures from before Buy now.
#
# BENCH_BUILD=0 uses the release binaries already built. The server's log
# goes to $SF_CACHE/bench-flash-server.log.
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"
. scripts/bootstrap.sh
. scripts/database.sh
. scripts/leptos-env.sh
set -euo pipefail

MODE=flash
case "${1:-}" in
  "") ;;
  --crash) MODE=crash ;;
  *) echo "usage: scripts/bench-flash-sale.sh [--crash]" >&2; exit 2 ;;
esac
if [ "$MODE" = flash ]; then
  BUYERS="${BENCH_BUYERS:-10000}"
  STOCK="${BENCH_STOCK:-500}"
  BUY_NOW_EVERY="${BENCH_BUY_NOW_EVERY:-1}"
else
  BUYERS="${BENCH_BUYERS:-3000}"
  STOCK="${BENCH_STOCK:-2000}"
  BUY_NOW_EVERY="${BENCH_BUY_NOW_EVERY:-2}"
fi
CONNECTIONS="${BENCH_CONNECTIONS:-256}"
NAIVE_CLIENTS="${BENCH_NAIVE_CLIENTS:-64}"
NAIVE_SECS="${BENCH_NAIVE_SECS:-10}"
KILL_AT="${BENCH_KILL_AT_PAYMENTS:-100}"
BENCH_PORT="${BENCH_PORT:-3210}"

. scripts/bench-lib.sh
sf_bench_prepare flash

# In the crash run holds last 15 s and the jobs run every second, so the
# recovery can be watched instead of waited for.
start_server() {
  local extra=(STOREFEED_DB_MAX_CONNECTIONS="${BENCH_DB_CONNECTIONS:-20}")
  [ "$MODE" = crash ] && extra+=(STOREFEED_RESERVATION_TTL_SECS=15 STOREFEED_JOBS_EVERY_SECS=1 STOREFEED_PAYMENT_GRACE_SECS=2)
  sf_bench_start_server "${extra[@]}"
}

sf_log "starting the release server on $BASE_URL (database $BENCH_DB)"
start_server
sf_log "seeding $BUYERS buyers and $STOCK units"
psql_db -At -v stock="$STOCK" -v buyers="$BUYERS" -f bench/sql/flash_seed.sql | grep '^sf_session=' >"$WORK/cookies.txt"
VARIANT="00000000-0000-4000-8000-00000000f1a8"

cat <<HEADER

== Storefeed flash sale ($MODE) over loopback: server, PostgreSQL and load generator share the CPUs
  date         $(date -u +%Y-%m-%dT%H:%M:%SZ)
  git rev      $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes')
  cpus         $(nproc)
  buyers       $BUYERS for $STOCK units, at most $CONNECTIONS requests in flight
  buy now      every ${BUY_NOW_EVERY}th buyer (0: nobody; 1: everyone)

HEADER

check_books() {
  psql_db -At -F ' | ' -v stock="$STOCK" -f bench/sql/commerce_checks.sql | tee "$WORK/checks.txt"
  ! grep -q '| FAIL |' "$WORK/checks.txt"
}

# Waits until payments, holds and sold stock have all settled (or 90 s). In
# the crash run no buyer is left, so every hold must have expired too.
wait_settled() {
  local pending holds="expires_at < now()"
  [ "$MODE" = crash ] && holds="true"
  for _ in $(seq 1 180); do
    pending="$(psql_db -At -c "SELECT (SELECT count(*) FROM payments WHERE status = 'pending')
        + (SELECT count(*) FROM stock_reservations WHERE status = 'sold')
        + (SELECT count(*) FROM stock_reservations WHERE status = 'active' AND $holds)
        + (SELECT count(*) FROM orders WHERE status = 'pending')")"
    [ "$pending" = 0 ] && return 0
    sleep 0.5
  done
  return 1
}

if [ "$MODE" = flash ]; then
  sf_bench_naive_rate "$NAIVE_CLIENTS" "$NAIVE_SECS"

  "$BENCH_BIN" flash-sale --base "$BASE_URL" --cookie-file "$WORK/cookies.txt" --variant "$VARIANT" \
    --shop flash_shop --connections "$CONNECTIONS" --buy-now-every "$BUY_NOW_EVERY" | tee "$WORK/report.txt"
  ORDERS_PER_SEC="$(sed -n 's/.*"orders_per_sec":\([0-9.]*\).*/\1/p' "$WORK/report.txt")"
  awk -v o="$ORDERS_PER_SEC" -v n="$NAIVE_TPS" 'BEGIN { printf "orders/s over the naive hot-row rate: %.2fx (goal: at least 1x with Buy now)\n", o / n }'
  wait_settled || sf_log "still unsettled after 90 s"
  ORDERS="$(psql_db -At -c "SELECT count(*) FROM orders")"
  echo
  echo "== the books"
  OK=1
  check_books || OK=0
  if [ "$ORDERS" = "$STOCK" ]; then echo "exactly $STOCK orders | PASS"; else echo "exactly $STOCK orders | FAIL | $ORDERS"; OK=0; fi
  [ "$OK" = 1 ] || { sf_log "the books are wrong"; exit 1; }
  exit 0
fi

# --- crash ------------------------------------------------------------------
"$BENCH_BIN" flash-sale --base "$BASE_URL" --cookie-file "$WORK/cookies.txt" --variant "$VARIANT" \
  --shop flash_shop --connections "$CONNECTIONS" --buy-now-every "$BUY_NOW_EVERY" >"$WORK/report.txt" 2>&1 &
LOAD_PID=$!
for _ in $(seq 1 600); do # up to 60 s
  [ "$(psql_db -At -c "SELECT count(*) FROM payments")" -ge "$KILL_AT" ] && break
  sleep 0.1
done
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
psql_db -At -F ' | ' -c "SELECT 'at the kill: ' || (SELECT count(*) FROM orders) || ' orders, '
    || (SELECT count(*) FROM payments WHERE status = 'pending') || ' payments pending, '
    || (SELECT count(*) FROM test_provider_intents WHERE status IN ('authorized', 'captured')) || ' charges at the provider, '
    || (SELECT count(*) FROM stock_reservations WHERE status = 'active') || ' holds, '
    || (SELECT count(*) FROM stock_reservations WHERE status = 'sold') || ' sold units unsettled'"
wait "$LOAD_PID" || true
grep -E '^(buyers|orders|sold out|failed)' "$WORK/report.txt" | sed 's/^/load before and after the kill: /'
sf_log "restarting the server"
RESTART="$(date +%s.%N)"
start_server
if wait_settled; then
  awk -v a="$RESTART" -v b="$(date +%s.%N)" 'BEGIN { printf "settled %.1f s after the restart\n", b - a }'
else
  sf_log "not settled 90 s after the restart"
fi
echo
echo "== the books after the crash"
check_books || { sf_log "the books are wrong after the crash"; exit 1; }
