#!/usr/bin/env bash
# Builds the app in release into dist/ and precompresses it (brotli and gzip) for the server.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
say "building the app (trunk build --release)"
trunk build --release
for f in dist/*.html dist/*.js dist/*.wasm dist/*.css dist/*.svg; do
  [ -f "$f" ] || continue
  brotli -f -q 11 -o "$f.br" "$f"
  gzip -f -k -9 "$f"
done
