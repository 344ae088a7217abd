#!/usr/bin/env bash
# The live dashboard end to end: ebb serves the page and its JSON on the admin listener; with
# helloworld under load (steady traffic, a scale to zero, then a cold-start burst) headless
# Chromium runs the page in real time, and the DOM must show charts holding data (requests,
# latency, instances, concurrency, cold starts), the trace timeline drawing spans, the overview
# tables and an instance's log. A screenshot is saved (and copied to $EBB_ARTIFACTS when set).
# The Grafana dashboards are checked against a real scrape of /metrics (and, when Debian's
# prometheus is installed, every expression is run through a real Prometheus).
source "$(dirname "$0")/lib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "missing chromium (scripts/test-deps.sh installs it)"; exit 1; }
GRAFANA="$EBB_SRC/dashboards/grafana"
REV=helloworld-00001
HOST="Host: helloworld.default.example.com"
LOAD_PIDS=()
PROM_PID=""

stop_background() {
  local p
  for p in "${LOAD_PIDS[@]}" $PROM_PID; do kill "$p" 2>/dev/null || true; done
  for p in "${LOAD_PIDS[@]}" $PROM_PID; do wait "$p" 2>/dev/null || true; done
  LOAD_PIDS=()
  PROM_PID=""
}
trap 'stop_background; cleanup' EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
admin() { curl -s --max-time 10 "http://$ADMIN$1"; }
admin_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://$ADMIN$1"; }
hello() { curl -s -o /dev/null --max-time 30 -H "$HOST" "http://$GATEWAY/${1:-}" || true; }
# jq-like reads of /api/overview: py EXPR with `o` bound to the overview.
overview() { admin /api/overview | python3 -c "import json,sys; o=json.load(sys.stdin); print($1)"; }
pods_of() { overview "len([i for i in o['instances'] if i['revision'] == '$1'])"; }
no_pods() { test "$(pods_of "$REV")" = 0; }

# Tracing on for every request; spans go to a closed port (export failures are only counted),
# and /api/traces keeps the last ones in memory. Short windows so that the revision goes back to
# zero within seconds of the load stopping.
cat >"$WORK/config.yaml" <<YAML
autoscaler:
  stable-window: 6s
  scale-to-zero-grace-period: 1s
tracing:
  backend: zipkin
  zipkin-endpoint: http://127.0.0.1:$(free_port)/api/v2/spans
  sample-rate: "1"
YAML
start_ebb --config "$WORK/config.yaml"
K() { kubectl --request-timeout=20s "$@"; }

log "the page and its JSON on the admin listener"
page=$(admin /dashboard)
expect_contains "/dashboard is the page" "<!doctype html>" "$page"
expect_contains "scripts are inlined" "const Prom = " "$page"
check "no external script or stylesheet" bash -c '! grep -qE "<script src=|<link rel=\"stylesheet\"" <<<"$1"' _ "$page"
expect_eq "/ is the page too" "$(admin /dashboard | md5sum)" "$(admin / | md5sum)"
expect_eq "empty overview" "0 0 0" "$(overview "len(o['services']), len(o['revisions']), len(o['instances'])" | tr -d '(),')"
expect_eq "/api/logs without pod → 400" "400" "$(admin_code /api/logs)"
expect_eq "/api/logs unknown pod → 404" "404" "$(admin_code '/api/logs?pod=nope')"
expect_eq "admin is read-only" "405" "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://$ADMIN/api/overview")"

log "helloworld (prints a line at start, for the log view) and an rps-scaled service"
cat >"$WORK/services.yaml" <<YAML
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: helloworld}
spec:
  template:
    spec:
      containers:
        - image: helloworld
          command: ["/bin/sh", "-c", "echo \"helloworld starting as \$K_REVISION\"; exec $EBB_BIN/helloworld"]
          env: [{name: TARGET, value: Dashboard}]
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: rps}
spec:
  template:
    metadata:
      annotations: {autoscaling.knative.dev/metric: rps, autoscaling.knative.dev/target: "50"}
    spec:
      containers: [{image: "$EBB_BIN/helloworld"}]
YAML
K apply -f "$WORK/services.yaml" >/dev/null
check "helloworld Ready" K wait --for=condition=Ready ksvc/helloworld --timeout=60s
check "rps Ready" K wait --for=condition=Ready ksvc/rps --timeout=60s
curl -s -o /dev/null --max-time 30 -H "Host: rps.default.example.com" "http://$GATEWAY/" || true
check "a cold start before the page opens" retry 30 no_pods
expect_eq "cold request served" "Hello Dashboard!" "$(curl -s --max-time 30 -H "$HOST" "http://$GATEWAY/")"

