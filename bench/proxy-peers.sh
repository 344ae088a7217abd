#!/usr/bin/env bash
# proxy-peers.sh - loopback HTTP/1.1 keep-alive data path: ebb's gateway against its peers.
#
#   wrk (closed loop, keep-alive) -> [proxy] -> ONE helloworld process (the project's sample app)
#
# A copy of ../shared/bench/proxy-peers.sh with ebb as a built-in peer and helloworld as the one
# backend of every target. Measures "direct" (no proxy) and, through each proxy (nginx proxy_pass
# with upstream keepalive, haproxy, caddy reverse_proxy, h2o proxy.reverse.url, ebb), plus an
# optional extra CANDIDATE, interleaved, RUNS times each, and prints medians of requests/s and
# latency p50/p90/p99/p99.9, the ratio to direct, CPU per request, and how much CPU other
# processes on the machine burned during the runs (noise).
#
# Fairness: every target reaches the SAME backend process. When ebb is a peer, the backend is
# ebb's own instance: `ebb serve` runs a helloworld Service with min-scale = max-scale = 1 and
# socket activation (so the instance is warm and its port fixed), the script reads that
# instance's port from the process and points every other proxy (and "direct") at it, and moves
# the instance onto BACKEND_CPU (it was spawned on the proxy's CPU, since children inherit ebb's
# affinity). Without ebb among the peers, helloworld is started directly on BACKEND_CPU.
# ebb's "proxy CPU" is the ebb process alone: its instance's CPU is counted as backend CPU
# (reported separately, and the same work for every target).
#
# Usage:
#   proxy-peers.sh [options] [CANDIDATE_URL]
#
#   CANDIDATE_URL       e.g. http://127.0.0.1:8080/ - another proxy that forwards to the
#                       backend at $BACKEND_ADDR. Either start it yourself before running this
#                       script, or pass --cmd.
#   --cmd 'CMD'         start the candidate with `bash -c CMD`, pinned to PROXY_CPU,
#                       with BACKEND_ADDR=127.0.0.1:<port> and BACKEND_PORT exported;
#                       stopped (by PID) at the end.
#   -H HOST             Host header for candidate requests (gateways route by Host).
#   -n RUNS             rounds, each round runs every target once (default 3)
#   -d DURATION         wrk duration per run (default 10s)
#   -c CONNS            wrk connections (default 32)
#   -t THREADS          wrk threads (default 1)
#   -p 'PEERS'          subset of: direct nginx haproxy caddy h2o ebb (default: all; missing
#                       Debian peers are installed with apt-get, as install-peers.sh does),
#                       plus, only when named, relay-epoll relay-uring relay-asio: the floor, a
#                       byte relay with no HTTP at all (relay_floor.cc, built here with g++ and
#                       Debian's liburing-dev) on raw epoll, on io_uring, and on Boost.Asio
#                       coroutines as the gateway used them until it moved to its own io_uring
#                       loop (src/ioloop); and relay-uring-http: io_uring
#                       plus the gateway's own HTTP parsing and head rewriting (linked against
#                       the libraries of EBB's build directory)
#   -P BASE_PORT        the peers listen on BASE_PORT+1..+8 (default 28100)
#   -o FILE             also write the per-run TSV there
#   -k                  keep the temporary work dir (configs, logs)
#   --summary FILE      only print the table for a TSV written earlier with -o
#   env EBB=PATH        the ebb binary (default build-release/bin/ebb, else build)
#   env HELLOWORLD=PATH the helloworld binary (default: beside ebb)
#
# CPU layout (2-core machine), env overrides: LG_CPU=0 PROXY_CPU=0 BACKEND_CPU=1
#   i.e. the load generator and the proxy share one core, the backend has the other.
#   For "direct", wrk is alone on LG_CPU. PROXY_CPU=1 puts the proxy beside the backend.
#   Every proxy gets one worker/thread (ebb: one gateway event loop per CPU of its affinity mask).
#   env SCHED=rt runs every process the script starts (wrk, backend, proxies) under SCHED_FIFO
#   priority 1 (chrt -f 1), so that other people's builds on a shared machine do not take the
#   CPUs in the middle of a run; SCHED=none (default) runs them as they are.
#
# Output: per-run TSV lines on stderr, then a markdown table of medians on stdout:
#   req/s, latency p50/p90/p99/p99.9 (wrk's histogram, via a Lua done() hook),
#   proxy / backend / wrk CPU microseconds per request (on-CPU time from
#   /proc/PID/task/*/schedstat of each process tree, the backend's tree excluded from the
#   proxy's; compare a candidate with nginx from the SAME run on this first: within-round ratios
#   stay steady when other work shares the machine, absolute req/s does not),
#   other procs CPU% (machine busy time minus ours, in % of one core: the noise),
#   backend conns opened/run (max over runs; TCP connections to the backend port that appeared
#   during the run, from `ss`: a proxy that reuses upstream keep-alive connections stays at or
#   below its pool size, one that does not shows about one per request; "direct" shows CONNS).
#
# Needs: wrk, taskset, curl, awk, ps, ss, python3, and the peers from Debian:
#   apt-get install -y --no-install-recommends wrk curl nginx haproxy caddy h2o
set -euo pipefail

