#!/usr/bin/env bash
# Fuzzes the API against its contract (issue #9): Schemathesis, pinned in
# scripts/fuzz-api/requirements.txt, generates requests from /api/v1/openapi.json as served by the
# real server (debug build, fresh SQLite file, demo catalog and accounts) and checks every reply.
# Prints operations, test cases, requests and passes/failures per check; exits 1 on any failure.
#
#   bash scripts/fuzz-api.sh                      # the bounded, seeded CI run (~2 minutes)
#   JIETI_FUZZ_EXAMPLES=300 JIETI_FUZZ_SEED=7 bash scripts/fuzz-api.sh   # a longer or other run
#
# Needs python3 with its venv module (Debian: python3-venv). The venv lives in target/py.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

HERE="$ROOT/scripts/fuzz-api"
VENV="$ROOT/target/py"
# Cases per operation and phase: bounds the run's time. The seed makes a run repeatable.
EXAMPLES="${JIETI_FUZZ_EXAMPLES:-40}"
SEED="${JIETI_FUZZ_SEED:-1}"

# Checks that hold for every request this API can be sent (see the ones left out below):
#   not_a_server_error            no 5xx, whatever the input (DESIGN.md §5)
#   status_code_conformance       every status is one the document lists for the operation
#   content_type_conformance      every body has a documented content type (the JSON error body too)
#   response_schema_conformance   every JSON body matches its documented schema
#   response_headers_conformance  documented response headers are present and well-formed
#   unsupported_method            an undocumented method gets 405 (with the JSON error body)
#   allow_header_conformance      ... and an Allow header naming the documented methods
#   missing_required_header       a missing required header is refused
#   ignored_auth                  a secured operation refuses requests without a valid token
#   use_after_free                what a DELETE removed is gone afterwards (enrolment, review, note)
#   ensure_resource_availability  what a PUT/POST created can be read back
# Left out, because they do not hold for a sound server here:
#   positive_data_acceptance  expects every schema-valid request to succeed, but much validity
#       depends on data no schema can list: an id that exists, a question of this attempt, an
#       answer that fits its question, an IANA time zone, a category or institution filter.
#   negative_data_rejection   expects every schema-invalid request to be refused, but the server
#       is lenient where no harm can come of it, on purpose: it reads an empty query value as an
#       absent one (?min_rating=, as HTML forms send) and ignores query parameters it does not
#       know, which the check counts as accepting "" for a number or an unknown property.
#   object_level_authorization  needs a second user's resources to compare with; the integration
#       tests (crates/server/tests) cover staff of X getting 403 on Y.
#   max_response_time         timing, on a debug build that shares two cores with other work.
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
CHECKS+=,response_headers_conformance,unsupported_method,allow_header_conformance
CHECKS+=,missing_required_header,ignored_auth,use_after_free,ensure_resource_availability

# The venv, (re)made only when the requirements changed since it was made (a stamp holds their hash).
stamp="$VENV/.jieti-requirements-hash"
hash=$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
  say "installing Schemathesis into target/py from scripts/fuzz-api/requirements.txt"
  python3 -m venv --clear "$VENV" || {
    echo "fuzz-api: python3 -m venv failed; on Debian: apt-get install python3-venv" >&2
    exit 1
  }
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
  echo "$hash" > "$stamp"
fi
PY="$VENV/bin/python"

if [ -z "${JIETI_SERVER_BIN:-}" ]; then
  say "building the server (cargo build -p jieti-server)"
  cargo build --quiet -p jieti-server
fi
BIN="${JIETI_SERVER_BIN:-$CARGO_TARGET_DIR/debug/jieti-server}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/jieti-fuzz.XXXXXX")
# Kept after the run, for a look at what was sent and answered: the NDJSON report, both logs.
out="$ROOT/target/fuzz-api"
rm -rf "$out"; mkdir -p "$out"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # A server that does not stop in 10 s is killed: the run never hangs on it.
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() { stop_server; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting the server on a fresh database"
NO_COLOR=1 RUST_LOG=warn "$BIN" serve --addr 127.0.0.1:0 --database-url "sqlite://$tmp/fuzz.db" \
  --dist "$tmp/no-app" --media "$ROOT/media" --demo-accounts > "$out/server.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 600); do
  url=$(sed -n 's|.*running at \(http://[^/ ]*\)/.*|\1|p' "$out/server.log" | head -n1)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "fuzz-api: the server did not start:" >&2
  cat "$out/server.log" >&2
  exit 1
fi
api="$url/api/v1"

# The admin's token and the ids that exist, as dictionaries beside a copy of the config.
mkdir -p "$tmp/config"
cp "$HERE/schemathesis.toml" "$tmp/config/"
token=$("$PY" "$HERE/prepare.py" "$api" "$tmp/config")

say "Schemathesis $("$VENV/bin/schemathesis" --version | awk '{print $NF}'): $EXAMPLES examples per operation, seed $SEED"
started=$SECONDS
status=0
# From $tmp: Hypothesis and Schemathesis keep their working files in the current folder.
(
  cd "$tmp"
  JIETI_FUZZ_API="$api" JIETI_FUZZ_TOKEN="$token" SCHEMATHESIS_HOOKS="$HERE/hooks.py" \
    "$VENV/bin/schemathesis" --no-color --config-file "$tmp/config/schemathesis.toml" \
    run "$api/openapi.json" \
    --checks "$CHECKS" \
    --max-examples "$EXAMPLES" \
    --seed "$SEED" \
    --workers 1 \
    --request-timeout 30 \
    --generation-database none \
    --report ndjson --report-ndjson-path "$out/report.ndjson" \
    > "$out/schemathesis.log" 2>&1
) || status=$?
elapsed=$((SECONDS - started))

alive=1
kill -0 "$server_pid" 2>/dev/null || alive=0
stop_server

# Schemathesis's own account: failures (each with a curl line to reproduce it), errors,
# warnings (operations it could not get past 404 or 400 with), its summary.
sed -n '/^=* \(FAILURES\|ERRORS\|WARNINGS\) =*$/,$p' "$out/schemathesis.log" | grep -v '^$' || true
echo
say "results (${elapsed} s; report, logs: target/fuzz-api/)"
summary=0
if [ -s "$out/report.ndjson" ]; then
  "$PY" "$HERE/summary.py" "$out/report.ndjson" || summary=$?
else
  tail -n 40 "$out/schemathesis.log"
  summary=1
fi
# Internal errors and panics, as the server logged them (none when the run is clean).
if grep -Ea 'ERROR|panicked' "$out/server.log" > "$out/server-errors.log"; then
  echo "server errors logged:"
  head -n 40 "$out/server-errors.log"
  summary=1
fi
if [ "$alive" -eq 0 ]; then
  echo "fuzz-api: the server died during the run:" >&2
  tail -n 40 "$out/server.log" >&2
fi
if [ "$status" -ne 0 ] || [ "$summary" -ne 0 ] || [ "$alive" -eq 0 ]; then
  echo "fuzz-api: FAILED (schemathesis exit $status)"
  exit 1
fi
echo "fuzz-api: no failures"
