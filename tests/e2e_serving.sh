#!/usr/bin/env bash
# The serving path end to end: scale from zero through the gateway, concurrency, traffic split,
# scale back to zero, failures, and restarts of ebb itself.
source "$(dirname "$0")/lib.sh"

cat >"$WORK/config.yaml" <<'YAML'
autoscaler:
  stable-window: 6s
  scale-to-zero-grace-period: 1s
  allow-zero-initial-scale: true
YAML
start_ebb --config "$WORK/config.yaml"
K() { kubectl --request-timeout=20s "$@"; }
HOST="Host: helloworld.default.example.com"
hello() { curl -s --max-time 30 -H "$HOST" "http://$GATEWAY/${1:-}"; }
pods() { { K get pods -l "serving.knative.dev/service=$1" -o name 2>/dev/null || true; } | wc -l; }
no_pods() { test "$(pods "$1")" = 0; }
fewer_pods() { test "$(pods "$1")" -lt "$2"; }

log "first request from zero"
K apply -f "$EBB_SRC/samples/helloworld/service.yaml" >/dev/null
check "service Ready" K wait --for=condition=Ready ksvc/helloworld --timeout=30s
check "initial instance scaled back to zero" retry 30 no_pods helloworld
expect_eq "curl from zero" "Hello World!" "$(hello)"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: nope.default.example.com" "http://$GATEWAY/")
expect_eq "unknown host → 404" "404" "$code"

log "200 concurrent requests at zero instances"
check "back at zero" retry 30 no_pods helloworld
seq 200 | xargs -P 200 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 \
  -H "$HOST" "http://$GATEWAY/?sleep=50" >"$WORK/codes"
expect_eq "200 × 200 OK" "200" "$(grep -c '^200$' "$WORK/codes")"
check "returns to zero after the load, kubectl get pods lists none" retry 40 no_pods helloworld

log "containerConcurrency 1 with 10 parallel clients"
cat >"$WORK/cc1.yaml" <<YAML
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: cc1}
spec:
  template:
    spec:
      containerConcurrency: 1
      containers: [{image: "$EBB_BIN/helloworld"}]
YAML
K apply -f "$WORK/cc1.yaml" >/dev/null
check "cc1 Ready" K wait --for=condition=Ready ksvc/cc1 --timeout=30s
clients=()
for c in $(seq 10); do
  (for _ in $(seq 30); do curl -s -o /dev/null --max-time 30 -H "Host: cc1.default.example.com" "http://$GATEWAY/?sleep=100"; done) &
  clients+=($!)
done
peak=0
for _ in $(seq 30); do n=$(pods cc1); if [ "$n" -gt "$peak" ]; then peak=$n; fi; sleep 0.3; done
wait "${clients[@]}"
check "scaled out to at least 5 instances (peak $peak)" test "$peak" -ge 5
check "cc1 scales back down" retry 60 fewer_pods cc1 "$peak"

log "traffic split 50/50 and tags"
sed 's/value: World/value: Second/' "$EBB_SRC/samples/helloworld/service.yaml" >"$WORK/v2.yaml"
K apply -f "$WORK/v2.yaml" >/dev/null
check "helloworld-00002 ready" retry 30 bash -c \
  '[ "$(kubectl get ksvc helloworld -o jsonpath="{.status.latestReadyRevisionName}")" = helloworld-00002 ]'
K patch ksvc helloworld --type=merge -p '{"spec":{"traffic":[
  {"revisionName":"helloworld-00001","percent":50,"tag":"first"},
  {"revisionName":"helloworld-00002","percent":50}]}}' >/dev/null
check "split in status" retry 20 bash -c \
  '[ "$(kubectl get ksvc helloworld -o jsonpath="{.status.traffic[*].percent}")" = "50 50" ]'
sleep 1
seq 1000 | xargs -P 20 -I{} curl -s --max-time 30 -H "$HOST" "http://$GATEWAY/" >"$WORK/split"
first=$(grep -c "Hello World!" "$WORK/split" || true)
second=$(grep -c "Hello Second!" "$WORK/split" || true)
check "each revision gets 40–60 % of 1000 ($first / $second)" \
  test "$first" -ge 400 -a "$first" -le 600 -a "$second" -ge 400 -a "$second" -le 600
out=$(curl -s --max-time 30 -H "Host: first-helloworld.default.example.com" "http://$GATEWAY/")
expect_eq "tag URL reaches its revision" "Hello World!" "$out"

log "initial-scale 0: Ready without an instance, started by its first request"
cat >"$WORK/lazy.yaml" <<YAML
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: lazy}
spec:
  template:
    metadata:
      annotations: {autoscaling.knative.dev/initial-scale: "0"}
    spec:
      containers: [{image: "$EBB_BIN/helloworld"}]
YAML
K apply -f "$WORK/lazy.yaml" >/dev/null
check "Ready=True" K wait ksvc/lazy --for=condition=Ready --timeout=30s
expect_eq "no pod was started" 0 "$(pods lazy)"
expect_eq "its first request is served" "Hello World!" \
  "$(curl -s --max-time 30 -H "Host: lazy.default.example.com" "http://$GATEWAY/")"

log "an app that never sends READY=1, started from zero: the readiness probe finds it"
# The gateway worker that starts it waits for READY=1 on the standby's own NOTIFY_SOCKET; this
# app never sends it, so the instance must come through the runtime's TCP probe instead.
cat >"$WORK/quiet.yaml" <<YAML
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: quiet}
spec:
  template:
    metadata:
      annotations: {autoscaling.knative.dev/initial-scale: "0"}
    spec:
      containers:
        - image: "$EBB_BIN/helloworld"
          command: ["/bin/sh", "-c", "unset NOTIFY_SOCKET; exec $EBB_BIN/helloworld"]
YAML
K apply -f "$WORK/quiet.yaml" >/dev/null
check "Ready=True" K wait ksvc/quiet --for=condition=Ready --timeout=30s
expect_eq "its first request is served" "Hello World!" \
  "$(curl -s --max-time 30 -H "Host: quiet.default.example.com" "http://$GATEWAY/")"

log "an app that exits at start"
cat >"$WORK/crash.yaml" <<YAML
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: crash}
spec:
  template:
    spec:
      containers:
        - image: "$EBB_BIN/helloworld"
          env: [{name: EXIT_AT_START, value: "3"}]
YAML
K apply -f "$WORK/crash.yaml" >/dev/null
check "Ready=False" retry 30 bash -c \
  '[ "$(kubectl get ksvc crash -o jsonpath="{.status.conditions[?(@.type==\"Ready\")].status}")" = False ]'
msg=$(K get ksvc crash -o jsonpath='{.status.conditions[?(@.type=="Ready")].message}')
expect_contains "the message carries the exit code" "exit code 3" "$msg"

log "kill and restart ebb serve: no process of the old run remains"
hello >/dev/null
pids=$(pgrep -P "$SERVE_PID" || true)  # its instances: direct children of ebb serve
check "instances are running" test -n "$pids"
stop_ebb KILL
sleep 0.5
# A zombie (state Z) is dead; it only waits for a PID 1 that may not reap here.
alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; [[ "$st" != Z* ]]; }
left=$(for p in $pids; do if alive "$p"; then echo "$p"; fi; done)
expect_eq "no instance survives ebb's death" "" "$left"
start_ebb --config "$WORK/config.yaml"
expect_contains "serves again after restart" "Hello" "$(hello)"

finish
