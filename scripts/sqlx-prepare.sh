#!/usr/bin/env bash
# Regenerates .sqlx/, the offline query data that lets builds check SQL at
# compile time without a database: run it after changing a query or a
# migration, and commit .sqlx/. `scripts/sqlx-prepare.sh --check` only
# compares (the test command runs that, so a stale .sqlx/ fails the tests).
# A thin wrapper around sqlx-cli on a scratch database, migrated from
# migrations/ and dropped afterwards; SQLX_PREPARE_DB names it, so two
# checkouts can prepare at once.
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"
. scripts/bootstrap.sh --rust-only
. scripts/database.sh
set -euo pipefail

sf_database_server
DB="${SQLX_PREPARE_DB:-storefeed_sqlx_prepare}"
export DATABASE_URL="$SF_PG_SERVER/$DB"
sf_drop_database "$DB"
trap 'sf_drop_database "$DB"' EXIT
cargo sqlx database create
cargo sqlx migrate run --source migrations

# Only the crates with queries, checked together: `cargo check --workspace`
# would also build the WASM entry (frontend) for the host and unify app's
# `hydrate` with its `ssr` feature.
cargo sqlx prepare --workspace "$@" -- --all-targets -p app -p server -p bench