log "/api/overview and /api/logs"
expect_eq "service ready, with URL" "True http://helloworld.default.example.com" \
  "$(overview "o['services'][0]['ready'], o['services'][0]['url']" | tr -d "(),'")"
expect_eq "revision takes 100 %" "100" \
  "$(overview "[r['trafficPercent'] for r in o['revisions'] if r['name'] == '$REV'][0]")"
pod=$(overview "[i['name'] for i in o['instances'] if i['revision'] == '$REV'][0]") || pod=none
expect_eq "instance running and ready" "Running True 0" \
  "$(overview "[(i['state'], i['ready'], i['restarts']) for i in o['instances'] if i['name'] == '$pod'][0]" | tr -d "(),'")"
check "instance log holds its start line" retry 10 bash -c \
  'curl -s "http://$1/api/logs?pod=$2&tail=5" | grep -q "helloworld starting as $3"' _ "$ADMIN" "$pod" "$REV"

log "traffic while the page runs: steady load, back to zero, a cold-start burst, steady again"
# The traffic starts once the page has scraped twice (the driver creates $MARK then), so that the
# page's history holds all of it however long Chromium takes to start.
MARK="$WORK/page-polling"
steady() {  # steady SECONDS: three clients in a loop
  local end=$((SECONDS + $1)) c
  for c in 1 2 3; do
    (while [ $SECONDS -lt $end ]; do hello "?sleep=$((c * 15))"; done) &
    LOAD_PIDS+=($!)
  done
}
cold_starts() {  # completed cold starts of $REV so far
  admin /metrics | awk -v r="revision_name=\"$REV\"" \
    '/^ebb_cold_start_seconds_count/ && index($0, r) { n += $NF } END { print n + 0 }'
}
(
  for _ in $(seq 1 900); do [ -e "$MARK" ] && break; sleep 0.1; done
  steady 14
  wait
  # The burst must meet the revision at zero. On a busy machine scaling down can take longer
  # than one wait, and a burst that meets a live instance is no cold start: then wait and
  # burst again (the page waits for a point on the cold-start chart).
  for attempt in 1 2 3; do
    before=$(cold_starts)
    for _ in $(seq 1 600); do no_pods && break; sleep 0.1; done
    seq 20 | xargs -P 20 -I{} curl -s -o /dev/null --max-time 30 -H "$HOST" \
      "http://$GATEWAY/?sleep=100" || true
    [ "$(cold_starts)" -gt "$before" ] && break
    echo "cold-start burst $attempt met no cold start (pods: $(pods_of "$REV")); again" >&2
  done
  steady 20
  wait
) >/dev/null 2>"$WORK/load.err" &
LOAD_PIDS+=($!)

# The page is ready when every chart that traffic feeds holds points, the cold-start chart has
# seen the burst, and a trace is drawn. The value is saved whatever happens.
read -r -d '' WAIT_JS <<'JS' || true
(() => {
  const pts = (id) => {
    const svg = document.querySelector(`[data-chart="${id}"] svg`);
    return svg ? Number(svg.getAttribute('data-points')) : -1;
  };
  const attr = (id, name) => Number((document.getElementById(id) || {getAttribute: () => -1}).getAttribute(name));
  const r = {
    scrapes: Number(document.body.getAttribute('data-scrapes')),
    requests: pts('requests'), latency: pts('latency'), inflight: pts('inflight'),
    instances: pts('instances'), concurrency: pts('concurrency'), panic: pts('panic'),
    queue: pts('queue'), coldstarts: pts('coldstarts'), coldLatency: pts('coldstart-latency'),
    coldPhases: pts('coldstart-phases'),
    traces: attr('trace-list', 'data-traces'), spans: attr('trace-timeline', 'data-spans'),
    revisionRows: document.querySelectorAll('#revisions tr[data-revision]').length,
    instanceRows: document.querySelectorAll('#instances tr[data-pod]').length,
    logLines: attr('log-output', 'data-lines'),
    selected: document.getElementById('revision-select').value,
    live: document.getElementById('live').className,
  };
  r.ready = r.requests >= 40 && r.latency >= 10 && r.instances >= 40 && r.concurrency >= 10 &&
    r.panic >= 10 && r.queue >= 10 && r.coldLatency >= 1 && r.spans >= 2 &&
    r.revisionRows >= 2 && r.instanceRows >= 1 && r.logLines >= 1;
  return r;
})()
JS

