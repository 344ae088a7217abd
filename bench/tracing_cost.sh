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
# run, the medians of µs/request and the median of the per-round ratios (the steadier figure
# when other work shares the machine).
#
# Usage: bench/tracing_cost.sh [BIN_DIR]     (default build-release/bin: `make release`)
#   env: ROUNDS=5 DURATION=10 CONNS=32 THREADS=1 RATE=0.01
#        PARALLEL=1: load both at the same time in each round (each with CONNS connections)
#        instead of one after the other.
#        METRICS=1: issue 5's figure — the baseline ("none") has request metrics off too
#        (observability metrics-protocol: none), so the cost is metrics on + tracing at RATE
#        against both off.
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
if [ "${METRICS:-0}" = 1 ]; then
  echo 'observability: {metrics-protocol: none}' >>"$WORK/none.yaml"
  echo "none = metrics off and tracing off; zipkin = metrics on and tracing at $RATE"
fi
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

# one ROUND NAME: one measured run, recorded.
one() {
  local requests cpu per
  read -r requests cpu per <"$WORK/run-$2"
  printf "%-6s %-7s %10s %12s %10s\n" "$1" "$2" "$requests" "$cpu" "$per"
  echo "$2 $per" >>"$WORK/results"
  eval "per_$2=$per"
}

printf "%-6s %-7s %10s %12s %10s\n" round config requests cpu_us us/req
for round in $(seq "$ROUNDS"); do
  if [ "${PARALLEL:-0}" = 1 ]; then  # both at once: outside load hits both alike
    run none >"$WORK/run-none" &
    run zipkin >"$WORK/run-zipkin"
    wait $!
    one "$round" none
    one "$round" zipkin
  else
    order="none zipkin"
    [ $((round % 2)) -eq 0 ] && order="zipkin none"
    for name in $order; do
      run "$name" >"$WORK/run-$name"
      one "$round" "$name"
    done
  fi
  # Within a round both ran under about the same outside load: their ratio is the steadier figure.
  echo "ratio $(awk -v a="$per_none" -v b="$per_zipkin" 'BEGIN { print b / a }')" >>"$WORK/results"
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
ratio=$(median ratio)
echo "median µs/request: none $none, zipkin@$RATE $zipkin;" \
  "cost $(awk -v a="$none" -v b="$zipkin" 'BEGIN { printf "%+.1f %%", (b / a - 1) * 100 }')"
quartiles=$(grep "^ratio " "$WORK/results" | awk '{print $2}' | sort -n |
  awk '{v[NR] = $1} END {printf "%.3f–%.3f", v[int((NR + 3) / 4)], v[int((3 * NR + 3) / 4)]}')
echo "median of per-round ratios zipkin/none: $ratio" \
  "($(awk -v r="$ratio" 'BEGIN { printf "%+.1f %%", (r - 1) * 100 }')), quartiles $quartiles"
echo "spans received by the Zipkin receiver: $sampled"

# The same work in-process (bench/tracing_micro.cc): steadier than the figures above when
# other work shares the machine.
BUILD=$(dirname "$BIN")
if [ -f "$BUILD/libebb_tracing.a" ]; then
  g++ -O2 -std=c++20 -I "$HERE/src" "$HERE/bench/tracing_micro.cc" "$BUILD/libebb_tracing.a" \
    "$BUILD/libebb_admin.a" "$BUILD/libebb_config.a" "$BUILD/libebb_net.a" \
    "$BUILD/libebb_common.a" -lyaml-cpp -lssl -lcrypto -lpthread -o "$WORK/micro"
  echo
  "$WORK/micro" "$RATE" | tee "$WORK/micro.txt"
  awk -v base="$none" '/per request at rate/ {
    printf "= %.2f %% of the median µs/request without tracing\n", $(NF - 1) / (base * 10) }' \
    "$WORK/micro.txt"
fi
