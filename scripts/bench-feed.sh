#!/usr/bin/env bash
# Benchmarks the home feed on generated data (issue 3): builds the release
# server and storefeed-bench, creates a fresh database, lets the server
# migrate it, fills it with bench/datagen.sql (100k users, 1M posts, 8M
# follows by default), signs in BENCH_CONCURRENCY typical users by inserting
# sessions, then over loopback measures
#   (a) the home-feed server function, POST /api/feed/home, first page;
#   (b) the same for each user's second page (their own next_cursor);
#   (c) the server-rendered home page, GET /, signed in;
#   (d) publishing a post with a 4000x3000 JPEG (multipart, BENCH_UPLOADS times);
#   (e) the gzipped size of the WASM client;
#   (f) (a) and (c) again once the readers block, mute, mute words and hide
#       posts (BENCH_SAFETY=0 skips it), compared with the runs without.
# Not part of the tests. Settings: BENCH_PORT (3200), BENCH_CONCURRENCY (50),
# BENCH_DURATION (seconds per load, 15), BENCH_WARMUP (3), BENCH_USERS
# (100000), BENCH_POSTS (1000000), BENCH_SHOPS (3000), BENCH_UPLOADS (5),
# BENCH_DB (reuse this already generated database instead of a fresh one),
# BENCH_KEEP_DB (1: keep the generated database for investigation),
# BENCH_BUILD (0: use the release binaries already built), SQLX_OFFLINE
# (true: build with the committed .sqlx/ query data).
# Reports end with `BENCH_JSON {...}` lines; EXPLAIN (ANALYZE, BUFFERS) of
# the home feed query goes to $SF_CACHE/bench-feed-explain.log and the
# server's log to $SF_CACHE/bench-feed-server.log.
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
BENCH_WARMUP="${BENCH_WARMUP:-3}"
BENCH_USERS="${BENCH_USERS:-100000}"
BENCH_POSTS="${BENCH_POSTS:-1000000}"
BENCH_SHOPS="${BENCH_SHOPS:-3000}"
BENCH_UPLOADS="${BENCH_UPLOADS:-5}"
BENCH_KEEP_DB="${BENCH_KEEP_DB:-0}"
BENCH_BUILD="${BENCH_BUILD:-1}"
BASE_URL="http://127.0.0.1:$BENCH_PORT"
# The issue's goals, in milliseconds of p99.
GOAL_FEED_P99=25
GOAL_SSR_P99=60

if [ "$BENCH_BUILD" != 0 ]; then
  sf_log "building the release server and storefeed-bench"
  # Offline query data as in bench.sh, unless SQLX_OFFLINE=false (with a
  # migrated DATABASE_URL) is asked for, e.g. while .sqlx/ lags behind.
  SQLX_OFFLINE="${SQLX_OFFLINE:-true}" sf_build_release
  cargo build --release -p bench
fi
SERVER_BIN="$(sf_server_bin)"
BENCH_BIN="$CARGO_TARGET_DIR/release/storefeed-bench"
WASM="$(sf_client_file wasm)"
for file in "$SERVER_BIN" "$BENCH_BIN" "$WASM"; do
  [ -e "$file" ] || { sf_log "missing $file after the build"; exit 1; }
done

if sf_tcp_open 127.0.0.1 "$BENCH_PORT"; then
  sf_log "port $BENCH_PORT is already in use: stop that process or set BENCH_PORT"
  exit 1
fi

sf_database_server
WORK="$(mktemp -d)"
SERVER_LOG="$SF_CACHE/bench-feed-server.log"
EXPLAIN_LOG="$SF_CACHE/bench-feed-explain.log"
SERVER_PID=""
if [ -n "${BENCH_DB:-}" ]; then
  OWN_DB=0
else
  OWN_DB=1
  BENCH_DB="storefeed_bench_feed_$(date +%s)"
