#!/usr/bin/env bash
# Installs what building and testing Storefeed needs, skipping what is present.
# Source it (`. scripts/bootstrap.sh [--with-browser]`) so the toolchain choice
# (RUSTUP_TOOLCHAIN, PATH, CARGO_TARGET_DIR) carries into the calling script.
#
# Rust/WASM: where rustup can download, the toolchain rust-toolchain.toml pins,
# with wasm32; where rustup cannot download, Debian's Rust (rustc-web) is linked
# as the `debweb` toolchain and a wasm32 std is built once from its vendored
# sources into its sysroot. RUSTUP_TOOLCHAIN is exported either way: it beats
# rust-toolchain.toml, so rustup never tries to download the pin for debweb.

set -euo pipefail

SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SF_CACHE="${SF_CACHE:-$HOME/.cache/storefeed}"
CARGO_LEPTOS_VERSION="0.3.11"
WITH_BROWSER=0
RUST_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --with-browser) WITH_BROWSER=1 ;;
    --rust-only) RUST_ONLY=1 ;; # just the toolchain and sqlx-cli (for sqlx-prepare)
  esac
done

log() { printf '\033[1;34m[bootstrap]\033[0m %s\n' "$*" >&2; }

mkdir -p "$SF_CACHE"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SF_CACHE/target}"
export PATH="$HOME/.cargo/bin:$SF_ROOT/node_modules/.bin:$PATH"

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    $sudo apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# --- base packages -----------------------------------------------------------
command -v cc >/dev/null 2>&1 || apt_install build-essential
command -v pkg-config >/dev/null 2>&1 || apt_install pkg-config
command -v node >/dev/null 2>&1 || apt_install nodejs npm
command -v curl >/dev/null 2>&1 || apt_install curl

# --- Rust toolchain with a wasm32 target ---------------------------------------
if ! command -v rustup >/dev/null 2>&1 && ! command -v cargo >/dev/null 2>&1; then
  log "installing Debian's Rust (no rustup on this machine)"
fi

have_wasm_std() { # $1: toolchain name or empty
  local sysroot
  sysroot="$(rustc ${1:++$1} --print sysroot 2>/dev/null)" || return 1
  ls "$sysroot/lib/rustlib/wasm32-unknown-unknown/lib/"libstd-*.rlib >/dev/null 2>&1
}

build_debian_wasm_std() {
  local stamp="/usr/lib/rustlib/wasm32-unknown-unknown/.storefeed-stamp"
  local want
  want="$(/usr/bin/rustc --version)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  log "building the wasm32 std for $want (about a minute)"
  local dummy="$SF_CACHE/wasm-std-build"
  rm -rf "$dummy"
  mkdir -p "$dummy/src"
  cat >"$dummy/Cargo.toml" <<'TOML'
[package]
name = "sf_wasm_std_dummy"
version = "0.0.0"
edition = "2021"
[lib]
path = "src/lib.rs"
[workspace]
TOML
  echo '#![no_std]' >"$dummy/src/lib.rs"
  (cd "$dummy" && CARGO_TARGET_DIR="$dummy/target" RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Cembed-bitcode=yes" \
    cargo +debweb build --quiet --release --target wasm32-unknown-unknown \
      -Zbuild-std=std,panic_abort,panic_unwind,proc_macro)
  local dest="/usr/lib/rustlib/wasm32-unknown-unknown/lib"
  mkdir -p "$dest"
  rm -f "$dest"/lib*.rlib "$dest"/lib*.rmeta
  find "$dummy/target/wasm32-unknown-unknown/release/deps" -maxdepth 1 \
    \( -name 'lib*.rlib' -o -name 'lib*.rmeta' \) ! -name 'libsf_wasm_std_dummy*' \
    -exec cp {} "$dest/" \;
  echo "$want" >"$stamp"
  rm -rf "$dummy"
}

use_debian_rust() {
  apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22 rust-web-clippy rustfmt-web
  if command -v rustup >/dev/null 2>&1; then
    rustup toolchain list | grep -q '^debweb' || rustup toolchain link debweb /usr
    export RUSTUP_TOOLCHAIN=debweb
  fi
  build_debian_wasm_std
}

# cargo-leptos (locked) and our dependencies need a recent rustc: where rustup
# can download, the toolchain pinned in rust-toolchain.toml (the only place the
# version is written) with wasm32, clippy and rustfmt.
RUSTUP_PINNED="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$SF_ROOT/rust-toolchain.toml")"
[ -n "$RUSTUP_PINNED" ] || { log "no channel in rust-toolchain.toml"; exit 1; }
rustup_pinned() {
  command -v rustup >/dev/null 2>&1 || return 1
  if ! have_wasm_std "$RUSTUP_PINNED" || ! rustup component list --installed --toolchain "$RUSTUP_PINNED" 2>/dev/null | grep -q '^clippy'; then
    timeout 300 rustup toolchain install "$RUSTUP_PINNED" --profile minimal \
      --component clippy,rustfmt --target wasm32-unknown-unknown >/dev/null 2>&1 || return 1
    have_wasm_std "$RUSTUP_PINNED" || return 1
    log "rustup toolchain $RUSTUP_PINNED with wasm32 installed"
  fi
  export RUSTUP_TOOLCHAIN="$RUSTUP_PINNED"
}

