#!/usr/bin/env bash
# Load bench (issue #9), a documented bench command, not part of scripts/test.sh: the optimised
# server on a fresh SQLite file (or, with LOAD_DATABASE=postgres, a fresh database on a throwaway
# Debian PostgreSQL on loopback, fsync on, synchronous_commit off like SQLite's WAL + NORMAL), under wrk, for catalog reads, search, progress ingestion and quiz
# submission. Prints req/s, p50/p99 and errors for each, checks what was stored, and exits non-zero
# when a target is missed: catalog reads ≥ 1,000 req/s with p99 ≤ 50 ms and no error; progress
# ≥ 2,000 events/s ingested in batches; no errors anywhere.
#
# Settings (environment): LOAD_THREADS (wrk -t, default 2), LOAD_CONNECTIONS (-c, 32),
# LOAD_DURATION (-d, 10s), LOAD_BATCH (events per progress batch, 50), LOAD_LEARNERS (guests
# sending progress, 200), LOAD_QUIZ_GUESTS (guests with one open attempt on every demo quiz, 1000),
# LOAD_ACCEPT_ENCODING (what catalog and search requests accept, default Chrome's
# "gzip, deflate, br, zstd"), LOAD_KEEP=1 keeps the temp folder (database, wrk output, server log),
# JIETI_SERVER_BIN measures that binary instead of building the `server` profile.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

THREADS="${LOAD_THREADS:-2}"
CONNECTIONS="${LOAD_CONNECTIONS:-32}"
DURATION="${LOAD_DURATION:-10s}"
export LOAD_BATCH="${LOAD_BATCH:-50}"
LEARNERS="${LOAD_LEARNERS:-200}"
QUIZ_GUESTS="${LOAD_QUIZ_GUESTS:-1000}"
export LOAD_ACCEPT_ENCODING="${LOAD_ACCEPT_ENCODING:-gzip, deflate, br, zstd}"
export LOAD_RUN="${LOAD_RUN:-$(date +%s)}"

ENGINE="${LOAD_DATABASE:-sqlite}"
case "$ENGINE" in sqlite | postgres) ;; *) echo "error: LOAD_DATABASE is sqlite or postgres" >&2; exit 2 ;; esac
for tool in wrk node sqlite3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing (Debian: apt-get install wrk nodejs sqlite3)" >&2; exit 2; }
done

if [[ -n "${JIETI_SERVER_BIN:-}" ]]; then
  BIN="$JIETI_SERVER_BIN"   # a given binary, measured as it is (not rebuilt)
else
  say "server binary (cargo build -p jieti-server --profile server)"
  cargo build --quiet -p jieti-server --profile server
  BIN="$CARGO_TARGET_DIR/server/jieti-server"
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/jieti-load.XXXXXX")"
DATA="$TMP/data"
DB="$TMP/load.db"
mkdir -p "$DATA"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ "$ENGINE" == postgres ]]; then JIETI_PG_PORT=55433 bash scripts/postgres.sh stop; fi
  if [[ "${LOAD_KEEP:-}" == 1 ]]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# The database, and how to ask it a question afterwards.
if [[ "$ENGINE" == postgres ]]; then
  say "PostgreSQL on loopback (scripts/postgres.sh, port 55433)"
  PG="$(JIETI_PG_PORT=55433 JIETI_PG_SETTINGS="-c synchronous_commit=off" bash scripts/postgres.sh start)"
  psql "$PG" -qc "CREATE DATABASE load"
  DB="${PG%/*}/load"
  DB_URL="$DB"
  ask() { psql "$DB" -Atc "$1"; }
else
  DB_URL="sqlite://$DB"
  ask() { sqlite3 "$DB" "$1"; }
fi

say "server on a fresh database ($DB)"
# RUST_LOG=warn: per-request logging off, as in production; the demo catalog is seeded on first start.
RUST_LOG=warn "$BIN" serve --addr 127.0.0.1:0 --database-url "$DB_URL" \
  --media "$ROOT/media" --dist "$TMP/no-app" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
