#!/usr/bin/env bash
# `ebb load` end to end: an open-loop run against an ebb service (routed by the Host header), runs
# against a plain nginx (open loop, closed loop, the json report), and the --plot page rendered
# by headless Chromium: the chart must have drawn OK points, error points and instance counts,
# and a screenshot is saved (copied to $EBB_ARTIFACTS when set).
source "$(dirname "$0")/lib.sh"

NGINX_PID=""
stop_nginx() {
  [ -n "$NGINX_PID" ] || return 0
  kill "$NGINX_PID" 2>/dev/null || true
  wait "$NGINX_PID" 2>/dev/null || true
  NGINX_PID=""
}
trap 'stop_nginx; cleanup' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# field TEXT_REPORT LABEL: the values column of a text report line ("Requests" -> "300, 100.33, …").
field() { sed -n "s/^$2 *\[[^]]*\] *//p" "$1"; }

cat >"$WORK/config.yaml" <<'YAML'
autoscaler:
  stable-window: 6s
  scale-to-zero-grace-period: 1s
YAML
start_ebb --config "$WORK/config.yaml"
K() { kubectl --request-timeout=20s "$@"; }
pods() { { K get pods -l "serving.knative.dev/service=$1" -o name 2>/dev/null || true; } | wc -l; }
no_pods() { test "$(pods "$1")" = 0; }
cat >"$WORK/hello.yaml" <<YAML
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: helloworld}
spec:
  template:
    spec:
      containers: [{image: "$EBB_BIN/helloworld"}]
YAML
K apply -f "$WORK/hello.yaml" >/dev/null
check "helloworld Ready" K wait --for=condition=Ready ksvc/helloworld --timeout=30s

log "ebb service: --rate 100/1s --duration 3s with the Host header"
"$EBB" load "http://$GATEWAY/" -H "Host: helloworld.default.example.com" --rate 100/1s \
  --duration 3s >"$WORK/ebb.txt" 2>"$WORK/ebb.err"
cat "$WORK/ebb.txt"
expect_eq "report starts with Requests" "Requests" "$(head -c 8 "$WORK/ebb.txt")"
expect_eq "300 requests" "300" "$(field "$WORK/ebb.txt" Requests | cut -d, -f1)"
expect_eq "attack lasted 2.99s" "2.99s" "$(field "$WORK/ebb.txt" Duration | cut -d, -f2 | tr -d ' ')"
expect_eq "all 200" "200:300" "$(field "$WORK/ebb.txt" 'Status Codes' | tr -d ' ')"
expect_eq "success 100%" "100.00%" "$(field "$WORK/ebb.txt" Success)"
expect_eq "empty error set" "Error Set:" "$(tail -n 1 "$WORK/ebb.txt")"
expect_eq "no progress line without a terminal" "" "$(cat "$WORK/ebb.err")"

log "plain nginx on a free port"
NPORT=$(free_port)
NGX="$WORK/nginx"
mkdir -p "$NGX"
cat >"$NGX/nginx.conf" <<CONF
worker_processes 1;
pid $NGX/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $NGX/client_body;
  proxy_temp_path $NGX/proxy;
  fastcgi_temp_path $NGX/fastcgi;
  uwsgi_temp_path $NGX/uwsgi;
  scgi_temp_path $NGX/scgi;
  server {
    listen 127.0.0.1:$NPORT;
    location / { return 200 "hello from nginx\n"; }
  }
}
CONF
nginx -e "$NGX/error.log" -p "$NGX" -c "$NGX/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
check "nginx answers" retry 10 curl -sf "http://127.0.0.1:$NPORT/"
"$EBB" load "http://127.0.0.1:$NPORT/" --rate 200/1s --duration 2s >"$WORK/nginx.txt"
expect_eq "nginx: 400 requests" "400" "$(field "$WORK/nginx.txt" Requests | cut -d, -f1)"
expect_eq "nginx: all 200" "200:400" "$(field "$WORK/nginx.txt" 'Status Codes' | tr -d ' ')"
expect_eq "nginx: 17 bytes a response" "6800, 17.00" "$(field "$WORK/nginx.txt" 'Bytes In')"
"$EBB" load "http://127.0.0.1:$NPORT/" -c 4 -n 2000 >"$WORK/closed.txt"
expect_eq "nginx closed loop: 2000 × 200" "200:2000" "$(field "$WORK/closed.txt" 'Status Codes' | tr -d ' ')"
"$EBB" load --url "http://127.0.0.1:$NPORT/" --rate 100 --duration 1s --report json \
  --output "$WORK/results.json" >"$WORK/nginx.json"
