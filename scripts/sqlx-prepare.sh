#!/usr/bin/env bash
# Regenerates .sqlx/, the offline query data that lets builds check SQL at
# compile time without a database. Run it after changing a query or a
# migration, and commit .sqlx/. (Same result as `cargo sqlx prepare`,
# without installing sqlx-cli.)
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"
. scripts/bootstrap.sh --rust-only
. scripts/database.sh
set -euo pipefail

sf_database_server
DB="${SQLX_PREPARE_DB:-storefeed_sqlx_prepare}"
sf_drop_database "$DB"
sf_create_database "$DB"
trap 'sf_drop_database "$DB"' EXIT
for f in migrations/*.sql; do
  psql -q -v ON_ERROR_STOP=1 "$SF_PG_SERVER/$DB" -f "$f" >/dev/null
done

rm -rf .sqlx
mkdir -p .sqlx
# Touch the crates with queries so their macros run again.
touch app/src/lib.rs server/src/main.rs
SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$SF_ROOT/.sqlx" DATABASE_URL="$SF_PG_SERVER/$DB" \
  cargo check -p app -p server --all-targets --quiet
echo "wrote $(ls .sqlx | wc -l) queries to .sqlx/"
