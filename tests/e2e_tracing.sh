#!/usr/bin/env bash
# Tracing and the request log end to end: ebb serve with config-tracing backend zipkin at
# sample-rate 1 sends its spans to a Zipkin v2 receiver (tests/zipkin_receiver.py, which checks
# each span against zipkin2-api.yaml); requests arrive with a W3C traceparent, a B3 single
# header, B3 multi headers, none, and a B3 "do not sample"; the helloworld app shows what it
# received (/headers). Checked: the trace continues (traceId, parentId), the chain gateway →
# throttler_try (the first, cold request) → proxy, every span's fields, the propagated context
# the app got (traceparent and X-B3-* carrying the proxy span's id), /api/traces on the admin
# port, and the request log (Knative's default template) on ebb's standard output.
source "$(dirname "$0")/lib.sh"

PY=$(python3 -c 'import sys; print(sys.executable)')
"$PY" "$EBB_SRC/tests/zipkin_receiver.py" "$WORK/zipkin.port" >"$WORK/zipkin.log" 2>&1 &
ZIPKIN_PID=$!
trap 'kill "$ZIPKIN_PID" 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 100); do [ -s "$WORK/zipkin.port" ] && break; sleep 0.05; done
ZIPKIN="http://127.0.0.1:$(cat "$WORK/zipkin.port")"

cat >"$WORK/config.yaml" <<YAML
autoscaler:
  stable-window: 6s
  scale-to-zero-grace-period: 1s
tracing:
  backend: zipkin
  zipkin-endpoint: $ZIPKIN/api/v2/spans
  sample-rate: "1"
observability:
  logging.enable-request-log: "true"
YAML
start_ebb --config "$WORK/config.yaml"
K() { kubectl --request-timeout=20s "$@"; }
HOST="Host: tracehello.default.example.com"
REVISION=tracehello-00001
hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
pods() {
  { K get pods -l serving.knative.dev/service=tracehello -o name 2>/dev/null || true; } | wc -l
}
no_pods() { test "$(pods)" = 0; }
# headers NAME [curl args...]: GET /headers; the head the app received goes to $WORK/NAME.
headers() {
  local name=$1; shift
  curl -s --max-time 30 -o "$WORK/$name" -w '%{http_code}' -H "$HOST" "$@" \
    "http://$GATEWAY/headers"
}
# field NAME FIELD: the value of FIELD (any case) in what the app received, "" if absent.
field() { grep -i "^$2:" "$WORK/$1" | head -1 | cut -d: -f2- | tr -d ' \r'; }
count() { grep -ci "^$2:" "$WORK/$1" || true; }

log "deploy at zero"
cat >"$WORK/service.yaml" <<YAML
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: tracehello}
spec:
  template:
    spec:
      containers: [{image: "$EBB_BIN/helloworld"}]
YAML
K apply -f "$WORK/service.yaml" >/dev/null
check "service Ready" K wait --for=condition=Ready ksvc/tracehello --timeout=30s
check "scaled to zero" retry 40 no_pods

log "requests with and without incoming context"
START_US=$(( ($(date +%s) - 2) * 1000000 ))
T1=$(hex 16); P1=$(hex 8)
expect_eq "cold request with traceparent" 200 \
  "$(headers w3c -H "traceparent: 00-$T1-$P1-01" -H "tracestate: vendor=x")"
T2=$(hex 8); P2=$(hex 8)
expect_eq "B3 single, 64-bit trace id" 200 "$(headers b3single -H "b3: $T2-$P2-1")"
T3=$(hex 16); P3=$(hex 8)
expect_eq "B3 multi" 200 "$(headers b3multi -H "X-B3-TraceId: $T3" -H "X-B3-SpanId: $P3" \
  -H "X-B3-Sampled: 1")"
expect_eq "no context" 200 "$(headers none)"
expect_eq "B3 do-not-sample" 200 "$(headers deny -H "b3: 0")"
T4=$(field none X-B3-TraceId)
T5=$(field deny X-B3-TraceId)

log "what the app received"
for name in w3c b3single b3multi none deny; do
  expect_eq "$name: one traceparent" 1 "$(count "$name" traceparent)"
  for f in X-B3-TraceId X-B3-SpanId X-B3-ParentSpanId; do
    expect_eq "$name: one $f" 1 "$(count "$name" "$f")"
  done
  expect_eq "$name: no b3 single header" 0 "$(count "$name" b3)"
  tp=$(field "$name" traceparent)
  expect_eq "$name: traceparent carries X-B3-SpanId" \
    "$(field "$name" X-B3-SpanId)" "$(echo "$tp" | cut -d- -f3)"
