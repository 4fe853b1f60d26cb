#!/usr/bin/env bash
# The buy-together rush (issue 17). Not part of the tests.
# Starts the release server on a fresh database seeded with one open group
# of BENCH_GROUP_SIZE (10) seats on a variant with BENCH_STOCK (100) units
# and BENCH_BUYERS (1,000) signed-in buyers with saved cards and addresses
# (bench/sql/group_seed.sql); `storefeed-bench group-rush` opens
# BENCH_WATCHERS (1,000) pages watching the group's card over `/live`, then
# every buyer sends Join for one seat at the same moment. Prints joins and
# "full" answers, join latency, how long the watching pages took to be told
# "full" after the filling seat committed (p50/p99), and the server's
# memory per open page; then checks the books: exactly BENCH_GROUP_SIZE
# members, all captured, nobody else charged, stock reconciled.
# BENCH_BUILD=0 uses the release binaries already built. The server's log
# goes to $SF_CACHE/bench-group-server.log.
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"
. scripts/bootstrap.sh
. scripts/database.sh
. scripts/leptos-env.sh
set -euo pipefail

BENCH_PORT="${BENCH_PORT:-3250}"
BUYERS="${BENCH_BUYERS:-1000}"
WATCHERS="${BENCH_WATCHERS:-1000}"
SIZE="${BENCH_GROUP_SIZE:-10}"
STOCK="${BENCH_STOCK:-100}"
GROUP="00000000-0000-4000-8000-0000000061a2"
# Every page and every buyer is a connection on both ends.
ulimit -n "$(( (BUYERS + WATCHERS) * 2 + 1024 ))" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
. scripts/bench-lib.sh
sf_bench_prepare group
sf_bench_start_server STOREFEED_DB_MAX_CONNECTIONS="${BENCH_DB_CONNECTIONS:-20}"
psql_db -At -v stock="$STOCK" -v buyers="$BUYERS" -v size="$SIZE" -f bench/sql/group_seed.sql \
  | grep '^sf_session=' >"$WORK/cookies.txt"

cat <<HEADER

== Storefeed group rush over loopback: server, PostgreSQL and load generator share the CPUs
  date         $(date -u +%Y-%m-%dT%H:%M:%SZ)
  git rev      $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes')
  cpus         $(nproc)
  group        $SIZE seats, $STOCK units in stock, $BUYERS buyers, $WATCHERS watching pages

HEADER
"$BENCH_BIN" group-rush --base "$BASE_URL" --database-url "$DB_URL" --group "$GROUP" \
  --cookie-file "$WORK/cookies.txt" --watchers "$WATCHERS" --server-pid "$SERVER_PID"

# The filling seat captures every member's payment and sells the held stock
# right after; wait for that (up to 30 s) before reading the books.
for _ in $(seq 1 60); do
  pending="$(psql_db -At -c "SELECT (SELECT count(*) FROM payments WHERE status <> 'captured')
      + (SELECT count(*) FROM stock_reservations WHERE status IN ('active', 'sold'))")"
  [ "$pending" = 0 ] && break
  sleep 0.5
done
echo
echo "== the books"
psql_db -At -F ' | ' -v stock="$STOCK" -f bench/sql/commerce_checks.sql | tee "$WORK/checks.txt"
psql_db -At -F ' | ' -v size="$SIZE" -f bench/sql/group_checks.sql | tee -a "$WORK/checks.txt"
! grep -q '| FAIL |' "$WORK/checks.txt" || { sf_log "the books are wrong"; exit 1; }