RUNS=3 DURATION=10s CONNS=32 THREADS=1 BASE_PORT=28100 KEEP=0 OUTFILE=""
PEERS="" CAND_URL="" CAND_HOST="" CAND_CMD=""
LG_CPU=${LG_CPU:-0} PROXY_CPU=${PROXY_CPU:-0} BACKEND_CPU=${BACKEND_CPU:-1}
WARMUP=${WARMUP:-2s}
case ${SCHED:-none} in
  rt) PRIO=(chrt -f 1) ;;
  none) PRIO=() ;;
  *) echo "SCHED must be rt or none" >&2; exit 2 ;;
esac

usage() { awk 'NR>1 && /^#/ { sub(/^# ?/, ""); print; next } NR>1 { exit }' "$0"; exit "${1:-0}"; }
# ---- summary (medians) ------------------------------------------------------------------------
# "vs direct" and "CPU vs nginx" are medians of per-round ratios (paired within a round),
# which is what stays comparable when other load on the machine comes and goes.
summarize() { # TSV [ORDER]
  local order=${2:-$(awk -F'\t' 'NR>1 && !seen[$1]++ { printf "%s ", $1 }' "$1")}
  awk -F'\t' -v order="$order" '
  function med(s,   a, n, i, j, x) { n=split(s, a, " "); if (n==0) return 0;
    for (i=2;i<=n;i++) { x=a[i]; for (j=i-1;j>=1 && a[j]+0>x+0;j--) a[j+1]=a[j]; a[j+1]=x }
    return (n%2) ? a[(n+1)/2] : (a[n/2]+a[n/2+1])/2 }
  function mn(s,  a,n,i,m) { n=split(s,a," "); m=a[1]; for(i=2;i<=n;i++) if (a[i]+0<m+0) m=a[i]; return m }
  function mx(s,  a,n,i,m) { n=split(s,a," "); m=a[1]; for(i=2;i<=n;i++) if (a[i]+0>m+0) m=a[i]; return m }
  NR>1 { rps[$1]=rps[$1]" "$3; p50[$1]=p50[$1]" "$4; p90[$1]=p90[$1]" "$5; p99[$1]=p99[$1]" "$6;
         p999[$1]=p999[$1]" "$7; err[$1]+=$8; pc[$1]=pc[$1]" "$9; bc[$1]=bc[$1]" "$10; wc[$1]=wc[$1]" "$11; oc[$1]=oc[$1]" "$12; cc[$1]=cc[$1]" "$13;
         R[$1,$2]=$3; C[$1,$2]=$9; runs[$2]=1 }
  END {
    print "| target | req/s median (min-max) | vs direct (paired) | p50 ms | p90 ms | p99 ms | p99.9 ms | proxy CPU us/req | CPU vs nginx (paired) | backend CPU us/req | wrk CPU us/req | other procs CPU% (min-max) | backend conns opened/run | errors |"
    print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    n=split(order, o, " ")
    for (i=1;i<=n;i++) { t=o[i]; if (!(t in rps)) continue
      vd=""; vn=""
      for (r in runs) {
        if (((t,r) in R) && (("direct",r) in R) && R["direct",r]>0) vd=vd" "R[t,r]/R["direct",r]
        if (t!="direct" && ((t,r) in C) && (("nginx",r) in C) && C["nginx",r]>0) vn=vn" "C[t,r]/C["nginx",r]
      }
      printf "| %s | %.0f (%.0f-%.0f) | %s | %.3f | %.3f | %.3f | %.3f | %s | %s | %.2f | %.2f | %.0f (%.0f-%.0f) | %s | %d |\n",
        t, med(rps[t]), mn(rps[t]), mx(rps[t]), (vd!="") ? sprintf("%.2f", med(vd)) : "-",
        med(p50[t])/1000, med(p90[t])/1000, med(p99[t])/1000, med(p999[t])/1000,
        (t=="direct") ? "-" : sprintf("%.2f", med(pc[t])), (vn!="") ? sprintf("%.2f", med(vn)) : "-",
        med(bc[t]), med(wc[t]), med(oc[t]), mn(oc[t]), mx(oc[t]), mx(cc[t]), err[t] }
  }' "$1"
}

