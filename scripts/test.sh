#!/usr/bin/env bash
# Sets up and runs every test: formatting, import cycles between
# attribution's rooms, clippy (-D warnings) for the server and the WASM
# client, that .sqlx/ matches the queries (sqlx-cli's `prepare --check`),
# unit and database tests (cargo test against real PostgreSQL), the release
# build and its size budget (scripts/size-report.sh), then the Playwright
# suite in Chromium (desktop and phone) against a release server on a fresh
# database. Exits non-zero on any failure.
set -euo pipefail
SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SF_ROOT"

. scripts/bootstrap.sh --with-browser
. scripts/database.sh
. scripts/leptos-env.sh
set -euo pipefail
export SQLX_OFFLINE=true
# Each clone builds the workspace crates from scratch anyway (their paths
# differ), so incremental state only fills the disk of a shared cache.
export CARGO_INCREMENTAL=0

step() { printf '\n\033[1;35m==> %s\033[0m\n' "$*" >&2; }

step "formatting"
cargo fmt --all -- --check

step "one clock"
scripts/check-clock.sh

step "import cycles between attribution's rooms"
scripts/check-module-cycles.sh

step "clippy (server)"
cargo clippy -p app -p server -p bench --all-targets -- -D warnings
step "clippy (WASM client)"
cargo clippy -p frontend -p app --target wasm32-unknown-unknown --features app/hydrate -- -D warnings

sf_database_server
export DATABASE_URL="${DATABASE_URL:-$SF_PG_SERVER/postgres}"

step "offline query data (.sqlx/) is current"
SQLX_PREPARE_DB="storefeed_sqlx_check_$$" scripts/sqlx-prepare.sh --check

step "unit and database tests"
cargo test -p app -p server -p bench

step "release build"
sf_build_release

step "size budget: the first visit to / (budget/first-visit.toml)"
SIZE_BUILD=0 scripts/size-report.sh

step "end-to-end tests"
# Playwright starts the release server itself (webServer in
# end2end/playwright.config.ts runs scripts/e2e-server.sh) and stops it after.
cd end2end
npx playwright test
