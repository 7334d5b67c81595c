#!/usr/bin/env bash
# Size budget of the release build: raw, gzip and brotli bytes of index.html, JS, wasm and CSS,
# and the first-load total. Fails when the brotli total is over the budget (DESIGN.md §6).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
DIST="${1:-$ROOT/dist}"
BUDGET=${JIETI_FIRST_LOAD_BUDGET:-153600}   # 150 KiB, brotli
[ -f "$DIST/index.html" ] || { echo "budget: no build in $DIST (run scripts/build-app.sh)" >&2; exit 1; }

files=("$DIST/index.html")
for pattern in "$DIST"/*.js "$DIST"/*.wasm "$DIST"/*.css; do
  [ -f "$pattern" ] && files+=("$pattern")
done

printf '%-34s %10s %10s %10s\n' "first-load file" "raw" "gzip" "brotli"
total_raw=0; total_gz=0; total_br=0
for f in "${files[@]}"; do
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$(brotli -q 11 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
  printf '%-34s %10d %10d %10d\n' "$(basename "$f")" "$raw" "$gz" "$br"
done
printf '%-34s %10d %10d %10d\n' "TOTAL" "$total_raw" "$total_gz" "$total_br"
awk -v b="$total_br" -v m="$BUDGET" 'BEGIN { printf "first load: %d B brotli = %.1f KiB of a %.0f KiB budget (aim 120 KiB)\n", b, b / 1024, m / 1024 }' 
if [ "$total_br" -gt "$BUDGET" ]; then
  echo "budget: FAILED — the first load is $((total_br - BUDGET)) B over budget" >&2
  exit 1
fi
echo "budget: ok"
