#!/usr/bin/env bash
# README command (b): set up, then run every test — formatting and lints, the native cargo tests
# (API types, server over real SQLite files: contract, authorisation matrix, crash safety, logs;
# then the server's again on a real PostgreSQL),
# Schemathesis against the contract, the wasm-bindgen tests in headless Chromium, the release
# build with its size budget, the Playwright e2e suite against the real server (XSS corpus, CSP,
# client resilience too), then Lighthouse, memory and long tasks, which print their figures and
# fail below their floors.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh

passed=0; failed=0; failures=()
# A clean run needs ~8 GB for target/ (debug, wasm, release): a full disk shows up as odd tool
# crashes (a rustc panic in a thread), so say how much there is, and again when a step fails.
free_gb() { df -Pk "$ROOT" | awk 'NR==2 { printf "%d", $4 / 1048576 }'; }
echo "disk: $(free_gb) GB free where the project builds"
[ "$(free_gb)" -ge 10 ] || echo "WARNING: under 10 GB free; the build may run out of disk" >&2
step() {
  local name="$1"; shift
  say "$name"
  if "$@"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); failures+=("$name")
    echo "step failed; disk: $(free_gb) GB free" >&2
    # rustc writes its crash report to the working directory: show it, it is the diagnosis.
    for ice in rustc-ice-*.txt; do
      if [ -f "$ice" ]; then head -40 "$ice" >&2; fi
    done
    # (An if, not `[ … ] && …`: a false test as the last command would end the run under set -e.)
  fi
}

step "format (cargo fmt --check)" cargo fmt --all -- --check
step "lints (cargo clippy, native crates)" cargo clippy -p jieti-api -p jieti-server --all-targets -- -D warnings
step "lints (cargo clippy, the wasm app)" cargo clippy -p jieti --target wasm32-unknown-unknown --all-targets -- -D warnings
step "native tests (cargo test)" cargo test -p jieti-api -p jieti-server
# The same server suite on PostgreSQL: a throwaway Debian PostgreSQL on loopback, one fresh
# database per test (tests/common.rs), removed afterwards.
server_tests_on_postgres() {
  local url rc=0
  url="$(bash scripts/postgres.sh start)" || return 1
  echo "PostgreSQL: $url"
  JIETI_TEST_POSTGRES="$url" cargo test -p jieti-server || rc=$?
  bash scripts/postgres.sh stop
  return "$rc"
}
step "native server tests on PostgreSQL" server_tests_on_postgres
# Schemathesis against the OpenAPI document on the real server: bounded, seeded, prints its counts.
step "API fuzzing (Schemathesis) against the contract" bash scripts/fuzz-api.sh
step "wasm tests in headless Chromium (wasm-bindgen-test)" \
  env CHROMEDRIVER=/usr/bin/chromedriver cargo test -p jieti --target wasm32-unknown-unknown
step "release build of the app" bash scripts/build-app.sh
step "size budget" bash scripts/budget.sh
step "server binary for e2e" cargo build -p jieti-server
step "end-to-end tests (Playwright + Chromium)" \
  env JIETI_SERVER_BIN="$CARGO_TARGET_DIR/debug/jieti-server" npm --prefix e2e test
# Printed figures with floors (DESIGN.md §6, issue #8): Lighthouse mobile scores and metrics on
# five routes, memory over 20 route changes, long tasks during interactions. Last, alone: they
# measure time on this machine (calibrated to one emulated phone, ADR 0018).
step "Lighthouse (mobile defaults, the CPU calibrated to one phone) on catalog, course, lesson, quiz, dashboard" \
  env JIETI_SERVER_BIN="$CARGO_TARGET_DIR/debug/jieti-server" npm --prefix e2e run --silent lighthouse
step "memory over 20 route changes" \
  env JIETI_SERVER_BIN="$CARGO_TARGET_DIR/debug/jieti-server" npm --prefix e2e run --silent memory
step "long tasks while typing, filtering and answering (on that phone's CPU)" \
  env JIETI_SERVER_BIN="$CARGO_TARGET_DIR/debug/jieti-server" npm --prefix e2e run --silent interaction

echo
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
