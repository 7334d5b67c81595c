#!/usr/bin/env bash
# Builds the app in release into dist/ and precompresses it (brotli and gzip) for the server.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
say "building the app (trunk build --release)"
trunk build --release
# The embed player (embed.html, its own lighter wasm): built beside the app, then shipped in the
# same dist/ as embed.html (the server serves it for /embed/… with the institution's CSP).
# embed-quiz.html is the same page with the quiz's wasm (/embed/quiz/:id), made from embed.html
# (trunk takes one wasm per page; generated, so the two cannot drift apart).
sed 's/data-bin="jieti-embed"/data-bin="jieti-embed-quiz"/' embed.html > embed-quiz.html
for page in embed embed-quiz; do
  say "building the $page page (trunk build $page.html)"
  embed_dist="${CARGO_TARGET_DIR:-$ROOT/target}/$page-dist"
  trunk build "$page.html" --release --dist "$embed_dist"
  for f in "$embed_dist"/*; do
    case "$(basename "$f")" in
      index.html) cp "$f" "dist/$page.html" ;;
      *) cp -r "$f" dist/ ;;
    esac
  done
done
# What only the finished build knows: each page's chunk bundle and its table in index.html, and
# the service worker's version and files to precache.
node scripts/release.js dist
for f in dist/*.html dist/*.webmanifest dist/*.bin dist/*.js dist/*.wasm dist/*.css dist/*.svg; do
  [ -f "$f" ] || continue
  brotli -f -q 11 -o "$f.br" "$f"
  gzip -f -k -9 "$f"
done
