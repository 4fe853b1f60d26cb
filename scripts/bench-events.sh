#!/usr/bin/env bash
# Event ingestion benchmark (issue 5). Not part of the tests. Starts the
# release server on a fresh database with BENCH_POSTS (10,000) published
# posts, then `storefeed-bench events` reports impressions through
# /api/events/impressions for BENCH_DURATION (15) seconds from
# BENCH_CONCURRENCY (32) connections, each request a new visitor with
# BENCH_BATCH (50) posts, each from its own address. Prints events/s accepted and latency, then the
# rows actually written (the sink batches them) per second.
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"
. scripts/bootstrap.sh
. scripts/database.sh
. scripts/leptos-env.sh
set -euo pipefail

BENCH_PORT="${BENCH_PORT:-3220}"
BENCH_POSTS="${BENCH_POSTS:-10000}"
BENCH_DURATION="${BENCH_DURATION:-15}"
BENCH_CONCURRENCY="${BENCH_CONCURRENCY:-32}"
BENCH_BATCH="${BENCH_BATCH:-50}"
. scripts/bench-lib.sh
sf_bench_prepare events
# Each simulated shopper sends its own address in X-Forwarded-For: the
# server caps impressions per address (app/src/attribution/tracking/sink.rs).
sf_bench_start_server STOREFEED_TRUST_PROXY=true
psql "$DB_URL" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO users (id, username, email, password_hash, display_name)
SELECT gen_random_uuid(), 'author_' || n, 'author_' || n || '@example.test', '!', 'Author ' || n FROM generate_series(1, 100) n;
INSERT INTO posts (id, author_id, body, status, published_at)
SELECT gen_random_uuid(), (SELECT id FROM users ORDER BY username OFFSET (n % 100) LIMIT 1), 'post ' || n, 'published', now()
FROM generate_series(1, $BENCH_POSTS) n;
SQL
psql "$DB_URL" -At -c "SELECT id FROM posts" >"$WORK/posts.txt"
BEFORE="$(psql "$DB_URL" -At -c "SELECT count(*) FROM shopper_events")"
START="$(date +%s.%N)"
"$BENCH_BIN" events --base "$BASE_URL" --posts-file "$WORK/posts.txt" --concurrency "$BENCH_CONCURRENCY" \
  --duration "$BENCH_DURATION" --batch "$BENCH_BATCH"
sleep 1
AFTER="$(psql "$DB_URL" -At -c "SELECT count(*) FROM shopper_events")"
awk -v n="$((AFTER - BEFORE))" -v a="$START" -v b="$(date +%s.%N)" \
  'BEGIN { printf "rows written  %d in %.1f s (including the final flush): %.0f rows/s\n", n, b - a, n / (b - a) }'
