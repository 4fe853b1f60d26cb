#!/usr/bin/env bash
# Finds or starts PostgreSQL for Storefeed. Source it, then call
# `sf_database_server`, which sets SF_PG_SERVER (a URL without a database
# name). In order: the server in $DATABASE_URL; PostgreSQL on 127.0.0.1:5432
# if it answers; else a project-local cluster under data/postgres, started
# with the system's PostgreSQL binaries (installed with apt when missing).

SF_ROOT="${SF_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
SF_PG_LOCAL_PORT="${STOREFEED_PG_PORT:-55432}"
SF_PG_LOCAL_DIR="${STOREFEED_PG_DIR:-$SF_ROOT/data/postgres}"

sf_log() { printf '\033[1;34m[storefeed]\033[0m %s\n' "$*" >&2; }

sf_pg_bin() { # directory holding initdb/pg_ctl, installing PostgreSQL if needed
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    sf_log "installing PostgreSQL with apt"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
    dir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  echo "$dir"
}

sf_tcp_open() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

sf_start_local_cluster() {
  local bin; bin="$(sf_pg_bin)"
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses to run as root: the cluster belongs to the postgres user.
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    as=(runuser -u postgres --)
  fi
  if [ ! -f "$SF_PG_LOCAL_DIR/PG_VERSION" ]; then
    sf_log "creating a local PostgreSQL cluster in ${SF_PG_LOCAL_DIR#$SF_ROOT/}"
    mkdir -p "$SF_PG_LOCAL_DIR"
    [ "$(id -u)" -eq 0 ] && chown -R postgres "$SF_PG_LOCAL_DIR"
    "${as[@]}" "$bin/initdb" -D "$SF_PG_LOCAL_DIR" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! sf_tcp_open 127.0.0.1 "$SF_PG_LOCAL_PORT"; then
    sf_log "starting the local PostgreSQL on port $SF_PG_LOCAL_PORT"
    "${as[@]}" "$bin/pg_ctl" -D "$SF_PG_LOCAL_DIR" -l "$SF_PG_LOCAL_DIR/server.log" -w \
      -o "-p $SF_PG_LOCAL_PORT -k $SF_PG_LOCAL_DIR -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  SF_PG_SERVER="postgres://postgres@127.0.0.1:$SF_PG_LOCAL_PORT"
}

sf_database_server() {
  if [ -n "${DATABASE_URL:-}" ]; then
    SF_PG_SERVER="${DATABASE_URL%/*}"
    SF_PG_DEFAULT_DB="${DATABASE_URL##*/}"
    SF_PG_DEFAULT_DB="${SF_PG_DEFAULT_DB%%\?*}"
  elif sf_tcp_open 127.0.0.1 5432; then
    SF_PG_SERVER="postgres://postgres@127.0.0.1:5432"
  else
    sf_start_local_cluster
  fi
  export SF_PG_SERVER
}

# Creates database $1 on SF_PG_SERVER if it does not exist.
sf_create_database() {
  command -v psql >/dev/null 2>&1 || { local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"; $sudo apt-get install -y -qq postgresql-client >/dev/null; }
  if ! psql "$SF_PG_SERVER/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1; then
    psql "$SF_PG_SERVER/postgres" -qc "CREATE DATABASE \"$1\"" >/dev/null
  fi
}

sf_drop_database() {
  psql "$SF_PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1 || true
}
