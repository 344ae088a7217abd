#!/usr/bin/env bash
# Step from zero: Knative's load-test shape (from zero, 1 → 2 → 3 req/ms, 2 min each, ?sleep=100)
# scaled to this 2-core machine: 100 → 200 → 300 rps, 30 s each (--smoke: 20 → 40 → 60 rps, 2 s
# each), helloworld ?sleep=100, Knative's defaults (CC 0, target 100 × 70 %) except a 1 s
# scale-to-zero grace period. `ebb load` takes one rate, so the steps are three consecutive runs:
# the first starts at zero instances, the others continue; each step is reported, then all three
# together (`ebb load report` of the three result files).
# Goals (all steps together): p95 <= service time + 2 ms = 102 ms; max <= 150 ms; 0 errors.
source "$(dirname "$0")/lib.sh"
scen_init step "$@"

rates=(100 200 300); duration=30s; window=60s
if [ "$MODE" = smoke ]; then rates=(20 40 60); duration=2s; window=6s; fi
scen_start_ebb "autoscaler:
  stable-window: $window
  scale-to-zero-grace-period: 1s"
scen_deploy step 0 ""

PATH_QUERY="/?sleep=100"
for i in 0 1 2; do scen_load "step$((i + 1))" --rate "${rates[$i]}/1s" --duration "$duration"; done
echo "--- all three steps"
"$EBB" load report "$SCEN_OUT"/step{1,2,3}.json | tee "$SCEN_OUT/combined.txt"
scen_instances step1 step2 step3
for i in 1 2 3; do
  s=$(report_json "$SCEN_OUT/step$i.json")
  echo "step $i (${rates[$((i - 1))]} rps): p95 $(pct "$s" 95th) ms, max $(pct "$s" max) ms," \
    "non-2xx $(non2xx "$s")"
done
j=$(report_json "$SCEN_OUT"/step{1,2,3}.json)
bad=$(non2xx "$j")
goal_le "p95" "$(pct "$j" 95th)" 102 " ms"
goal_le "max" "$(pct "$j" max)" 150 " ms"
goal_le "errors" "$bad" 0

if [ "$MODE" = smoke ]; then
  requests=$(jeval "$j" 'j["requests"]')
  check "all $requests requests of the three steps answered 2xx" test "$bad" = 0 -a "$requests" = 240
  check "scaled out from zero (peak $PEAK ready $PEAK_READY)" test "$PEAK_READY" -ge 1
  check "instances polled during all three steps ($SAMPLES samples)" test "$SAMPLES" -ge 9
fi
scen_finish