while [ $# -gt 0 ]; do
  case "$1" in
    -n) RUNS=$2; shift 2 ;;
    -d) DURATION=$2; shift 2 ;;
    -c) CONNS=$2; shift 2 ;;
    -t) THREADS=$2; shift 2 ;;
    -p) PEERS=$2; shift 2 ;;
    -P) BASE_PORT=$2; shift 2 ;;
    -H) CAND_HOST=$2; shift 2 ;;
    -o) OUTFILE=$2; shift 2 ;;
    -k) KEEP=1; shift ;;
    --summary) summarize "$2"; exit 0 ;;
    --cmd) CAND_CMD=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    -*) echo "unknown option $1" >&2; usage 2 ;;
    *) CAND_URL=$1; shift ;;
  esac
done

PEERS=${PEERS:-direct nginx haproxy caddy h2o ebb}
[ -n "$CAND_CMD" ] && [ -z "$CAND_URL" ] && { echo "--cmd needs CANDIDATE_URL" >&2; exit 2; }
# Missing tools and peers come from Debian, as install-peers.sh installs them.
need=()
for t in wrk taskset curl awk ss python3; do command -v "$t" >/dev/null || need+=("$t"); done
for p in nginx haproxy caddy h2o; do
  [[ " $PEERS " == *" $p "* ]] && ! command -v "$p" >/dev/null && need+=("$p")
done
RELAYS=0
[[ " $PEERS " == *" relay-"* ]] && RELAYS=1
if [ "$RELAYS" = 1 ]; then
  command -v g++ >/dev/null || need+=(g++)
  [ -f /usr/include/liburing.h ] || need+=(liburing-dev)
  [ -f /usr/include/boost/asio.hpp ] || need+=(libboost-dev)