fi
DB_URL="$SF_PG_SERVER/$BENCH_DB"
psql_db() { psql -X -q -v ON_ERROR_STOP=1 "$DB_URL" "$@"; }

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() {
  stop_server
  if [ "$OWN_DB" = 1 ]; then
    if [ "$BENCH_KEEP_DB" = 1 ]; then
      sf_log "kept the database: $DB_URL (BENCH_DB=$BENCH_DB reuses it)"
    else
      sf_drop_database "$BENCH_DB"
    fi
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

start_server() {
  DATABASE_URL="$DB_URL" STOREFEED_ADDR="127.0.0.1:$BENCH_PORT" \
    STOREFEED_MEDIA_DIR="$WORK/media" STOREFEED_GENERATE_KEYS=true RUST_LOG=warn \
    "$SERVER_BIN" >>"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  local healthy=0
  for _ in $(seq 1 120); do # up to 60 s
    if curl -fsS -o /dev/null "$BASE_URL/healthz" 2>/dev/null; then
      healthy=1
      break
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      sf_log "the server exited during start-up; its log:"
      tail -n 50 "$SERVER_LOG" >&2
      exit 1
    fi
    sleep 0.5
  done
  if [ "$healthy" != 1 ]; then
    sf_log "the server did not answer $BASE_URL/healthz within 60 s; its log:"
    tail -n 50 "$SERVER_LOG" >&2
    exit 1
  fi
}

: >"$SERVER_LOG"
GEN_SECS="reused"
if [ "$OWN_DB" = 1 ]; then
  sf_create_database "$BENCH_DB"
  sf_log "migrating $BENCH_DB (the server runs the migrations at start)"
  start_server
  stop_server
  sf_log "generating $BENCH_USERS users, $BENCH_POSTS posts, $BENCH_SHOPS shops"
  started=$SECONDS
  psql_db -v users="$BENCH_USERS" -v posts="$BENCH_POSTS" -v shops="$BENCH_SHOPS" -f bench/datagen.sql
  GEN_SECS=$((SECONDS - started))
else
  sf_log "reusing the database $BENCH_DB"
fi

# Sessions for typical readers: users whose following count lies between the
# 40th and 60th percentile, signed in the way the app does it (the cookie
# carries a token, the table its SHA-256).
COOKIES="$WORK/cookies.txt"
psql_db -c "DELETE FROM sessions WHERE user_agent = 'storefeed-bench'"
psql_db -At >"$COOKIES" <<SQL
SELECT setseed(0.5);
WITH bounds AS (
    SELECT percentile_disc(0.4) WITHIN GROUP (ORDER BY following_count) AS lo,
           percentile_disc(0.6) WITHIN GROUP (ORDER BY following_count) AS hi
    FROM users),
readers AS (
    SELECT u.id FROM users u, bounds b
    WHERE u.following_count BETWEEN b.lo AND b.hi
    ORDER BY random() LIMIT $BENCH_CONCURRENCY),
tokens AS (
    SELECT id, left(md5(random()::text) || md5(random()::text), 43) AS token FROM readers),
inserted AS (
    INSERT INTO sessions (token_hash, user_id, expires_at, ip, user_agent)
    SELECT sha256(convert_to(token, 'UTF8')), id, now() + interval '1 day', '127.0.0.1', 'storefeed-bench'
    FROM tokens)
SELECT 'sf_session=' || token FROM tokens;
SQL
sed -i '/^$/d' "$COOKIES"
READERS="$(wc -l <"$COOKIES")"
[ "$READERS" -gt 0 ] || { sf_log "no users to sign in: is the database empty?"; exit 1; }
read -r MEDIAN_FOLLOWEES FOLLOWEE_RANGE < <(psql_db -At -F ' ' -c "
    SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY u.following_count),
           min(u.following_count) || '-' || max(u.following_count)
    FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.user_agent = 'storefeed-bench'")
READER="$(psql_db -At -c "SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.user_agent = 'storefeed-bench' ORDER BY abs(u.following_count - $MEDIAN_FOLLOWEES), u.id LIMIT 1")"

sf_log "starting the release server on $BASE_URL (database $BENCH_DB)"
start_server

# Each reader's second page starts at their own first page's next_cursor.
BODIES="$WORK/second-page.txt"
: >"$BODIES"
while read -r cookie; do
  curl -fsS -X POST -H "Cookie: $cookie" -H "Origin: $BASE_URL" \
    -H 'Content-Type: application/x-www-form-urlencoded' --data '' "$BASE_URL/api/feed/home" |
    jq -r '"cursor=" + (.next_cursor // "")' >>"$BODIES"
done <"$COOKIES"
# (A reader without a second page asks for the first again: `cursor=` is no cursor.)
SECOND_PAGES="$(grep -c '^cursor=.' "$BODIES" || true)"

# EXPLAIN of the home feed's timeline query as app/src/posts/timeline/db.rs
# has it today (the readers' timelines were built by the requests above),
# for the reader with the median following count: first page, then second.
explain_feed() {
  local sql page_size cursor_at cursor_id
  sql="$(awk '/async fn timeline_and_merged/ {f = 1} f && /r#"/ {p = 1} p {print} p && /"#/ {exit}' app/src/posts/timeline/db.rs |
    sed -e 's/^.*r#"//' -e 's/"#.*$//')"
  page_size="$(sed -n 's/^pub const FEED_PAGE_SIZE: i64 = \([0-9]*\);/\1/p' app/src/posts/mod.rs)"
  IFS='|' read -r cursor_at cursor_id < <(psql_db -At -c "
      SELECT published_at, id FROM (
          SELECT p.published_at, p.id FROM posts p
          WHERE p.status = 'published'
            AND (p.author_id = '$READER' OR p.author_id IN (SELECT followee_id FROM follows WHERE follower_id = '$READER'))
          ORDER BY p.published_at DESC, p.id DESC LIMIT ${page_size:-10}) s
      ORDER BY published_at, id LIMIT 1")
  {
    echo "== home feed EXPLAIN, $(date -u +%Y-%m-%dT%H:%M:%SZ), database $BENCH_DB"
    echo "reader $READER, following $(psql_db -At -c "SELECT following_count FROM users WHERE id = '$READER'")"
    echo "query (from app/src/posts/timeline/db.rs, LIMIT FEED_PAGE_SIZE + 1 = $((${page_size:-10} + 1))):"
    echo "$sql"
    psql -X -v ON_ERROR_STOP=1 "$DB_URL" <<SQL
PREPARE home_feed AS $sql;
\\o /dev/null
EXECUTE home_feed('$READER', NULL, NULL, $((${page_size:-10} + 1)));
\\o
\\echo '-- first page'
EXPLAIN (ANALYZE, BUFFERS) EXECUTE home_feed('$READER', NULL, NULL, $((${page_size:-10} + 1)));
\\echo '-- second page (cursor $cursor_at, $cursor_id)'
EXPLAIN (ANALYZE, BUFFERS) EXECUTE home_feed('$READER', '$cursor_at', '$cursor_id', $((${page_size:-10} + 1)));
SQL
  } >"$EXPLAIN_LOG" 2>&1
}
if explain_feed; then
  sf_log "EXPLAIN of the home feed query written to $EXPLAIN_LOG"
else
  sf_log "could not EXPLAIN the home feed query (see $EXPLAIN_LOG); carrying on"
fi

git_rev() {
  local rev
  rev="$(git rev-parse --short HEAD 2>/dev/null)" || { echo "unknown (no commit)"; return; }
  git diff --quiet HEAD -- 2>/dev/null || rev="$rev + uncommitted changes"
  echo "$rev"
}
row_count() { psql_db -At -c "SELECT count(*) FROM $1"; }
cat <<HEADER

== Storefeed feed benchmark (loopback: server, database and load generator share the CPUs)
  date         $(date -u +%Y-%m-%dT%H:%M:%SZ)
  git rev      $(git_rev)
  cpus         $(nproc) ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo unknown model))
  load avg     $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
  rustc        $(rustc --version)
  data         $(row_count users) users, $(row_count follows) follows, $(row_count posts) posts,
               $(row_count post_media) images, $(row_count image_tags) tags, $(row_count post_links) links
  generated in ${GEN_SECS} s
  readers      $READERS signed-in users following $FOLLOWEE_RANGE accounts (median $MEDIAN_FOLLOWEES)
  load         $BENCH_CONCURRENCY connections, ${BENCH_WARMUP} s warmup + ${BENCH_DURATION} s each