done
expect_eq "w3c: trace id kept" "$T1" "$(field w3c X-B3-TraceId)"
expect_contains "w3c: traceparent continues the trace, sampled" "00-$T1-" "$(field w3c traceparent)"
expect_eq "w3c: sampled" "1" "$(field w3c X-B3-Sampled)"
check "w3c: a new span id, not the caller's" test "$(field w3c X-B3-SpanId)" != "$P1"
expect_eq "w3c: tracestate passed on" "vendor=x" "$(field w3c tracestate)"
expect_eq "b3 single: 64-bit trace id kept" "$T2" "$(field b3single X-B3-TraceId)"
expect_contains "b3 single: traceparent zero-pads it" "00-0000000000000000$T2-" \
  "$(field b3single traceparent)"
expect_eq "b3 multi: trace id kept" "$T3" "$(field b3multi X-B3-TraceId)"
expect_eq "none: a new 128-bit trace" 32 "${#T4}"
expect_eq "deny: not sampled" "0" "$(field deny X-B3-Sampled)"
expect_contains "deny: traceparent says not sampled" "-00" "$(field deny traceparent)"

log "spans at the Zipkin receiver"
spans_of() { curl -s "$ZIPKIN/api/v2/trace/$1"; }
json_len() { "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
has_spans() { test "$(spans_of "$1" | json_len)" -ge "$2"; }
check "cold trace: 3 spans arrive" retry 15 has_spans "$T1" 3
for t in "$T2" "$T3" "$T4"; do check "trace $t: 2 spans arrive" retry 15 has_spans "$t" 2; done
expect_eq "the receiver found no fault in any span" "[]" "$(curl -s "$ZIPKIN/api/v2/errors")"
expect_eq "nothing for the unsampled request" "[]" "$(spans_of "$T5")"

# verify TRACE PARENT CLIENT_SPAN COLD: the checks of tests/zipkin_trace_check.py on one trace.
verify() {
  local out
  out=$(spans_of "$1" | "$PY" "$EBB_SRC/tests/zipkin_trace_check.py" "$1" "$2" "$3" "$4" \
    "$START_US" "$REVISION" tracehello)
  echo "$out" | grep '^FAIL' || true
  PASSES=$((PASSES + $(echo "$out" | grep -c '^ok' || true)))
  FAILS=$((FAILS + $(echo "$out" | grep -c '^FAIL' || true)))
}
verify "$T1" "$P1" "$(field w3c X-B3-SpanId)" 1
verify "$T2" "$P2" "$(field b3single X-B3-SpanId)" 0
verify "$T3" "$P3" "$(field b3multi X-B3-SpanId)" 0
verify "$T4" "" "$(field none X-B3-SpanId)" 0
echo "span checks so far: $PASSES passed, $FAILS failed"
w3c_server=$(spans_of "$T1" | "$PY" -c \
  'import json,sys; print([s["id"] for s in json.load(sys.stdin) if s["name"]=="gateway"][0])')
expect_eq "the app's X-B3-ParentSpanId is the gateway span" "$w3c_server" \
  "$(field w3c X-B3-ParentSpanId)"

log "/api/traces on the admin port"
traces=$(curl -s "http://$ADMIN/api/traces?revision=$REVISION")
for t in "$T1" "$T2" "$T3" "$T4"; do expect_contains "trace $t listed" "\"$t\"" "$traces"; done
expect_eq "limit" 1 "$(curl -s "http://$ADMIN/api/traces?limit=1" | json_len)"

log "request log (Knative's default template) on standard output"
has_log_line() { grep -q "\"traceId\": \"\\[$1\\]\"" "$WORK/serve.log"; }
for t in "$T1" "$T2" "$T3" "$T4" "$T5"; do
  check "a line for trace $t" retry 5 has_log_line "$t"
done
line=$(grep "\"traceId\": \"\\[$T1\\]\"" "$WORK/serve.log" | head -1)
parsed=$(echo "$line" | "$PY" -c 'import json,sys; r=json.load(sys.stdin)["httpRequest"]
print(r["requestMethod"], r["requestUrl"], r["status"], r["protocol"],
      r["userAgent"].split("/")[0], r["serverIp"], int(r["responseSize"]) > 0,
      r["latency"].endswith("s"))')
expect_eq "the line is JSON with Knative's fields" \
  "GET /headers 200 HTTP/1.1 curl 127.0.0.1 True True" "$parsed"

finish
