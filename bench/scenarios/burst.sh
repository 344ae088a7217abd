#!/usr/bin/env bash
# Burst: 1000 concurrent requests at zero instances (--smoke: 200), containerConcurrency 10,
# helloworld ?sleep=100 (--smoke: 200) so that the requests really overlap. Closed loop `-c 1000 -n 1000`: each
# of the 1000 workers sends one request at once. Knative failed this shape with 503s (2019,
# knative/serving#2988) and 502s when the activator flooded the first pod (#9888). Knative's
# defaults except a 1 s scale-to-zero grace period.
# Goals: 0 non-2xx; containerConcurrency never exceeded — every instance's own count of requests
# in flight at once (helloworld's GET /inflight "max", read from each pod's port right after
# the burst) is at most 10.
source "$(dirname "$0")/lib.sh"
scen_init burst "$@"

n=1000; window=60s; sleep_ms=100
# Smoke: 200 requests of 200 ms keep a single instance busy for 4 s, longer than the 2 s until
# the autoscaler's first tick after the cold start, so the scale-out is sure to happen.
if [ "$MODE" = smoke ]; then n=200; window=6s; sleep_ms=200; fi
cc=10
scen_start_ebb "autoscaler:
  stable-window: $window
  scale-to-zero-grace-period: 1s"
scen_deploy burst "$cc" ""

PATH_QUERY="/?sleep=$sleep_ms"
scen_load run -c "$n" -n "$n"
# Each instance's in-flight maximum, straight from its port (not through the gateway).
E get pods -l "serving.knative.dev/service=$SVC" -o json >"$SCEN_OUT/pods.json"
python3 - "$SCEN_OUT/pods.json" >"$SCEN_OUT/inflight.txt" <<'PY'
import json, sys, urllib.request
for pod in json.load(open(sys.argv[1]))["items"]:
    for c in pod["spec"]["containers"]:
        for p in c.get("ports", []):
            url = "http://127.0.0.1:%d/inflight" % p["containerPort"]
            try:
                print(pod["metadata"]["name"], json.load(urllib.request.urlopen(url, timeout=5))["max"])
            except Exception as e:  # an instance that went away: no number
                print(pod["metadata"]["name"], "unreachable", e, file=sys.stderr)
PY
scen_instances run
j=$(report_json "$SCEN_OUT/run.json")
bad=$(non2xx "$j")
probed=$(wc -l <"$SCEN_OUT/inflight.txt")
maxin=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$SCEN_OUT/inflight.txt")
echo "per-instance in-flight maximum (instances: count): $(awk '{ c[$2]++ } END {
  for (k in c) printf "%s:%d ", k, c[k] }' "$SCEN_OUT/inflight.txt")"

goal_le "non-2xx" "$bad" 0
goal_le "max in flight on one instance ($probed instances read)" "$maxin" "$cc"

if [ "$MODE" = smoke ]; then
  check "all $n answered 2xx" test "$bad" = 0 -a "$(jeval "$j" 'j["requests"]')" = "$n"
  used=$(awk '$2 > 0' "$SCEN_OUT/inflight.txt" | wc -l)
  check "scaled out: $probed instances, $used of them served" test "$probed" -ge 2 -a "$used" -ge 2
  check "containerConcurrency $cc never exceeded (max $maxin)" test "$maxin" -le "$cc"
  check "busiest instance was used to the full ($maxin)" test "$maxin" -ge 2
fi
scen_finish