SHOT="$WORK/dashboard.png"
rc=0
python3 "$EBB_SRC/tests/chromium_cdp.py" --chromium "$CHROMIUM" \
  --url "http://$ADMIN/dashboard#rev=default/$REV" --wait-js "$WAIT_JS" --timeout 150 \
  --mark-file "$MARK" --mark-js "Number(document.body.getAttribute('data-scrapes')) >= 2" \
  --dom "$WORK/dom.html" --eval-json "$WORK/page.json" --screenshot "$SHOT" \
  --full-screenshot "$WORK/dashboard-full.png" --size 1400x1000 || rc=$?
echo "page: $(cat "$WORK/page.json" 2>/dev/null)"
[ -s "$WORK/load.err" ] && sed 's/^/    load: /' "$WORK/load.err"
expect_eq "page reached its ready state in Chromium" "0" "$rc"
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$WORK/page.json" "$1"; }
at_least() { local v; v=$(field "$1" 2>/dev/null) || v=-1; check "$1 = $v ≥ $2" test "$v" -ge "$2"; }
expect_eq "charted revision" "default/$REV" "$(field selected)"
at_least requests 40
at_least latency 10
at_least instances 40
at_least concurrency 10
at_least panic 10
at_least queue 10
at_least coldLatency 1
at_least spans 2
at_least revisionRows 2
at_least instanceRows 1
at_least logLines 1
expect_contains "polling is live" "up" "$(field live)"
# The same from the saved DOM: chart <svg data-points> and the timeline's rows.
check "DOM: every chart has an svg with data-points" python3 - "$WORK/dom.html" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
charts = re.findall(r'data-chart="([^"]+)".*?<svg[^>]*data-points="(\d+)"', dom, re.S)
print("   ", dict(charts))
sys.exit(0 if len(charts) >= 12 and sum(int(n) > 0 for _, n in charts) >= 10 else 1)
PY
check "DOM: the timeline draws span bars" python3 - "$WORK/dom.html" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
bars = re.findall(r'class="span-bar"[^>]*style="[^"]*left: [0-9.]+%; width: [0-9.]+%', dom)
names = set(re.findall(r'class="span-name">([^<]+)<', dom))
print("   ", len(bars), "bars:", sorted(names))
sys.exit(0 if len(bars) >= 2 and "gateway" in names else 1)
PY
check "screenshot saved ($SHOT)" test -s "$SHOT"
if [ -n "${EBB_ARTIFACTS:-}" ]; then
  mkdir -p "$EBB_ARTIFACTS"
  cp "$SHOT" "$WORK/dashboard-full.png" "$EBB_ARTIFACTS/" && echo "screenshots in $EBB_ARTIFACTS"
fi
stop_background

log "Grafana dashboards against a real scrape"
admin /metrics >"$WORK/metrics.txt" || true
check "Grafana JSON parses, is generated, names only scraped metrics" \
  python3 "$GRAFANA/check_promql.py" --generated --scrape "$WORK/metrics.txt" \
  "$GRAFANA/ebb-revision.json" "$GRAFANA/ebb-scaling.json"
if command -v prometheus >/dev/null; then
  PROM="127.0.0.1:$(free_port)"
  mkdir -p "$WORK/prom"
  cat >"$WORK/prom/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: ebb
    static_configs: [{targets: ["$ADMIN"]}]
YAML
  prometheus --config.file="$WORK/prom/prometheus.yml" --storage.tsdb.path="$WORK/prom/tsdb" \
    --web.listen-address="$PROM" >"$WORK/prom/log" 2>&1 &
  PROM_PID=$!
  prom_query() {
    curl -s --max-time 5 --get --data-urlencode "query=$1" "http://$PROM/api/v1/query"
  }
  check "Prometheus scrapes ebb" retry 30 bash -c \
    'curl -s "http://$1/api/v1/query?query=up" | grep -q "\"value\":\[[0-9.]*,\"1\"\]"' _ "$PROM"
  { python3 "$GRAFANA/check_promql.py" --list-exprs "$GRAFANA"/ebb-*.json || true; } |
    sed -n 's/^EXPR //p' >"$WORK/exprs.txt"
  bad=0
  while IFS= read -r expr; do
    out=$(prom_query "$expr") || out="(no answer)"
    [[ "$out" == *'"status":"success"'* ]] || { bad=$((bad + 1)); echo "    $expr → $out"; }
  done <"$WORK/exprs.txt"
  expect_eq "Prometheus accepts all $(wc -l <"$WORK/exprs.txt") Grafana expressions" "0" "$bad"
  stop_background
else
  echo "skip: prometheus not installed (the PromQL syntax check needs it)"
fi

finish
