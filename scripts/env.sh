# Sourced by the other scripts: the repo root, tool versions, and PATH with the project's tools first.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
# Must equal the `wasm-bindgen = "=…"` pin in Cargo.toml (setup.sh checks).
WASM_BINDGEN_VERSION="0.2.130"
# wasm_split_cli_support: the page-chunk splitter matching leptos 0.8's wasm_split_helpers 0.2.
WASM_SPLIT_VERSION="0.2.4"
# scripts/bin first: its wasm-bindgen cuts page chunks before calling the real one (src/lazy.rs).
export PATH="$ROOT/scripts/bin:$ROOT/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
