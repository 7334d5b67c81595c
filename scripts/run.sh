#!/usr/bin/env bash
# README command (a): set up, build the app in release, start the reference server on SQLite with
# the demo catalog, and print its URL. Options: --addr HOST:PORT, --database-url URL (or env JIETI_*).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh
bash scripts/build-app.sh
say "building the server"
cargo build --profile server -p jieti-server
# dist/ and media/ are the defaults (run from the repo root); flags and JIETI_* variables override them.
# --demo-accounts: the demo staff and admin accounts (README, "Roles"); this is a local demo.
exec "$CARGO_TARGET_DIR/server/jieti-server" serve --demo-accounts "$@"
