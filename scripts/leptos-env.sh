#!/usr/bin/env bash
# The LEPTOS_* settings the release server needs when started without
# cargo-leptos (they mirror [[workspace.metadata.leptos]] in Cargo.toml), and
# the one way the scripts build the release site. LEPTOS_SITE_ROOT may be set
# beforehand to serve a site built elsewhere.
SF_ROOT="${SF_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export LEPTOS_OUTPUT_NAME=storefeed
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$SF_ROOT/target/site}"
export LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_ENV=PROD
# hash-files: the server finds the hashed names in hash.txt beside its binary.
export LEPTOS_HASH_FILES=true
sf_server_bin() { echo "$CARGO_TARGET_DIR/release/storefeed"; }
# The release build: server and WASM client, with a brotli and a gzip copy
# beside every file of the site (--precompress), which the server sends to
# browsers that accept them (server/src/assets.rs). cargo-leptos's gzip is
# weaker than `gzip -9` (the WASM: 2.26 MB against 1.92 MB), and browsers on
# plain http never ask for brotli, so its gzip copies are made again.
# --split cuts the WASM client at the lazy routes (app/src/lazy_routes.rs):
# the main file holds what the feed, post and product pages need, and each
# other page loads its own chunk when entered or when a link to it is hovered.
sf_build_release() {
  cargo leptos build --release --precompress --split "$@" || return
  sf_gzip_site
}
sf_gzip_site() {
  find "$LEPTOS_SITE_ROOT" -type f ! -name '*.gz' ! -name '*.br' -exec gzip -9 -n -k -f {} +
}
# The built client file `ext` (js, wasm or css) under its hashed name.
sf_client_file() {
  local hash
  hash="$(sed -n "s/^$1: *//p" "$CARGO_TARGET_DIR/release/hash.txt" 2>/dev/null)"
  echo "$LEPTOS_SITE_ROOT/$LEPTOS_SITE_PKG_DIR/$LEPTOS_OUTPUT_NAME${hash:+.$hash}.$1"
}
