#!/usr/bin/env bash
# The benchmark scenarios of bench/scenarios in their smoke form (a few seconds each): every
# scenario starts its own ebb serve, deploys helloworld, runs `ebb load` from zero instances and
# checks behaviour — no errors, scale-out happened, containerConcurrency held, the reports parse —
# never timing (the GOAL lines are printed, not judged here).
source "$(dirname "$0")/lib.sh"

run_scenario() {
  local name=$1 out="$WORK/$1"
  log "bench/scenarios/$name.sh --smoke"
  local rc=0
  EBB="$EBB" HELLOWORLD="$EBB_BIN/helloworld" bash "$EBB_SRC/bench/scenarios/$name.sh" --smoke \
    --out "$out" >"$WORK/$name.log" 2>&1 || rc=$?
  cat "$WORK/$name.log"
  expect_eq "$name: smoke checks pass (exit code)" 0 "$rc"
  check "$name: no failed check" bash -c "! grep -q '^FAIL' '$WORK/$name.log'"
  check "$name: Vegeta text report printed" grep -q '^Status Codes  \[code:count\]' "$WORK/$name.log"
  check "$name: every GOAL line judged" bash -c \
    "grep '^GOAL ' '$WORK/$name.log' | grep -qv ' (want .*) \(MET\|MISSED\)$' && exit 1
     grep -q '^GOAL ' '$WORK/$name.log'"
  check "$name: instance timeline printed" grep -q '^peak [0-9]* desired / [0-9]* ready' \
    "$WORK/$name.log"
  check "$name: plot and instance CSV written" bash -c \
    "ls '$out'/*.html >/dev/null && test \$(tail -n +2 \$(ls '$out'/*.csv | head -n 1) | wc -l) -ge 2"
}

for s in seed step burst autoscale_go; do run_scenario "$s"; done
finish
