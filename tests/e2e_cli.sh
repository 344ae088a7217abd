#!/usr/bin/env bash
# The control plane driven by ebb's own CLI (no kubectl): the same flows as e2e_kubectl.sh.
source "$(dirname "$0")/lib.sh"

start_ebb
E() { "$EBB" --data-dir "$DATA" "$@"; }

log "version"
out=$(E version 2>&1)
expect_contains "version shows the server" "Server" "$out"

log "apply, get, describe"
out=$(cd "$EBB_SRC" && E apply -f samples/helloworld/service.yaml --wait 2>&1)
expect_contains "apply --wait creates and waits" "service.serving.knative.dev/helloworld created" "$out"
out=$(E get ksvc helloworld -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')
expect_eq "Ready after --wait" "True" "$out"
out=$(E get ksvc)
expect_contains "get ksvc table" "http://helloworld.default.example.com" "$out"
expect_contains "get ksvc header" "LATESTREADY" "$out"
out=$(E get rev -l serving.knative.dev/service=helloworld -o name)
expect_eq "get rev by label" "revision.serving.knative.dev/helloworld-00001" "$out"
out=$(E get ksvc helloworld -o yaml)
expect_contains "yaml output" "kind: Service" "$out"
out=$(E get ksvc helloworld -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["url"])')
expect_eq "json output" "http://helloworld.default.example.com" "$out"
out=$(E describe ksvc helloworld)
expect_contains "describe" "helloworld-00001" "$out"
out=$(E get foo 2>&1 && echo "exit=0" || echo "exit=$?")
expect_contains "unknown kind is named" "the server doesn't have a resource type \"foo\"" "$out"
expect_contains "unknown kind fails" "exit=1" "$out"

log "kn-like service create/update"
out=$(E service create hello --cmd "$EBB_BIN/helloworld" --env TARGET=cli --wait 2>&1)
expect_contains "service create --wait" "hello" "$out"
out=$(E get ksvc hello -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')
expect_eq "Ready after service create --wait" "True" "$out"
out=$(E service create hello --cmd "$EBB_BIN/helloworld" 2>&1 || true)
expect_contains "create of an existing service fails" "already exists" "$out"
out=$(E service update hello --env TARGET=again --wait 2>&1)
check "service update made hello-00002" retry 20 E get rev hello-00002
out=$(E service update hello --traffic hello-00001=50 --traffic @latest=50 --tag hello-00001=old 2>&1)
check "split applied" retry 20 bash -c \
  "[ \"\$('$EBB' --data-dir '$DATA' get ksvc hello -o jsonpath='{.status.traffic[*].percent}')\" = '50 50' ]"
url=$(E get ksvc hello -o jsonpath='{.status.traffic[?(@.tag=="old")].url}')
expect_eq "tag URL" "http://old-hello.default.example.com" "$url"

log "bad input"
out=$(E service create Bad_Name --cmd /bin/true 2>&1 || true)
expect_contains "invalid name is refused" "metadata.name" "$out"
out=$(E service create broken --cmd /no/such/program --wait --wait-timeout 20s 2>&1 || true)
expect_contains "missing executable is reported" "/no/such/program" "$out"

log "watch"
E get ksvc -w >"$WORK/watch.out" 2>&1 &
wpid=$!
sleep 1
E service update hello --env TARGET=watched >/dev/null 2>&1
sleep 2
kill "$wpid" 2>/dev/null || true; wait "$wpid" 2>/dev/null || true
rows=$(grep -c hello "$WORK/watch.out" || true)
check "get -w printed changes ($rows rows)" test "$rows" -ge 3

log "delete"
out=$(E delete ksvc hello 2>&1)
expect_eq "delete ksvc" 'service.serving.knative.dev "hello" deleted' "$out"
out=$(E get rev -l serving.knative.dev/service=hello -o name 2>/dev/null | wc -l)
expect_eq "revisions of hello are gone" "0" "$out"
out=$(cd "$EBB_SRC" && E delete -f samples/helloworld/service.yaml 2>&1)
expect_contains "delete -f" '"helloworld" deleted' "$out"
out=$(E delete ksvc helloworld 2>&1 || true)
expect_contains "delete of a missing service" "not found" "$out"

finish
