#!/usr/bin/env bash
# /metrics end to end: a real Prometheus (Debian's package) scrapes ebb's admin listener every
# second while helloworld takes exactly one cold start and N requests; Prometheus's query API
# must then show the request counter at N, the cold-start histograms at one observation, and
# promtool must find the exposition clean. Last, metrics-protocol: none turns /metrics off.
source "$(dirname "$0")/lib.sh"

N=37
REV=helloworld-00001
SEL="namespace_name=\"default\",revision_name=\"$REV\""
for tool in prometheus promtool curl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (scripts/test-deps.sh installs it)"; exit 1; }
done

PROM_PID=""
stop_prometheus() {
  [ -n "$PROM_PID" ] || return 0
  kill "$PROM_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$PROM_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$PROM_PID" 2>/dev/null || true
  wait "$PROM_PID" 2>/dev/null || true
  PROM_PID=""
}
trap 'stop_prometheus; cleanup' EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_prometheus TARGET: scrapes http://TARGET/metrics every second into a temporary TSDB.
start_prometheus() {
  PROM="127.0.0.1:$(free_port)"
  mkdir -p "$WORK/prom"
  cat >"$WORK/prom/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: ebb
    metrics_path: /metrics
    static_configs: [{targets: ["$1"]}]
YAML
  promtool check config "$WORK/prom/prometheus.yml" >/dev/null
  prometheus --config.file="$WORK/prom/prometheus.yml" --storage.tsdb.path="$WORK/prom/tsdb" \
    --web.listen-address="$PROM" --web.console.templates="$WORK/prom" \
    --web.console.libraries="$WORK/prom" >"$WORK/prom/prometheus.log" 2>&1 &
  PROM_PID=$!
}

# query EXPR: the value of an instant query's first sample, or "" if there is none.
query() {
  curl -s --max-time 2 --get --data-urlencode "query=$1" "http://$PROM/api/v1/query" |
    python3 -c 'import json,sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")' 2>/dev/null || true
}
# prom_is EXPR WANT: true once Prometheus answers WANT for EXPR.
prom_is() { [ "$(query "$1")" = "$2" ]; }

cat >"$WORK/config.yaml" <<'YAML'
autoscaler:
  stable-window: 6s
  scale-to-zero-grace-period: 1s
YAML
start_ebb --config "$WORK/config.yaml"
start_prometheus "$ADMIN"
K() { kubectl --request-timeout=20s "$@"; }
HOST="Host: helloworld.default.example.com"
no_pods() { test "$({ K get pods -o name 2>/dev/null || true; } | wc -l)" = 0; }

log "deploy helloworld and let it scale to zero"
K apply -f "$EBB_SRC/samples/helloworld/service.yaml" >/dev/null
check "service Ready" K wait --for=condition=Ready ksvc/helloworld --timeout=30s
check "scaled to zero" retry 30 no_pods

log "one cold start, then $N requests in all"
codes=""
for _ in $(seq 1 "$N"); do
  codes+="$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 -H "$HOST" "http://$GATEWAY/") "
done
expect_eq "$N × 200" "$N" "$(echo "$codes" | tr ' ' '\n' | grep -c '^200$')"

log "what Prometheus scraped"
check "prometheus scrapes ebb (up == 1)" retry 30 prom_is 'up{job="ebb"}' 1
check "request counter = $N" retry 30 prom_is "sum(revision_request_count{$SEL})" "$N"
expect_eq "all 200 (class 2xx)" "$N" \
  "$(query "sum(revision_request_count{$SEL,response_code=\"200\",response_code_class=\"2xx\"})")"
expect_eq "latency histogram count = $N" "$N" "$(query "sum(revision_request_latencies_count{$SEL})")"
expect_eq "service and configuration labels" "$N" \
  "$(query "sum(revision_request_count{$SEL,service_name=\"helloworld\",configuration_name=\"helloworld\"})")"
expect_eq "the cold request waited in the activator queue" "1" \
  "$(query "sum(activator_request_count{$SEL})")"
check "cold starts counted: 1" retry 10 prom_is "ebb_cold_start_seconds_count{$SEL}" 1
for phase in spawn ready first_byte; do
  expect_eq "cold-start $phase phase observed once" "1" \
    "$(query "ebb_cold_start_${phase}_seconds_count{$SEL}")"
done
phases=$(query "ebb_cold_start_spawn_seconds_sum{$SEL} + ebb_cold_start_ready_seconds_sum{$SEL} + ebb_cold_start_first_byte_seconds_sum{$SEL}")
total=$(query "ebb_cold_start_seconds_sum{$SEL}")
check "phases add up to the total ($phases s vs $total s)" \
  python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(not (b > 0 and abs(a - b) < 1e-6))" \
  "$phases" "$total"
expect_eq "queue wait observed once" "1" "$(query "ebb_activator_queue_wait_seconds_count{$SEL}")"
check "autoscaler gauges scraped" retry 10 prom_is "autoscaler_requested_pods{$SEL} >= bool 0" 1
check "process metrics scraped" retry 10 prom_is 'process_resident_memory_bytes{job="ebb"} > bool 0' 1

log "the exposition itself"
curl -s -D "$WORK/headers" -o "$WORK/scrape.txt" "http://$ADMIN/metrics"
expect_contains "content type" "text/plain; version=0.0.4" "$(cat "$WORK/headers")"
if promtool check metrics <"$WORK/scrape.txt" >"$WORK/promtool.out" 2>&1; then lint=clean; else lint=$(cat "$WORK/promtool.out"); fi
expect_eq "promtool check metrics" "clean" "$lint"
for name in revision_request_latencies_bucket autoscaler_desired_pods autoscaler_panic_mode \
    ebb_instances ebb_cold_start_first_byte_seconds_bucket process_cpu_seconds_total \
    ebb_gateway_requests_total; do
  expect_contains "exposes $name" "$name" "$(cat "$WORK/scrape.txt")"
done
stop_prometheus

log "metrics-protocol: none"
stop_ebb
cat >>"$WORK/config.yaml" <<'YAML'
observability:
  metrics-protocol: none
YAML
start_ebb --config "$WORK/config.yaml"
expect_eq "/metrics is 404" "404" \
  "$(curl -s -o /dev/null -w '%{http_code}' "http://$ADMIN/metrics")"
finish
