#!/usr/bin/env bash
# gateway-ab.sh - the gateway CPU per proxied request of two ebb builds, A and B, interleaved.
#
#   bench/gateway-ab.sh [-n ROUNDS] [-d SECONDS] [-c CONNS] [-s rt|nice|none] [--close] [-K]
#                       EBB_A EBB_B
#
# For changes worth a few per cent, which a run of proxy-peers.sh (one ebb against nginx per
# round, minutes apart) cannot separate from the machine's drift. Both builds run at once, each
# `ebb serve` with its own helloworld Service (min-scale = max-scale = 1, socket activation) and
# pinned with wrk to PROXY_CPU (default 0); their instances are moved to BACKEND_CPU (default
# 1), as in proxy-peers.sh. Each round runs wrk (closed loop, keep-alive, -c CONNS) for SECONDS
# against A, then against B, and reads each ebb's on-CPU time (every thread, instances excluded)
# from /proc/PID/task/*/schedstat. Prints the per-round µs per request of A and B, their ratio
# B/A, and the median ratio with its min-max: pairing within a round cancels the drift. An A/A
# run (the same binary twice) shows the resolution: about ±2 % on the median over 10 rounds
# here.
#
# --close: every request on a new connection (`Connection: close`), for what accepting and
# closing a connection costs. Noisier: A/A medians from 0.90 to 1.01 in three runs here, and
# the build that runs first in each round did worse in some runs; run both orders.
#
# EBB_A / EBB_B may be wrapper scripts that exec ebb (with another environment, say): the
# process measured is what they exec.
#
# Needs: wrk, taskset, curl, python3; helloworld from HELLOWORLD (default beside EBB_A).
set -euo pipefail
ROUNDS=10 SECS=3 CONNS=32 SCHED_ARG="" KEEP=0 CLOSE=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) ROUNDS=$2; shift 2 ;;
    -d) SECS=$2; shift 2 ;;
    -c) CONNS=$2; shift 2 ;;
    -s) SCHED_ARG=$2; shift 2 ;;
    -K) KEEP=1; shift ;;
    --close) CLOSE=(-H "Connection: close"); shift ;;
    -h|--help) awk 'NR>1 && /^#/ { sub(/^# ?/, ""); print; next } NR>1 { exit }' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -eq 2 ] || { echo "usage: gateway-ab.sh [options] EBB_A EBB_B" >&2; exit 2; }
declare -A BIN=([A]=$1 [B]=$2)
source "$(dirname "$0")/lib.sh"
bench_sched "$SCHED_ARG"
EBB=$1 bench_binaries
command -v wrk >/dev/null || "$BENCH_SRC/scripts/deps.sh" wrk  # a Debian package
for t in wrk taskset curl python3; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 2; }; done
PROXY_CPU=${PROXY_CPU:-0} BACKEND_CPU=${BACKEND_CPU:-1}
HOST=hello.default.example.com

WORK=$(mktemp -d /tmp/ebb-gateway-ab.XXXXXX)
declare -A PID=() GW=()
cleanup() {
  local p
  for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PID[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "$KEEP" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_hello_service "$WORK/hello.yaml"
start() { # A|B
  local d=$WORK/$1 i inst=""
  mkdir -p "$d/home"
  HOME="$d/home" taskset -c "$PROXY_CPU" "${PRIO[@]}" "${BIN[$1]}" serve --data-dir "$d/data" \
    --listen 127.0.0.1:0 --api-listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 \
    -f "$WORK/hello.yaml" >"$d/serve.log" 2>&1 &
  PID[$1]=$!
  for i in $(seq 1 200); do
    [ -s "$d/data/endpoints.json" ] && break
    kill -0 "${PID[$1]}" 2>/dev/null || { cat "$d/serve.log"; exit 1; }
    sleep 0.05
  done
  GW[$1]=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gateway"])' \
    "$d/data/endpoints.json")
  for i in $(seq 1 200); do
    inst=$(pgrep -P "${PID[$1]}" -x helloworld | head -1 || true)
    [ -n "$inst" ] && break
    sleep 0.05
  done
  [ -n "$inst" ] || { echo "$1: no instance started (see $d/serve.log)" >&2; exit 1; }
  taskset -a -p -c "$BACKEND_CPU" "$inst" >/dev/null
  for i in $(seq 1 100); do
    [[ "$(curl -s --max-time 1 -H "Host: $HOST" "http://${GW[$1]}/")" == Hello* ]] && return 0
    sleep 0.1
  done
  echo "$1: no answer from the gateway (see $d/serve.log)" >&2; exit 1
}
cpu_ns() { # PID -> on-CPU ns of its threads (its instances are other processes)
  local t a s=0
  for t in /proc/"$1"/task/*/schedstat; do read -r a _ 2>/dev/null <"$t" && s=$((s + a)); done
  echo "$s"
}
start A
start B
echo "# A: ${BIN[A]} | B: ${BIN[B]} | $ROUNDS x ${SECS}s, $CONNS conns${CLOSE:+, Connection: close}" \
  "| sched: $SCHED" >&2
RES=$WORK/rounds.tsv
: >"$RES"
for r in $(seq 1 "$ROUNDS"); do
  for x in A B; do
    c0=$(cpu_ns "${PID[$x]}")
    n=$(taskset -c "$PROXY_CPU" "${PRIO[@]}" wrk -t1 -c"$CONNS" -d"${SECS}s" -H "Host: $HOST" \
      "${CLOSE[@]}" "http://${GW[$x]}/" | awk '/requests in/ { print $1 }')
    c1=$(cpu_ns "${PID[$x]}")
    printf '%s\t%s\t%s\t%s\n' "$r" "$x" "$n" "$((c1 - c0))" >>"$RES"
  done
done
python3 - "$RES" <<'PY'
import statistics, sys
us = {}
for line in open(sys.argv[1]):
    r, x, n, ns = line.split()
    us[(int(r), x)] = int(ns) / int(n) / 1000
rounds = sorted({r for r, _ in us})
ratios = [us[(r, "B")] / us[(r, "A")] for r in rounds]
print("| round | A us/req | B us/req | B/A |")
print("|---|---|---|---|")
for r, q in zip(rounds, ratios):
    print(f"| {r} | {us[(r, 'A')]:.2f} | {us[(r, 'B')]:.2f} | {q:.3f} |")
a = statistics.median(us[(r, "A")] for r in rounds)
b = statistics.median(us[(r, "B")] for r in rounds)
print(f"\nmedian: A {a:.2f} us/req, B {b:.2f} us/req, B/A {statistics.median(ratios):.3f} "
      f"(min {min(ratios):.3f}, max {max(ratios):.3f})")
PY
