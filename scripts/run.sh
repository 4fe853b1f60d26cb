#!/usr/bin/env bash
# Sets up and runs Storefeed with demo data: installs what is missing, builds
# in release, finds or starts PostgreSQL, and serves on http://127.0.0.1:3000
# (PORT=8080 to change). Database: $DATABASE_URL if set; else PostgreSQL on
# 127.0.0.1:5432; else a local cluster in data/postgres.
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"

. scripts/bootstrap.sh
. scripts/database.sh
. scripts/leptos-env.sh
set -euo pipefail

sf_log "building Storefeed (release; the first build takes 10–15 minutes)"
SQLX_OFFLINE=true sf_build_release

sf_database_server
if [ -z "${DATABASE_URL:-}" ]; then
  sf_create_database storefeed
  export DATABASE_URL="$SF_PG_SERVER/storefeed"
fi

PORT="${PORT:-3000}"
export STOREFEED_ADDR="${STOREFEED_ADDR:-127.0.0.1:$PORT}"
export STOREFEED_MEDIA_DIR="${STOREFEED_MEDIA_DIR:-$SF_ROOT/data/media}"
export STOREFEED_SEED_DEMO=true
# The release server runs as production (LEPTOS_ENV=PROD), which refuses to
# start without a signing key: let it store one in the database (kept there,
# so links rendered before a restart still earn credit).
export STOREFEED_GENERATE_KEYS="${STOREFEED_GENERATE_KEYS:-true}"

cat <<MSG

  Storefeed is starting on  http://$STOREFEED_ADDR
  Demo logins (password: storefeed-demo):
    maya, kofi, lena, amara, jun   creators
    nairobi_threads, lagos_leather, studio_ton, shea_and_stone   shop owners
    sam   shopper        admin   administrator
  Stop with Ctrl+C.

MSG
exec "$(sf_server_bin)" "$@"