URL=""
for _ in $(seq 600); do
  URL="$(grep -o 'running at http://[^/ ]*' "$TMP/server.log" | head -1 | sed 's/running at //' || true)"
  [[ -n "$URL" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; echo "error: the server exited" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$URL" ]] || { cat "$TMP/server.log" >&2; echo "error: the server did not start in 60 s" >&2; exit 1; }
echo "$URL"

say "data through the API (guests, enrolments, open quiz attempts)"
node scripts/load/setup.js "$URL" "$DATA" "$LEARNERS" "$QUIZ_GUESTS"

# CPU time (clock ticks) of the server, and busy/total ticks of the whole machine.
server_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$SERVER_PID/stat"; }
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

# One wrk run; leaves its "@@ key=value …" summary line in $TMP/NAME.out and the server's and
# the machine's CPU use in R[NAME.server_cpu], R[NAME.machine_cpu] (cores busy, of $(nproc)).
declare -A R
run() {
  local name="$1"
  local s0 m0 t0 s1 m1 t1
  s0="$(server_ticks)"; read -r m0 t0 < <(machine_ticks)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency --timeout 5s \
    -s "scripts/load/$name.lua" "$URL" -- "$DATA" "$THREADS" >"$TMP/$name.out" 2>"$TMP/$name.err" || {
    cat "$TMP/$name.out" "$TMP/$name.err" >&2; echo "error: wrk failed on $name" >&2; exit 1; }
  if [[ -s "$TMP/$name.err" ]]; then sed 's/^/  wrk: /' "$TMP/$name.err" | head -5; fi
  local line
  line="$(grep '^@@ ' "$TMP/$name.out" | tail -1)"
  [[ -n "$line" ]] || { cat "$TMP/$name.out" >&2; echo "error: no summary from $name" >&2; exit 1; }
  local kv
  for kv in ${line#@@ }; do R["$name.${kv%%=*}"]="${kv#*=}"; done
  s1="$(server_ticks)"; read -r m1 t1 < <(machine_ticks)
  local hz; hz="$(getconf CLK_TCK)"
  R[$name.server_cpu]="$(awk -v a="$s0" -v b="$s1" -v hz="$hz" -v secs="${R[$name.secs]}" 'BEGIN { printf "%.2f", (b - a) / hz / secs }')"
  R[$name.cpu_ms]="$(awk -v a="$s0" -v b="$s1" -v hz="$hz" -v n="${R[$name.requests]}" 'BEGIN { printf "%.2f", n ? (b - a) / hz * 1000 / n : 0 }')"
  R[$name.machine_cpu]="$(awk -v a="$m0" -v b="$m1" -v ta="$t0" -v tb="$t1" -v cores="$(nproc)" 'BEGIN { printf "%.2f", (b - a) / (tb - ta) * cores }')"
}
show() {
  local name="$1" label="$2" extra="${3:-}"
  printf '%-22s %8.0f req/s   p50 %6.2f ms   p99 %7.2f ms   errors %d%s\n' "$label" \
    "${R[$name.rps]}" "${R[$name.p50_ms]}" "${R[$name.p99_ms]}" "${R[$name.errors]}" "$extra"
  printf '%-22s server CPU %.2f of %d cores (%.2f ms a request); machine busy %.2f cores\n' "" \
    "${R[$name.server_cpu]}" "$(nproc)" "${R[$name.cpu_ms]}" "${R[$name.machine_cpu]}"
  if [[ "${R[$name.errors]}" != 0 ]]; then
    echo "    (connect ${R[$name.connect]}, read ${R[$name.read]}, write ${R[$name.write]}, timeout ${R[$name.timeout]}, bad answers ${R[$name.bad]}, statuses ${R[$name.statuses]})"
  fi
}

say "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency --timeout 5s (server and wrk share $(nproc) cores; load average $(cut -d" " -f1-3 /proc/loadavg))"
run catalog
show catalog "catalog reads" "   (${R[catalog.requests]} in ${R[catalog.secs]} s: listings, course pages, categories)"
run search
show search "search" "   (${R[search.requests]} in ${R[search.secs]} s, ${R[search.queries]} queries: characters, pinyin, initials)"
run progress
show progress "progress batches" "   (${R[progress.requests]} × ${LOAD_BATCH} events)"
printf '%-22s %8s events/s accepted (%s events, %s duplicates)\n' "progress events" \
  "${R[progress.events_per_s]}" "${R[progress.accepted]}" "${R[progress.duplicates]}"
run quiz
show quiz "quiz submissions" "   (${R[quiz.requests]} in ${R[quiz.secs]} s: ${R[quiz.first]} first submissions, ${R[quiz.resends]} resends)"

# What the database holds: the receipts' counts must be there, and only first submissions measured.
stored_events="$(ask "SELECT COUNT(*) FROM progress_events WHERE id LIKE 'ld$LOAD_RUN-%'")"
sent_events=$(( ${R[progress.issued]} * LOAD_BATCH ))
lesson_rows="$(ask "SELECT COUNT(*) FROM lesson_progress p JOIN progress_events e ON e.learner_id = p.learner_id AND e.lesson_id = p.lesson_id WHERE e.id LIKE 'ld$LOAD_RUN-%' AND e.id LIKE '%-000'")"
first_submissions="$(ask "SELECT COUNT(*) FROM attempts WHERE submission_id LIKE 'load-%' AND submitted_at IS NOT NULL")"
attempts="$(node -p "require(process.argv[1]).attempts" "$DATA/summary.json")"
echo "stored: $stored_events progress events (receipts: ${R[progress.accepted]} accepted; $sent_events sent);" \
  "$first_submissions of $attempts prepared quiz attempts submitted (answers received for ${R[quiz.first]})"

say "verdict"
fail=0
check() { # check LABEL OK(0|1) DETAIL
  if [[ "$2" == 1 ]]; then printf 'PASS  %s  (%s)\n' "$1" "$3"; else printf 'FAIL  %s  (%s)\n' "$1" "$3"; fail=1; fi
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? 1 : 0 }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? 1 : 0 }'; }
check "catalog reads ≥ 1000 req/s" "$(ge "${R[catalog.rps]}" 1000)" "${R[catalog.rps]} req/s"
check "catalog reads p99 ≤ 50 ms" "$(le "${R[catalog.p99_ms]}" 50)" "${R[catalog.p99_ms]} ms"
check "catalog reads without errors" "$([[ ${R[catalog.errors]} == 0 ]] && echo 1 || echo 0)" "${R[catalog.errors]} errors"
check "progress ≥ 2000 events/s ingested" "$(ge "${R[progress.events_per_s]}" 2000)" "${R[progress.events_per_s]} events/s in batches of $LOAD_BATCH"
check "progress events stored as receipted" \
  "$( (( stored_events >= ${R[progress.accepted]} && stored_events <= sent_events )) && echo 1 || echo 0)" \
  "$stored_events stored, ${R[progress.accepted]} receipted, $sent_events sent"
check "progress applied to the learners' lesson progress" \
  "$( (( lesson_rows * LOAD_BATCH == stored_events )) && echo 1 || echo 0)" \
  "$lesson_rows stored batches have their lesson's progress row"
check "quiz submissions stored" "$( (( first_submissions >= ${R[quiz.first]} )) && echo 1 || echo 0)" \
  "$first_submissions submitted in the database, ${R[quiz.first]} answered"
for name in search progress quiz; do
  check "$name without errors" "$([[ ${R[$name.errors]} == 0 ]] && echo 1 || echo 0)" "${R[$name.errors]} errors"
done
kill -0 "$SERVER_PID" 2>/dev/null || { echo "FAIL  the server died during the bench" >&2; fail=1; }
exit "$fail"
