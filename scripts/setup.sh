#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently; quick when all is present.
# First run on a fresh machine: ~20 min (it compiles trunk and wasm-bindgen-cli once).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

pinned=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
if [ "$pinned" != "$WASM_BINDGEN_VERSION" ]; then
  echo "setup: Cargo.toml pins wasm-bindgen $pinned but scripts/env.sh says $WASM_BINDGEN_VERSION; make them equal" >&2
  exit 1
fi

for tool in cargo rustup; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is missing: install Rust with rustup first" >&2; exit 1; }
done
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: not root and no sudo: run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi

# Debian packages: the browser and its driver for tests, brotli for precompression and the budget,
# ffmpeg + espeak-ng + CJK fonts to make the demo lesson videos and captions.
# sqlite3: the e2e tests read the server's database to check that progress arrived exactly once.
# postgresql: the server tests run against PostgreSQL too (scripts/postgres.sh starts a throwaway one).
apt_packages=(chromium chromium-driver brotli ffmpeg espeak-ng fonts-noto-cjk sqlite3 postgresql)
# Build and script tools, from Debian only when the machine has none of its own.
command -v cc >/dev/null || apt_packages+=(build-essential pkg-config)
command -v python3 >/dev/null || apt_packages+=(python3)
# The API fuzzer's venv (scripts/fuzz-api.sh); Debian's python3 has venv in its own package.
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || apt_packages+=(python3-venv)
# The load bench (scripts/load.sh; not part of the test command).
apt_packages+=(wrk)
command -v npm >/dev/null || apt_packages+=(nodejs npm)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]} (about a minute)"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown Rust target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "compiling trunk $TRUNK_VERSION (once; about 15 minutes on 2 cores)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "compiling wasm-bindgen-cli $WASM_BINDGEN_VERSION (once; about 4 minutes)"
  # Not --locked: its lock file pins a webpki-roots version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# Cuts the app's wasm into page chunks (src/lazy.rs, scripts/bin/wasm-bindgen).
if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "compiling wasm-split-cli $WASM_SPLIT_VERSION (once; about 2 minutes)"
  cargo install --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary
fi

# npm ci only when the lock changed since the last install (a stamp holds its hash).
npm_ci() {
  local dir="$1" stamp="$1/node_modules/.jieti-lock-hash" hash
  hash=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
    say "installing node packages in ${dir#"$ROOT"/} from its lock"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$hash" > "$stamp"
  fi
}
npm_ci "$ROOT/tools"   # wasm-opt (binaryen 132)
npm_ci "$ROOT/e2e"     # playwright-core, axe-core, lighthouse

if [ "$(wasm-opt --version 2>/dev/null | cut -d' ' -f3)" != "132" ]; then
  echo "setup: wasm-opt on PATH is not version 132: $(command -v wasm-opt)" >&2
  exit 1
fi

# trunk builds offline, so every crate must be in the local registry first.
cargo fetch --locked -q

# Demo lesson videos in a rendition ladder, with captions (skips when up to date).
bash "$ROOT/scripts/gen-media.sh" "$ROOT/media"

say "setup complete"
