#!/usr/bin/env bash
# The notification benchmark (issue 18). Not part of the tests.
# Starts the release server on a fresh database seeded by
# bench/sql/notify_seed.sql: an author with BENCH_FOLLOWERS (10,000)
# followers and a post; BENCH_WATCHERS (1,000) of the followers have a post
# each and a page open watching their own bell over `/live`; BENCH_LIKERS
# (1,000) others are signed in. `storefeed-bench notify` then
#  1. fans out: each watcher's post is liked once (through the like server
#     function, by a different liker, BENCH_CONCURRENCY at a time) and every
#     watcher's page must receive its new unread count: latency from the
#     like request to the page (p50/p99);
#  2. fans in: every liker likes the author's post within the minute, and
#     the author must end with batched rows, not one per like; prints the
#     rows and actors, the like rate, and the notifications consumer's rate.
# BENCH_BUILD=0 uses the release binaries already built. The server's log
# goes to $SF_CACHE/bench-notify-server.log.
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"
. scripts/bootstrap.sh
. scripts/database.sh
. scripts/leptos-env.sh
set -euo pipefail

BENCH_PORT="${BENCH_PORT:-3260}"
FOLLOWERS="${BENCH_FOLLOWERS:-10000}"
WATCHERS="${BENCH_WATCHERS:-1000}"
LIKERS="${BENCH_LIKERS:-1000}"
CONCURRENCY="${BENCH_CONCURRENCY:-16}"
[ "$(( WATCHERS + LIKERS ))" -le "$FOLLOWERS" ] || { echo "watchers + likers must not exceed followers" >&2; exit 1; }
ulimit -n "$(( (WATCHERS + CONCURRENCY) * 2 + 1024 ))" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
. scripts/bench-lib.sh
sf_bench_prepare notify
# Each liker likes twice (a watcher's post, then the author's): well within
# the hourly like limit, which stays as configured.
sf_bench_start_server STOREFEED_DB_MAX_CONNECTIONS="${BENCH_DB_CONNECTIONS:-20}"
psql_db -At -v followers="$FOLLOWERS" -v watchers="$WATCHERS" -v likers="$LIKERS" \
  -f bench/sql/notify_seed.sql >"$WORK/people.txt"

cat <<HEADER

== Storefeed notifications over loopback: server, PostgreSQL and load generator share the CPUs
  date         $(date -u +%Y-%m-%dT%H:%M:%SZ)
  git rev      $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes')
  cpus         $(nproc)
  people       an author with $FOLLOWERS followers, $WATCHERS watching their bell, $LIKERS liking

HEADER
"$BENCH_BIN" notify --base "$BASE_URL" --database-url "$DB_URL" --people "$WORK/people.txt" \
  --concurrency "$CONCURRENCY" --server-pid "$SERVER_PID"