HEADER

RESULTS="$WORK/results.txt"
run_bench() { "$BENCH_BIN" --concurrency "$BENCH_CONCURRENCY" --duration "$BENCH_DURATION" --warmup "$BENCH_WARMUP" \
  --cookie-file "$COOKIES" "$@" | tee -a "$RESULTS"; }

run_bench --url "$BASE_URL/api/feed/home" --label "home feed server fn, page 1" --method POST --body ''
if [ "$SECOND_PAGES" -gt 0 ]; then
  run_bench --url "$BASE_URL/api/feed/home" --label "home feed server fn, page 2" --method POST --body-file "$BODIES"
else
  sf_log "no reader has a second page: skipping (b)"
fi
run_bench --url "$BASE_URL/" --label "SSR home page, signed in"

# (f) The same readers with privacy and safety in use (issue 16): each
# mutes 10 words (two of them in about one post in eight), mutes 5 of the
# accounts they follow, hides 20 posts of their timeline, blocks 20 random
# accounts (follows between them end, as a block does) and is blocked by
# 10. Then (a) and (c) again, so the two runs compare.
if [ "${BENCH_SAFETY:-1}" != 0 ]; then
  sf_log "adding blocks, mutes, muted words and hidden posts for the readers"
  psql_db <<'SQL'