if [ -n "${RUSTUP_TOOLCHAIN:-}" ] && have_wasm_std "$RUSTUP_TOOLCHAIN"; then
  : # caller already chose a working toolchain
elif command -v rustup >/dev/null 2>&1 && rustup toolchain list | grep -q '^debweb' \
    && [ -f /usr/lib/rustlib/wasm32-unknown-unknown/.storefeed-stamp ]; then
  use_debian_rust # re-checks the stamp against the installed rustc-web
elif rustup_pinned; then
  :
else
  log "rustup cannot provide wasm32 here: using Debian's rustc-web"
  use_debian_rust
fi
log "rust: $(rustc --version)"

# --- sqlx-cli: migrations and the offline query data (.sqlx/) -----------------
# The same sqlx version as Cargo.lock, PostgreSQL only, rustls (no OpenSSL).
SQLX_VERSION="$(awk '/^name = "sqlx"$/{getline; gsub(/[^0-9.]/,""); print; exit}' "$SF_ROOT/Cargo.lock")"
if ! cargo sqlx --version 2>/dev/null | grep -qw "$SQLX_VERSION"; then
  log "installing sqlx-cli $SQLX_VERSION (a few minutes)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install sqlx-cli --version "$SQLX_VERSION" --locked --no-default-features --features postgres,rustls
fi

if [ "$RUST_ONLY" -eq 1 ]; then
  set +euo pipefail
  return 0 2>/dev/null || exit 0
fi

# --- cargo-leptos and wasm-bindgen-cli from crates.io ------------------------
if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (slow: about 30 minutes on 2 cores)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' "$SF_ROOT/Cargo.lock")"
if [ -n "$WBG_VERSION" ] && ! wasm-bindgen --version 2>/dev/null | grep -q "$WBG_VERSION"; then
  log "installing wasm-bindgen-cli $WBG_VERSION"
  cargo install wasm-bindgen-cli --version "$WBG_VERSION"
fi

# --- Tailwind v4 and wasm-opt (binaryen) from npm ------------------------------
npm_deps() { # $1: directory with package-lock.json
  local dir="$1" stamp="$1/node_modules/.storefeed-lock"
  if [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then
    return 0
  fi
  log "npm install in ${dir#"$SF_ROOT"/}"
  # `npm install`, not `npm ci`: npm 11's `ci` rejects lockfiles that lack the
  # other platforms' optional packages (Tailwind's oxide binaries).
  (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error)
  cp "$dir/package-lock.json" "$stamp"
}
npm_deps "$SF_ROOT"

# --- browser tests -----------------------------------------------------------
if [ "$WITH_BROWSER" -eq 1 ]; then
  command -v chromium >/dev/null 2>&1 || apt_install chromium
  npm_deps "$SF_ROOT/end2end"
fi

set +euo pipefail