keys=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))
print(",".join(j), ",".join(j["latencies"]), j["requests"], j["status_codes"], j["errors"], j["success"])' "$WORK/nginx.json")
expect_eq "json report: Vegeta's keys and values" \
  "latencies,bytes_in,bytes_out,earliest,latest,end,duration,wait,requests,rate,throughput,success,status_codes,errors total,mean,50th,90th,95th,99th,max,min 100 {'200': 100} [] 1" \
  "$keys"
"$EBB" load report --type 'hist[0,1ms,10ms,100ms]' "$WORK/results.json" >"$WORK/hist.txt"
expect_eq "hist from the saved results" "Bucket" "$(head -n 1 "$WORK/hist.txt" | cut -c1-6)"
expect_eq "hist rows" "4" "$(grep -c '^\[' "$WORK/hist.txt")"
stop_nginx

log "plot: from zero instances, OK and error points, instance counts"
check "helloworld back at zero" retry 40 no_pods helloworld
printf 'GET http://%s/\nHost: helloworld.default.example.com\n\nGET http://%s/\nHost: nope.default.example.com\n' \
  "$GATEWAY" "$GATEWAY" >"$WORK/targets.txt"
"$EBB" load --targets "$WORK/targets.txt" --rate 40/1s --duration 4s --plot "$WORK/plot.html" \
  --data-dir "$DATA" >"$WORK/plot.txt" 2>"$WORK/plot.err"
cat "$WORK/plot.txt" "$WORK/plot.err"
expect_eq "mixed codes" "200:80404:80" "$(field "$WORK/plot.txt" 'Status Codes' | tr -d ' ')"
check "plot written" test -s "$WORK/plot.html"
CHROME=(chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars
        --virtual-time-budget=5000)
timeout 90 "${CHROME[@]}" --dump-dom "file://$WORK/plot.html" >"$WORK/dom.html" 2>"$WORK/chromium.log" || true
attr() { grep -o "$1=\"[0-9a-z]*\"" "$WORK/dom.html" | head -n 1 | cut -d'"' -f2; }
expect_eq "the page's script drew the chart" "true" "$(attr data-drawn)"
ok=$(attr data-ok-points); err=$(attr data-error-points); inst=$(attr data-instance-points)
check "OK points drawn ($ok)" test "${ok:-0}" -ge 80
check "error points drawn ($err)" test "${err:-0}" -ge 80
check "instance samples drawn ($inst)" test "${inst:-0}" -ge 4
expect_eq "one OK circle per point (+ legend)" "$((ok + 1))" "$(grep -o 'class="ok"' "$WORK/dom.html" | wc -l)"
expect_eq "one error circle per point (+ legend)" "$((err + 1))" "$(grep -o 'class="err"' "$WORK/dom.html" | wc -l)"
check "instance lines drawn" grep -q 'class="ready"' "$WORK/dom.html"
timeout 90 "${CHROME[@]}" --screenshot="$WORK/plot.png" --window-size=1200,700 \
  "file://$WORK/plot.html" >>"$WORK/chromium.log" 2>&1 || true
check "screenshot saved" test -s "$WORK/plot.png"
if [ -n "${EBB_ARTIFACTS:-}" ] && [ -s "$WORK/plot.png" ]; then
  mkdir -p "$EBB_ARTIFACTS"
  cp "$WORK/plot.png" "$EBB_ARTIFACTS/e2e_load_plot.png"
  cp "$WORK/plot.html" "$EBB_ARTIFACTS/e2e_load_plot.html"
fi
[ "$FAILS" -eq 0 ] || { echo "--- chromium log"; tail -n 20 "$WORK/chromium.log"; }

finish