CREATE TEMP TABLE bench_readers AS SELECT DISTINCT user_id AS id FROM sessions WHERE user_agent = 'storefeed-bench';
INSERT INTO muted_words (id, user_id, word)
SELECT gen_random_uuid(), r.id, w FROM bench_readers r,
       unnest(ARRAY['kiln', 'wedding', 'spoiler', 'giveaway', 'crypto', 'politics', 'diet', 'lottery', 'rumour', 'drama']) w
ON CONFLICT DO NOTHING;
INSERT INTO mutes (muter_id, muted_id)
SELECT r.id, f.followee_id FROM bench_readers r
CROSS JOIN LATERAL (SELECT followee_id FROM follows WHERE follower_id = r.id ORDER BY random() LIMIT 5) f
ON CONFLICT DO NOTHING;
INSERT INTO hidden_posts (user_id, post_id, author_id, reason)
SELECT r.id, t.post_id, t.author_id, 'hidden' FROM bench_readers r
CROSS JOIN LATERAL (SELECT post_id, author_id FROM timelines WHERE user_id = r.id
                    ORDER BY published_at DESC LIMIT 40) t
WHERE random() < 0.5
ON CONFLICT DO NOTHING;
CREATE TEMP TABLE bench_blocks AS
SELECT r.id AS blocker, u.id AS blocked FROM bench_readers r
CROSS JOIN LATERAL (SELECT id FROM users WHERE id <> r.id ORDER BY random() LIMIT 20) u
UNION
SELECT u.id, r.id FROM bench_readers r
CROSS JOIN LATERAL (SELECT id FROM users WHERE id <> r.id ORDER BY random() LIMIT 10) u;
DELETE FROM follows f USING bench_blocks b
WHERE (f.follower_id = b.blocker AND f.followee_id = b.blocked) OR (f.follower_id = b.blocked AND f.followee_id = b.blocker);
INSERT INTO blocks (blocker_id, blocked_id) SELECT blocker, blocked FROM bench_blocks ON CONFLICT DO NOTHING;
SELECT (SELECT count(*) FROM blocks) AS blocks, (SELECT count(*) FROM mutes) AS mutes,
       (SELECT count(*) FROM muted_words) AS muted_words, (SELECT count(*) FROM hidden_posts) AS hidden_posts \gset
\echo '  safety rows:' :blocks 'blocks,' :mutes 'mutes,' :muted_words 'muted words,' :hidden_posts 'hidden posts'
SQL
  run_bench --url "$BASE_URL/api/feed/home" --label "home feed fn, page 1, safety" --method POST --body ''
  run_bench --url "$BASE_URL/" --label "SSR home page, safety"
  if [ "$OWN_DB" = 0 ]; then
    # A reused database goes back to how it was generated (follows ended by
    # the blocks stay ended).
    psql_db -c "DELETE FROM muted_words; DELETE FROM mutes; DELETE FROM hidden_posts; DELETE FROM blocks;"
  fi
