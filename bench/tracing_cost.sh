#!/usr/bin/env bash
# tracing_cost.sh - what tracing costs the gateway: CPU microseconds of `ebb serve` per request
# with config-tracing backend zipkin at sample-rate 0.01 (spans POSTed to
# tests/zipkin_receiver.py) against backend none, same app, same load.
#
#   wrk (keep-alive, Host header) -> ebb serve (gateway) -> helloworld (min-scale 1)
#
# Two ebb serve processes run side by side (one per configuration); each round measures both,
# in alternating order, for DURATION seconds each. CPU is utime + stime of the ebb serve process
# (/proc/PID/stat, all its threads; the app is a separate process and not counted). Prints every
# run and the medians; the cost is the ratio of the medians of µs/request.
#
# Usage: bench/tracing_cost.sh [BIN_DIR]     (default build-release/bin: `make release`)
#   env: ROUNDS=5 DURATION=10 CONNS=32 THREADS=1 RATE=0.01
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(cd "${1:-$HERE/build-release/bin}" && pwd)
ROUNDS=${ROUNDS:-5} DURATION=${DURATION:-10} CONNS=${CONNS:-32} THREADS=${THREADS:-1}
RATE=${RATE:-0.01}
WORK=$(mktemp -d /tmp/tracing-cost.XXXXXX)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait || true
  rm -rf "$WORK"
}
trap cleanup EXIT
TICK=$(getconf CLK_TCK)

python3 "$HERE/tests/zipkin_receiver.py" "$WORK/zipkin.port" >/dev/null 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$WORK/zipkin.port" ] && break; sleep 0.05; done

cat >"$WORK/service.yaml" <<YAML
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: bench}
spec:
  template:
    metadata:
      annotations: {autoscaling.knative.dev/min-scale: "1"}
    spec:
      containers: [{image: "$BIN/helloworld"}]
YAML
cat >"$WORK/none.yaml" <<YAML
tracing: {backend: none}
YAML
cat >"$WORK/zipkin.yaml" <<YAML
tracing:
  backend: zipkin
  zipkin-endpoint: http://127.0.0.1:$(cat "$WORK/zipkin.port")/api/v2/spans
  sample-rate: "$RATE"
YAML

declare -A PID GATEWAY
start() {  # start NAME: ebb serve with $WORK/NAME.yaml
  local dir="$WORK/$1"
  mkdir -p "$dir"
  "$BIN/ebb" serve --data-dir "$dir" --listen 127.0.0.1:0 --api-listen 127.0.0.1:0 \
    --admin-listen 127.0.0.1:0 --config "$WORK/$1.yaml" -f "$WORK/service.yaml" \
    >"$dir/serve.log" 2>&1 &
  PID[$1]=$!
  PIDS+=($!)
  for _ in $(seq 200); do [ -s "$dir/endpoints.json" ] && break; sleep 0.05; done
  GATEWAY[$1]=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gateway"])' \
    "$dir/endpoints.json")
  for _ in $(seq 300); do
    curl -sf -o /dev/null -H "Host: bench.default.example.com" "http://${GATEWAY[$1]}/" && return
    sleep 0.1
  done
  echo "ebb serve ($1) does not answer" >&2; exit 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run NAME: one wrk run; prints "requests cpu_us us_per_request"
run() {
  local before after out requests
  before=$(cpu_ticks "${PID[$1]}")
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" -H "Host: bench.default.example.com" \
    "http://${GATEWAY[$1]}/")
  after=$(cpu_ticks "${PID[$1]}")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  awk -v r="$requests" -v t=$((after - before)) -v hz="$TICK" \
    'BEGIN { us = t * 1e6 / hz; printf "%d %.0f %.2f\n", r, us, us / r }'
}

start none
start zipkin
for name in none zipkin; do  # warm up: pools, caches, the instance
  wrk -t1 -c"$CONNS" -d2s -H "Host: bench.default.example.com" "http://${GATEWAY[$name]}/" \
    >/dev/null
done

printf "%-6s %-7s %10s %12s %10s\n" round config requests cpu_us us/req
for round in $(seq "$ROUNDS"); do
  order="none zipkin"
  [ $((round % 2)) -eq 0 ] && order="zipkin none"
  for name in $order; do
    read -r requests cpu per <<<"$(run "$name")"
    printf "%-6s %-7s %10s %12s %10s\n" "$round" "$name" "$requests" "$cpu" "$per"
    echo "$name $per" >>"$WORK/results"
  done
done

median() {
  grep "^$1 " "$WORK/results" | awk '{print $2}' | sort -n |
    awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
none=$(median none)
zipkin=$(median zipkin)
sampled=$(curl -s "http://127.0.0.1:$(cat "$WORK/zipkin.port")/api/v2/spans" |
          python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo
echo "median µs/request: none $none, zipkin@$RATE $zipkin;" \
  "cost $(awk -v a="$none" -v b="$zipkin" 'BEGIN { printf "%+.1f %%", (b / a - 1) * 100 }')"
echo "spans received by the Zipkin receiver: $sampled"
