#!/usr/bin/env bash
# Shared by the benchmark scripts: build (unless BENCH_BUILD=0), a fresh
# database, a release server started on it, and the database's naive
# hot-row rate. Source it after bootstrap.sh, database.sh and leptos-env.sh,
# with BENCH_PORT set; `sf_bench_prepare` sets SERVER_BIN, BENCH_BIN,
# BENCH_DB, DB_URL, BASE_URL and WORK, and removes the database, the server
# and WORK on exit. `sf_bench_prepare_database` does the database and WORK
# part alone, for benchmarks without a server.

sf_bench_prepare() { # $1: a name for the database and logs
  BASE_URL="http://127.0.0.1:$BENCH_PORT"
  if [ "${BENCH_BUILD:-1}" != 0 ]; then
    sf_log "building the release server and storefeed-bench"
    SQLX_OFFLINE="${SQLX_OFFLINE:-true}" sf_build_release
    cargo build --release -p bench
  fi
  SERVER_BIN="$(sf_server_bin)"
  BENCH_BIN="$CARGO_TARGET_DIR/release/storefeed-bench"
  for file in "$SERVER_BIN" "$BENCH_BIN"; do
    [ -x "$file" ] || { sf_log "missing $file after the build"; exit 1; }
  done
  if sf_tcp_open 127.0.0.1 "$BENCH_PORT"; then
    sf_log "port $BENCH_PORT is already in use: stop that process or set BENCH_PORT"
    exit 1
  fi
  SERVER_LOG="$SF_CACHE/bench-$1-server.log"
  : >"$SERVER_LOG"
  sf_bench_prepare_database "$1"
}

sf_bench_prepare_database() { # $1: a name for the database
  sf_database_server
  BENCH_DB="storefeed_bench_$1_$(date +%s)"
  DB_URL="$SF_PG_SERVER/$BENCH_DB"
  WORK="$(mktemp -d)"
  SERVER_PID=""
  trap sf_bench_cleanup EXIT
  sf_create_database "$BENCH_DB"
}

sf_bench_cleanup() {
  [ -n "$SERVER_PID" ] && { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
  sf_drop_database "$BENCH_DB"
  rm -rf "$WORK"
}

# Starts the release server on the bench database; extra NAME=VALUE
# settings may follow. Returns once /healthz answers.
sf_bench_start_server() {
  env DATABASE_URL="$DB_URL" STOREFEED_ADDR="127.0.0.1:$BENCH_PORT" STOREFEED_MEDIA_DIR="$WORK/media" \
    STOREFEED_GENERATE_KEYS=true RUST_LOG=warn "$@" "$SERVER_BIN" >>"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$BASE_URL/healthz" 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { sf_log "the server exited; its log:"; tail -n 50 "$SERVER_LOG" >&2; exit 1; }
    sleep 0.5
  done
  sf_log "the server did not become healthy; its log:"
  tail -n 50 "$SERVER_LOG" >&2
  exit 1
}

psql_db() { psql "$DB_URL" -v ON_ERROR_STOP=1 "$@"; }

# The database's naive hot-row rate: pgbench clients ($1, default 64) for $2
# seconds (default 10), each transaction one `UPDATE ... SET qty = qty - 1
# WHERE ... AND qty >= 1` on a single row plus one INSERT, with the
# server's durable commits. What a stock path that locks the hot row per
# buyer could reach at best. Prints it and sets NAIVE_TPS.
sf_bench_naive_rate() {
  local clients="${1:-64}" secs="${2:-10}"
  command -v pgbench >/dev/null 2>&1 || apt_install postgresql-client
  sf_log "naive hot-row rate: $clients pgbench clients for $secs s"
  psql_db -q -c "CREATE TABLE bench_hot_stock (id int PRIMARY KEY, qty int NOT NULL CHECK (qty >= 0));
                 INSERT INTO bench_hot_stock VALUES (1, 1000000000);
                 CREATE TABLE bench_hot_sales (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())"
  cat >"$WORK/hot.sql" <<'SQL'
BEGIN;
UPDATE bench_hot_stock SET qty = qty - 1 WHERE id = 1 AND qty >= 1;
INSERT INTO bench_hot_sales DEFAULT VALUES;
COMMIT;
SQL
  NAIVE_TPS="$(pgbench "$DB_URL" -n -f "$WORK/hot.sql" -c "$clients" -j 2 -T "$secs" 2>/dev/null \
    | awk '/^tps = /{print $3; exit}')"
  [ -n "$NAIVE_TPS" ] || { sf_log "pgbench gave no rate"; exit 1; }
  echo "naive hot-row rate: $NAIVE_TPS transactions/s ($clients clients, synchronous_commit=$(psql_db -At -c 'SHOW synchronous_commit'))"
  psql_db -q -c "DROP TABLE bench_hot_stock, bench_hot_sales"
}