fi
if [ ${#need[@]} -gt 0 ]; then
  pkgs=$(printf '%s\n' "${need[@]}" | sed 's/^ss$/iproute2/; s/^taskset$/util-linux/' | sort -u)
  echo "installing: $pkgs" >&2
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $pkgs >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $pkgs >/dev/null; }
fi
source "$(dirname "$0")/lib.sh"
SRC=$BENCH_SRC
bench_binaries

BP=$BASE_PORT
declare -A PORT=([nginx]=$((BP+1)) [haproxy]=$((BP+2)) [caddy]=$((BP+3)) [h2o]=$((BP+4))
                 [relay-epoll]=$((BP+5)) [relay-uring]=$((BP+6)) [relay-asio]=$((BP+7))
                 [relay-uring-http]=$((BP+8)))

WORK=$(mktemp -d -t proxy-peers.XXXXXX)
chmod 755 "$WORK"   # nginx workers may run as nobody
PIDS=()
tree_pids() { # PID -> PID and all its live descendants
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { par[$1]=$2 }
    END { for (p in par) { q=p; for (i=0; i<64 && q!=root && (q in par); i++) q=par[q];
                           if (q==root) print p } }'
}
cpu_ns() { # PID [EXCLUDED_PID] -> on-CPU ns of it, its descendants and all their threads,
  local p t a s=0 skip=" "  # except EXCLUDED_PID's tree (ebb's instance is the backend)
  [ -n "${2:-}" ] && skip=" $(tree_pids "$2" | tr '\n' ' ')"
  for p in $(tree_pids "$1"); do
    [[ "$skip" == *" $p "* ]] && continue
    for t in /proc/"$p"/task/*/schedstat; do read -r a _ 2>/dev/null <"$t" && s=$((s + a)); done
  done
  echo "$s"
}
cleanup() {
  local p all
  all=$(for p in "${PIDS[@]}"; do tree_pids "$p"; done)
  for p in $all; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in $all; do kill -9 "$p" 2>/dev/null || true; done
  if [ "$KEEP" = 1 ]; then echo "work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_http() { # url [host]
  local i hdr=()
  [ -n "${2:-}" ] && hdr=(-H "Host: $2")
  for i in $(seq 1 100); do
    [[ "$(curl -s --max-time 1 "${hdr[@]}" "$1" 2>/dev/null)" == Hello* ]] && return 0
    sleep 0.1
  done
  echo "no 200 \"Hello...\" from $1 (see the *.out logs; -k keeps them)" >&2; return 1
}
declare -A ROLE_PID=()
start() { # name cpu cmd... ; runs in background, records PID
  local name=$1 cpu=$2; shift 2
  taskset -c "$cpu" "${PRIO[@]}" "$@" >"$WORK/$name.out" 2>&1 &
  PIDS+=($!); ROLE_PID[$name]=$!
}

mkdir -p "$WORK/tmp"
NGX_TEMPS="client_body_temp_path $WORK/tmp/body; proxy_temp_path $WORK/tmp/proxy;
  fastcgi_temp_path $WORK/tmp/fcgi; uwsgi_temp_path $WORK/tmp/uwsgi; scgi_temp_path $WORK/tmp/scgi;"

# ---- backend: one helloworld process -------------------------------------------
# With ebb among the peers it is ebb's own (warm) instance; otherwise a plain helloworld.
declare -A HOSTHDR=()
BACKEND_EXCLUDE=""  # the backend's pid inside ebb's process tree, excluded from ebb's CPU
if [[ " $PEERS " == *" ebb "* ]]; then
  mkdir -p "$WORK/ebb-home"
  bench_hello_service "$WORK/hello.yaml"
  HOME="$WORK/ebb-home" start ebb "$PROXY_CPU" "$EBB" serve --data-dir "$WORK/ebb-data" \
    --listen 127.0.0.1:0 --api-listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 -f "$WORK/hello.yaml"
  for _ in $(seq 1 200); do [ -s "$WORK/ebb-data/endpoints.json" ] && break; sleep 0.05; done
  [ -s "$WORK/ebb-data/endpoints.json" ] || { echo "ebb did not start (see $WORK/ebb.out)" >&2; exit 1; }
  GW=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gateway"])' \
       "$WORK/ebb-data/endpoints.json")
  HOSTHDR[ebb]=hello.default.example.com
  bpid=""
  for _ in $(seq 1 200); do
    bpid=""
    for p in $(tree_pids "${ROLE_PID[ebb]}"); do
      if [ "$(cat /proc/"$p"/comm 2>/dev/null)" = helloworld ]; then bpid=$p; break; fi
    done
    [ -n "$bpid" ] && break; sleep 0.05
  done
  [ -n "$bpid" ] || { echo "ebb started no helloworld instance (see $WORK/ebb.out)" >&2; exit 1; }
  BP=$(tr '\0' '\n' <"/proc/$bpid/environ" | sed -n 's/^PORT=//p')
  taskset -a -p -c "$BACKEND_CPU" "$bpid" >/dev/null
  ROLE_PID[backend]=$bpid; BACKEND_EXCLUDE=$bpid
  echo "# backend: ebb's instance, helloworld pid $bpid on 127.0.0.1:$BP; ebb gateway $GW" >&2
else
  port_busy "$BP" && { echo "port $BP in use; pick another with -P" >&2; exit 2; }
  PORT=$BP start backend "$BACKEND_CPU" "$HELLOWORLD"
  echo "# backend: helloworld pid ${ROLE_PID[backend]} on 127.0.0.1:$BP" >&2
fi
wait_http "http://127.0.0.1:$BP/"

# ---- peers ---------------------------------------------------------------------
declare -A URL=([direct]="http://127.0.0.1:$BP/")
for peer in $PEERS; do
  [ "$peer" = direct ] && continue
  if [ "$peer" = ebb ]; then  # started with the backend above
    URL[ebb]="http://$GW/"
    wait_http "${URL[ebb]}" "${HOSTHDR[ebb]}"
    continue
  fi
  pp=${PORT[$peer]:-}
  [ -n "$pp" ] || { echo "unknown peer $peer" >&2; exit 2; }
  port_busy "$pp" && { echo "port $pp in use; pick another base with -P" >&2; exit 2; }
  URL[$peer]="http://127.0.0.1:$pp/"
  case $peer in
    nginx)
      cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx.err warn;
events { worker_connections 4096; }
http {
  access_log off; $NGX_TEMPS
  keepalive_requests 1000000; keepalive_timeout 300s;
  upstream be { server 127.0.0.1:$BP; keepalive 64; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$pp;
    location / {
      proxy_pass http://be;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
      start nginx "$PROXY_CPU" nginx -e "$WORK/nginx.err" -p "$WORK" -c "$WORK/nginx.conf" -g 'daemon off;' ;;
    haproxy)
      cat >"$WORK/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 4096
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend fe
  bind 127.0.0.1:$pp
  default_backend be
backend be
  server s1 127.0.0.1:$BP
EOF
      start haproxy "$PROXY_CPU" haproxy -db -f "$WORK/haproxy.cfg" ;;
    caddy)
      mkdir -p "$WORK/caddy-home"
      cat >"$WORK/Caddyfile" <<EOF
{
  admin off
  auto_https off
  storage file_system $WORK/caddy-home/data
}
http://127.0.0.1:$pp {
  bind 127.0.0.1
  reverse_proxy 127.0.0.1:$BP
}
EOF
      HOME="$WORK/caddy-home" XDG_CONFIG_HOME="$WORK/caddy-home/config" XDG_DATA_HOME="$WORK/caddy-home/data" \
        start caddy "$PROXY_CPU" caddy run --config "$WORK/Caddyfile" --adapter caddyfile ;;
    relay-uring-http)
      lib=$(dirname "$(dirname "$EBB")")
      [ -f "$lib/libebb_gateway.a" ] || { echo "relay-uring-http: no libebb_gateway.a in $lib" >&2; exit 2; }
      g++ -O2 -std=c++20 -DEBB_GATEWAY_HTTP -DBOOST_ASIO_NO_DEPRECATED -DBOOST_ASIO_SEPARATE_COMPILATION \
        -DBOOST_BEAST_SEPARATE_COMPILATION -I "$SRC/src" "$SRC/bench/relay_floor.cc" \
        "$lib/libebb_gateway.a" "$lib/libebb_metrics.a" "$lib/libebb_tracing.a" "$lib/libebb_admin.a" \
        "$lib/libebb_config.a" "$lib/libebb_net.a" "$lib/libebb_common.a" -lyaml-cpp -lssl -lcrypto \
        -luring -pthread -o "$WORK/relay_floor_http" || { echo "cannot build relay_floor.cc" >&2; exit 1; }
      BACKEND_ADDR="127.0.0.1:$BP" start "$peer" "$PROXY_CPU" "$WORK/relay_floor_http" uring-http "$pp" ;;
    relay-*)
      if [ ! -x "$WORK/relay_floor" ]; then
        g++ -O2 -std=c++20 "$SRC/bench/relay_floor.cc" -o "$WORK/relay_floor" -luring -pthread ||
          { echo "cannot build relay_floor.cc" >&2; exit 1; }
      fi
      BACKEND_ADDR="127.0.0.1:$BP" start "$peer" "$PROXY_CPU" "$WORK/relay_floor" "${peer#relay-}" "$pp" ;;
    h2o)
      cat >"$WORK/h2o.conf" <<EOF
listen:
  host: 127.0.0.1
  port: $pp
num-threads: 1
hosts:
  default:
    paths:
      "/":
        proxy.reverse.url: "http://127.0.0.1:$BP/"
EOF
      start h2o "$PROXY_CPU" h2o -c "$WORK/h2o.conf" ;;
  esac
  wait_http "${URL[$peer]}"
done

TARGETS="$PEERS"
if [ -n "$CAND_URL" ]; then
  if [ -n "$CAND_CMD" ]; then
    export BACKEND_ADDR="127.0.0.1:$BP" BACKEND_PORT="$BP"
    start candidate "$PROXY_CPU" bash -c "$CAND_CMD"
  fi
  wait_http "$CAND_URL" "$CAND_HOST"
  URL[candidate]=$CAND_URL
  HOSTHDR[candidate]=$CAND_HOST
  TARGETS="$TARGETS candidate"
fi

# ---- measurement helpers -------------------------------------------------------
cat >"$WORK/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT %d %d %d %d %d %d %d %d %d %d %d %d\n",
    summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.min, latency.mean, summary.bytes))
end
EOF

HZ=$(getconf CLK_TCK)
# TCP connections to the backend port (any state; TIME-WAIT lasts 60 s, longer than a run), as
# their client-side "ip:port": the ones that were not there before a run were opened during it.
backend_conns() { ss -Htan "( dport = :$BP )" | awk '{ print $4 }' | sort -u; }
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }
# `times` must run in the shell that waited for wrk (not inside $(...)), so it writes to a file
times_ticks() { awk -v hz="$HZ" 'NR==2 { s=0; for (i=1;i<=2;i++) { v=$i; sub(/s$/,"",v); split(v,a,"m"); s+=a[1]*60+a[2] } print int(s*hz+0.5) }' "$1"; }

# run_wrk TARGET -> TSV: rps p50 p90 p99 p999 (us) errors proxy_us/req backend_us/req wrk_us/req other_procs_cpu%
#   backend_conns_opened (new connections the backend accepted during the run, from its stub_status:
#   the upstream keep-alive check)
# CPU per request comes from /proc schedstat (on-CPU time), so it is far less sensitive to other
# load on the machine than req/s and latency are.
run_wrk() {
  local target=$1 hdr=() out ppid bpid b0 b1 c0 c1 t0 t1 p0=0 p1=0 k0 k1 nc
  [ -n "${HOSTHDR[$target]:-}" ] && hdr=(-H "Host: ${HOSTHDR[$target]}")
  bpid=${ROLE_PID[backend]}; ppid=${ROLE_PID[$target]:-}
  backend_conns >"$WORK/conns0"; b0=$(busy_ticks); k0=$(cpu_ns "$bpid"); [ -n "$ppid" ] && p0=$(cpu_ns "$ppid" "$BACKEND_EXCLUDE"); times >"$WORK/times0"; t0=$(date +%s%N)
  out=$(taskset -c "$LG_CPU" "${PRIO[@]}" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" "${hdr[@]}" -s "$WORK/report.lua" "${URL[$target]}" 2>&1) \
    || { echo "wrk failed for $target: $out" >&2; return 1; }
  t1=$(date +%s%N); times >"$WORK/times1"; c0=$(times_ticks "$WORK/times0"); c1=$(times_ticks "$WORK/times1"); [ -n "$ppid" ] && p1=$(cpu_ns "$ppid" "$BACKEND_EXCLUDE"); k1=$(cpu_ns "$bpid"); b1=$(busy_ticks)
  backend_conns >"$WORK/conns1"; nc=$(comm -13 "$WORK/conns0" "$WORK/conns1" | wc -l)
  echo "$out" | awk -v b=$((b1-b0)) -v k=$((k1-k0)) -v p=$((p1-p0)) -v c=$((c1-c0)) -v ns=$((t1-t0)) -v hz="$HZ" -v nc="$nc" '
    /^RESULT/ { n=$2; rps=n/($3/1e6); if (n<1) n=1;
                other=(b/hz*1e9 - k - p - c/hz*1e9)/ns*100; if (other<0) other=0;
                printf "%.0f\t%d\t%d\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.0f\t%d\n", rps, $6, $7, $8, $9, $4+$5,
                       p/1e3/n, k/1e3/n, c/hz*1e6/n, other, nc; ok=1 }
    END { if (!ok) exit 1 }'
}

# ---- warm-up + interleaved rounds ----------------------------------------------
echo "# targets: $TARGETS | wrk -t$THREADS -c$CONNS -d$DURATION | cpus: lg=$LG_CPU proxy=$PROXY_CPU backend=$BACKEND_CPU | runs=$RUNS | sched=${SCHED:-none} | load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for tg in $TARGETS; do
  hdr=(); [ -n "${HOSTHDR[$tg]:-}" ] && hdr=(-H "Host: ${HOSTHDR[$tg]}")
  taskset -c "$LG_CPU" "${PRIO[@]}" wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "${hdr[@]}" "${URL[$tg]}" >/dev/null 2>&1 || true
done
RES="$WORK/results.tsv"
printf "target\trun\trps\tp50_us\tp90_us\tp99_us\tp999_us\terrors\tproxy_cpu_us_per_req\tbackend_cpu_us_per_req\twrk_cpu_us_per_req\tother_procs_cpu_pct\tbackend_conns_opened\n" >"$RES"
for r in $(seq 1 "$RUNS"); do
  for tg in $TARGETS; do
    line=$(run_wrk "$tg")
    printf "%s\t%s\t%s\n" "$tg" "$r" "$line" | tee -a "$RES" >&2
  done
done
[ -n "$OUTFILE" ] && cp "$RES" "$OUTFILE"

summarize "$RES" "$TARGETS"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) | sched=${SCHED:-none}"
