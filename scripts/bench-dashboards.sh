#!/usr/bin/env bash
# Dashboard benchmark (issue 5). Not part of the tests. Generates
# BENCH_EVENTS (10,000,000) shopper events and BENCH_ORDERS (200,000)
# credited orders this month for one shop (bench/sql/attribution_datagen.sql),
# then loads the shop's analytics (revenue by creator, by post, tagged vs
# untagged, the model comparison) and a creator's dashboard through their
# server functions, BENCH_CONCURRENCY (4) clients for BENCH_DURATION (15) s
# each, and prints p50/p90/p99. The generator writes events and credits as
# the app does, so PostgreSQL's triggers keep the dashboards' rollups; the
# run ends by checking every rollup against a from-scratch GROUP BY
# (bench/sql/attribution_rollup_checks.sql) and fails if one differs.
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"
. scripts/bootstrap.sh
. scripts/database.sh
. scripts/leptos-env.sh
set -euo pipefail

BENCH_PORT="${BENCH_PORT:-3230}"
BENCH_EVENTS="${BENCH_EVENTS:-10000000}"
BENCH_ORDERS="${BENCH_ORDERS:-200000}"
BENCH_CONCURRENCY="${BENCH_CONCURRENCY:-4}"
BENCH_DURATION="${BENCH_DURATION:-15}"
. scripts/bench-lib.sh
sf_bench_prepare dashboards
sf_bench_start_server
sf_log "generating $BENCH_EVENTS events and $BENCH_ORDERS orders"
START="$(date +%s)"
psql_db -q -v events="$BENCH_EVENTS" -v orders="$BENCH_ORDERS" -f bench/sql/attribution_datagen.sql >/dev/null
sf_log "generated in $(( $(date +%s) - START )) s"
sign_in() { # username → cookie file
  psql_db -At -c "WITH t AS (SELECT id, left(md5(random()::text) || md5(random()::text), 43) AS token FROM users WHERE username = '$1'),
      s AS (INSERT INTO sessions (token_hash, user_id, expires_at, ip, user_agent)
            SELECT sha256(convert_to(token, 'UTF8')), id, now() + interval '1 day', '127.0.0.1', 'storefeed-bench' FROM t)
      SELECT 'sf_session=' || token FROM t" >"$WORK/$1.cookie"
}
sign_in dash_owner
sign_in dash_creator_1
cat <<HEADER

== Storefeed dashboards over $(psql_db -At -c "SELECT count(*) FROM shopper_events") events and $(psql_db -At -c "SELECT count(*) FROM orders") orders
  credits      $(psql_db -At -c "SELECT count(*) FROM attribution_credits") rows
  load         $BENCH_CONCURRENCY connections, 3 s warmup + $BENCH_DURATION s per call

HEADER
"$BENCH_BIN" --url "$BASE_URL/api/shops/analytics" --label "shop analytics (by creator, by post, tagged vs untagged, model comparison)" \
  --method POST --body "handle=dash_shop" --cookie-file "$WORK/dash_owner.cookie" \
  --concurrency "$BENCH_CONCURRENCY" --duration "$BENCH_DURATION" --warmup 3
"$BENCH_BIN" --url "$BASE_URL/api/creator/dashboard" --label "creator dashboard (one creator's 20 posts)" \
  --method POST --body "" --cookie-file "$WORK/dash_creator_1.cookie" \
  --concurrency "$BENCH_CONCURRENCY" --duration "$BENCH_DURATION" --warmup 3

echo
echo "== rollups against a from-scratch recomputation"
psql_db -At -F ' | ' -f bench/sql/attribution_rollup_checks.sql | tee "$WORK/rollup-checks.txt"
! grep -q '| FAIL |' "$WORK/rollup-checks.txt"
