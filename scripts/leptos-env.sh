#!/usr/bin/env bash
# The LEPTOS_* settings the release server needs when started without
# cargo-leptos (they mirror [[workspace.metadata.leptos]] in Cargo.toml).
# LEPTOS_SITE_ROOT may be set beforehand to serve a site built elsewhere.
SF_ROOT="${SF_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export LEPTOS_OUTPUT_NAME=storefeed
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$SF_ROOT/target/site}"
export LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_ENV=PROD
export LEPTOS_HASH_FILES=false
sf_server_bin() { echo "$CARGO_TARGET_DIR/release/storefeed"; }
