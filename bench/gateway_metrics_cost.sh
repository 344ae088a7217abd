#!/usr/bin/env bash
# CPU per proxied request of the gateway with request metrics on and off, interleaved rounds,
# medians: wrk → gateway (bench/gateway_metrics_cost.cc, optimised) → helloworld.
#   bench/gateway_metrics_cost.sh [-r ROUNDS] [-d SECONDS] [-c CONNECTIONS]
# BUILD (default build-release) must hold an optimised build of ebb_gateway and its libraries
# (metrics, tracing, admin, config, net, common) and helloworld:
#   cmake --build BUILD --target ebb_gateway ebb_metrics helloworld
# The gateway's CPU is its threads' on-CPU time (/proc/PID/task/*/schedstat, ns) across one wrk
# run, divided by the requests wrk completed.
set -euo pipefail
ROUNDS=10 DURATION=5 CONNS=16
while getopts "r:d:c:" opt; do
  case $opt in r) ROUNDS=$OPTARG ;; d) DURATION=$OPTARG ;; c) CONNS=$OPTARG ;; *) exit 2 ;; esac
done
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-release}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 2; }
WORK=$(mktemp -d /tmp/ebb-gw-metrics.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$WORK"' EXIT

g++ -O2 -g -std=c++20 -DBOOST_ASIO_NO_DEPRECATED -DBOOST_ASIO_SEPARATE_COMPILATION \
  -DBOOST_BEAST_SEPARATE_COMPILATION -I "$SRC/src" "$SRC/bench/gateway_metrics_cost.cc" \
  "$BUILD/libebb_gateway.a" "$BUILD/libebb_metrics.a" "$BUILD/libebb_tracing.a" \
  "$BUILD/libebb_admin.a" "$BUILD/libebb_config.a" "$BUILD/libebb_net.a" \
  "$BUILD/libebb_common.a" -lyaml-cpp -lssl -lcrypto -lpthread -o "$WORK/gateway"

BACKEND_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PORT=$BACKEND_PORT "$BUILD/bin/helloworld" >"$WORK/backend.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$BACKEND_PORT/" && break; sleep 0.05; done

cpu_ns() {
  local sum=0 t
  for t in /proc/"$1"/task/*/schedstat; do sum=$((sum + $(cut -d' ' -f1 "$t"))); done
  echo "$sum"
}

# run on|off: prints "CPU-µs-per-request requests".
run() {
  local address=$WORK/address-$1-$RANDOM
  "$WORK/gateway" "$1" "127.0.0.1:$BACKEND_PORT" >"$address" 2>"$WORK/gateway.log" &
  local pid=$!
  until [ -s "$address" ]; do sleep 0.02; done
  local url="http://$(cat "$address")/" host="Host: hello.default.example.com"
  wrk -t1 -c"$CONNS" -d2s -H "$host" "$url" >/dev/null
  local before after requests
  before=$(cpu_ns "$pid")
  requests=$(wrk -t1 -c"$CONNS" -d"${DURATION}s" -H "$host" "$url" | awk '/requests in/ {print $1}')
  after=$(cpu_ns "$pid")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  awk -v c=$((after - before)) -v n="$requests" 'BEGIN { printf "%.3f %d\n", c / n / 1000, n }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$WORK/on.txt"
: >"$WORK/off.txt"
for r in $(seq 1 "$ROUNDS"); do
  for mode in on off; do
    read -r us n < <(run "$mode")
    echo "round $r metrics $mode: $us µs/request ($n requests)"
    echo "$us" >>"$WORK/$mode.txt"
  done
done
on=$(median <"$WORK/on.txt")
off=$(median <"$WORK/off.txt")
# The on/off ratio within each round is steadier than either median when other work shares the
# machine.
ratio=$(paste "$WORK/on.txt" "$WORK/off.txt" | awk '{ print $1 / $2 }' | median)
awk -v on="$on" -v off="$off" -v ratio="$ratio" 'BEGIN {
  printf "median gateway CPU µs/request: metrics on %.3f, off %.3f (%+.1f %%);", on, off,
         (on - off) / off * 100
  printf " median of per-round on/off ratios %.3f (%+.1f %%)\n", ratio, (ratio - 1) * 100 }'
