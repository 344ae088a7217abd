#!/usr/bin/env bash
# Seed replay: the 2018 blog's Vegeta run against Knative (50 rps from zero; Knative v0.1 on GKE
# gave p95 3.45 s, p99 6.46 s, 24 × 503, pods 0 → 10 → 5), against ebb: helloworld ?sleep=28
# (the seed's p50 was 28 ms), 50 rps for 60 s (--full: 300 s as the seed, --smoke: 3 s).
# Knative's defaults (stable window 60 s, target 100 × 70 %) except a 1 s scale-to-zero grace
# period, which only shortens the wait for zero before the run.
# Goals: 0 errors; p99 <= 40 ms; instances never above the ideal count + 1, where the ideal is
# ceil(rate × service time / target) = ceil(50 × 0.028 / 70) = 1.
source "$(dirname "$0")/lib.sh"
scen_init seed "$@"

duration=60s; window=60s
case $MODE in
  smoke) duration=3s; window=6s ;;
  full) duration=300s ;;
esac
scen_start_ebb "autoscaler:
  stable-window: $window
  scale-to-zero-grace-period: 1s"
scen_deploy seed 0 ""

PATH_QUERY="/?sleep=28"
scen_load run --rate 50/1s --duration "$duration"
scen_instances run
j=$(report_json "$SCEN_OUT/run.json")
requests=$(jeval "$j" 'j["requests"]')
bad=$(non2xx "$j")
ideal=$(awk 'BEGIN { x = 50 * 0.028 / 70; i = int(x); if (i < x) i++; print i }')

goal_le "errors" "$bad" 0
goal_le "p99" "$(pct "$j" 99th)" 40 " ms"
goal "peak instances" "$PEAK" "<= $((ideal + 1)) = ideal $ideal + 1" "$([ "$PEAK" -le $((ideal + 1)) ] && echo 1)"

if [ "$MODE" = smoke ]; then
  check "all $requests requests answered 2xx" test "$bad" = 0 -a "$requests" = 150
  check "scaled out from zero (peak $PEAK, first ready at ${FIRST_READY}s)" \
    test "$PEAK" -ge 1 -a "$PEAK_READY" -ge 1
  check "report parses (success $(jeval "$j" 'j["success"]'))" \
    test "$(jeval "$j" 'j["success"]')" = 1
fi
scen_finish
