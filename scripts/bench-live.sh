#!/usr/bin/env bash
# The real-time channel's benchmark (issue 17). Not part of the tests.
# Starts the release server on a fresh database with one product, opens
# BENCH_STREAMS (1,000) `/live` streams watching its stock from
# `storefeed-bench live`, then BENCH_ROUNDS (20) times changes the stock in
# the database and reports how long every stream took to receive it (p50,
# p99, max, from just before the change commits) and the server's resident
# memory per open stream. BENCH_BUILD=0 uses the release binaries already
# built. The server's log goes to $SF_CACHE/bench-live-server.log.
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"
. scripts/bootstrap.sh
. scripts/database.sh
. scripts/leptos-env.sh
set -euo pipefail

BENCH_PORT="${BENCH_PORT:-3240}"
BENCH_STREAMS="${BENCH_STREAMS:-1000}"
BENCH_ROUNDS="${BENCH_ROUNDS:-20}"
# Every stream is a connection on both ends.
ulimit -n "$(( BENCH_STREAMS * 2 + 1024 ))" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
. scripts/bench-lib.sh
sf_bench_prepare live
sf_bench_start_server
VARIANT="$(psql_db -qAt <<'SQL'
INSERT INTO users (id, username, email, password_hash, display_name)
VALUES ('00000000-0000-4000-8000-000000000001', 'live_seller', 'live_seller@example.test', '!', 'Live seller');
INSERT INTO shops (id, owner_id, handle, name, currency)
VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'live_shop', 'Live shop', 'USD');
INSERT INTO products (id, shop_id, title, status, currency)
VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002', 'Live mug', 'active', 'USD');
INSERT INTO product_variants (id, product_id, shop_id, title, sku, price_minor, currency, stock_on_hand, position)
VALUES ('00000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000003',
        '00000000-0000-4000-8000-000000000002', 'Default', 'LIVE-1', 1200, 'USD', 100, 0)
RETURNING id;
SQL
)"
"$BENCH_BIN" live --base "$BASE_URL" --database-url "$DB_URL" --variant "$VARIANT" \
  --connections "$BENCH_STREAMS" --rounds "$BENCH_ROUNDS" --server-pid "$SERVER_PID"