fi

# (d) Publishing a post with one big photo, one request at a time.
PHOTO="$WORK/photo.jpg"
"$BENCH_BIN" jpeg --out "$PHOTO" --width 4000 --height 3000
UPLOAD_COOKIE="$(head -n 1 "$COOKIES")"
UPLOAD_TIMES="$WORK/uploads.txt"
: >"$UPLOAD_TIMES"
for i in $(seq 1 "$BENCH_UPLOADS"); do
  result="$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' -H "Cookie: $UPLOAD_COOKIE" -H "Origin: $BASE_URL" \
    -F "body=Bench upload $i" -F visibility=public -F "images=@$PHOTO;type=image/jpeg" "$BASE_URL/api/posts/create")"
  read -r status secs <<<"$result"
  case "$status" in
    2?? | 3??) echo "$secs" >>"$UPLOAD_TIMES" ;;
    *) sf_log "upload $i answered HTTP $status"; exit 1 ;;
  esac
done

# (e) The WASM client as a browser downloads it.
WASM_RAW="$(wc -c <"$WASM")"
WASM_GZ="$(gzip -9 -c "$WASM" | wc -c)"

echo "== summary"
jq -r --argjson feed "$GOAL_FEED_P99" --argjson ssr "$GOAL_SSR_P99" '
  def ms: . * 10 | round / 10 | tostring;
  (if (.label | startswith("SSR")) then $ssr else $feed end) as $goal
  | "  \(.label | . + " " * (30 - length))"
    + "  p50 \(.latency.p50_ms | ms)  p90 \(.latency.p90_ms | ms)  p99 \(.latency.p99_ms | ms) ms"
    + "  \(.requests_per_sec | round) req/s  errors \(.errors)"
    + "  (goal p99 <= \($goal) ms: \(if .latency.p99_ms <= $goal then "met" else "MISSED" end))"
' < <(sed -n 's/^BENCH_JSON //p' "$RESULTS")
sort -n "$UPLOAD_TIMES" | awk -v n="$BENCH_UPLOADS" -v size="$(wc -c <"$PHOTO")" '
  { t[NR] = $1 * 1000 }
  END { printf "  upload 4000x3000 JPEG (%.1f MB), %d runs: min %.0f  median %.0f  max %.0f ms\n",
          size / 1048576, n, t[1], t[int((NR + 1) / 2)], t[NR] }'
# Privacy and safety's cost: each run with them against the same run without.
jq -rs '
  (map({(.label): .}) | add) as $r
  | [["home feed server fn, page 1", "home feed fn, page 1, safety"], ["SSR home page, signed in", "SSR home page, safety"]][]
  | select($r[.[0]] and $r[.[1]])
  | . as [$a, $b]
  | "  with safety vs without, \($a): p50 \(($r[$b].latency.p50_ms / $r[$a].latency.p50_ms * 100 - 100) | round)%"
    + "  p99 \(($r[$b].latency.p99_ms / $r[$a].latency.p99_ms * 100 - 100) | round)%"
    + "  throughput \(($r[$b].requests_per_sec / $r[$a].requests_per_sec * 100 - 100) | round)% (goal: within 10%)"
' < <(sed -n 's/^BENCH_JSON //p' "$RESULTS") || true
echo "  WASM client $(basename "$WASM"): $WASM_RAW bytes, gzip -9 $WASM_GZ bytes ($((WASM_GZ / 1024)) KiB)"
echo "  EXPLAIN of the home feed query: $EXPLAIN_LOG"
printf 'BENCH_JSON {"label":"upload","runs_ms":[%s]}\n' "$(awk '{printf "%s%.1f", (NR > 1 ? "," : ""), $1 * 1000}' "$UPLOAD_TIMES")"
printf 'BENCH_JSON {"label":"wasm","bytes":%s,"gzip_bytes":%s}\n' "$WASM_RAW" "$WASM_GZ"
