#!/usr/bin/env bash
# The control plane driven by the real kubectl: the seed's commands, against `ebb serve`.
source "$(dirname "$0")/lib.sh"

# Short windows: the restart check below waits for every revision to be back at zero.
printf 'autoscaler:\n  stable-window: 6s\n  scale-to-zero-grace-period: 1s\n' >"$WORK/config.yaml"
start_ebb --config "$WORK/config.yaml"
K() { kubectl --request-timeout=20s "$@"; }

log "apply, get, jsonpath"
out=$(K apply -f "$EBB_SRC/samples/helloworld/service.yaml" 2>&1)
expect_eq "kubectl apply creates" "service.serving.knative.dev/helloworld created" "$out"
check "service becomes Ready" K wait --for=condition=Ready ksvc/helloworld --timeout=30s
out=$(K get ksvc 2>&1)
expect_contains "get ksvc has the URL column" "http://helloworld.default.example.com" "$out"
expect_contains "get ksvc shows the header" "LATESTCREATED" "$out"
url=$(K get services.serving.knative.dev/helloworld --namespace=default --output=jsonpath="{.status.url}")
expect_eq "status.url by jsonpath" "http://helloworld.default.example.com" "$url"
out=$(K get rev -l serving.knative.dev/service=helloworld -o name)
expect_eq "first revision" "revision.serving.knative.dev/helloworld-00001" "$out"
gen=$(K get ksvc helloworld -o jsonpath='{.metadata.generation}')
rv=$(K get ksvc helloworld -o jsonpath='{.metadata.resourceVersion}')
# kubectl diffs lists whole for custom resources, and the stored containers carry Knative's
# defaults (name, readinessProbe), so it sends a patch ("configured") as it does against Knative;
# the patch changes nothing: no new generation, revision or resourceVersion.
out=$(K apply -f "$EBB_SRC/samples/helloworld/service.yaml" 2>&1)
expect_contains "re-apply succeeds" "service.serving.knative.dev/helloworld" "$out"
expect_eq "re-apply keeps the generation" "$gen" "$(K get ksvc helloworld -o jsonpath='{.metadata.generation}')"
expect_eq "re-apply keeps the resourceVersion" "$rv" "$(K get ksvc helloworld -o jsonpath='{.metadata.resourceVersion}')"

log "template change → new revision"
sed 's/value: "World"/value: "Knative"/; s/value: World/value: Knative/' \
  "$EBB_SRC/samples/helloworld/service.yaml" >"$WORK/changed.yaml"
out=$(K apply -f "$WORK/changed.yaml" 2>&1)
expect_eq "apply a changed template" "service.serving.knative.dev/helloworld configured" "$out"
check "helloworld-00002 appears" retry 20 K get rev helloworld-00002
check "service Ready on 00002" retry 20 bash -c \
  '[ "$(kubectl get ksvc helloworld -o jsonpath="{.status.latestReadyRevisionName}")" = helloworld-00002 ]'

log "patch and describe"
out=$(K patch ksvc helloworld --type=merge \
  -p '{"spec":{"template":{"metadata":{"annotations":{"autoscaling.knative.dev/target":"50"}}}}}' 2>&1)
expect_eq "merge patch" "service.serving.knative.dev/helloworld patched" "$out"
check "patch made helloworld-00003" retry 20 K get rev helloworld-00003
out=$(K patch ksvc helloworld -p '{"metadata":{"labels":{"a":"b"}}}' 2>&1 || true)
expect_contains "strategic merge patch is refused" "application/strategic-merge-patch+json is not supported" "$out"
out=$(K describe ksvc helloworld 2>&1)
expect_contains "describe names the service" "helloworld" "$out"
expect_contains "describe shows conditions" "Ready" "$out"

log "watch sees a change"
K get ksvc -w >"$WORK/watch.out" 2>&1 &
watch_pid=$!
sleep 1
K patch ksvc helloworld --type=merge -p '{"metadata":{"labels":{"watched":"yes"}}}' >/dev/null
K patch ksvc helloworld --type=merge \
  -p '{"spec":{"traffic":[{"latestRevision":true,"percent":100,"tag":"current"}]}}' >/dev/null
sleep 2
kill "$watch_pid" 2>/dev/null || true
wait "$watch_pid" 2>/dev/null || true
lines=$(grep -c helloworld "$WORK/watch.out" || true)
check "get -w printed the initial row and changes ($lines rows)" test "$lines" -ge 2

log "ingress gateway address (the seed's command)"
ip=$(K get services/knative-ingressgateway --namespace=istio-system \
  --output=jsonpath="{.status.loadBalancer.ingress[0].ip}")
expect_eq "ingress gateway ip" "127.0.0.1" "$ip"

log "bad input"
cat >"$WORK/bad.yaml" <<'YAML'
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: bad
spec:
  template:
    spec:
      containerConcurrency: -3
      containers:
        - env:
            - name: PORT
              value: "1"
YAML
out=$(K apply -f "$WORK/bad.yaml" 2>&1 || true)
expect_contains "invalid spec names the field" "spec.template.spec.containers[0].image" "$out"
expect_contains "invalid spec names every field" "spec.template.spec.containerConcurrency" "$out"
check "nothing stored for the invalid service" bash -c '! kubectl get ksvc bad >/dev/null 2>&1'
printf 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: x\n   bad: [\n' >"$WORK/malformed.yaml"
out=$(K apply -f "$WORK/malformed.yaml" 2>&1 || true)
expect_contains "malformed YAML is rejected with a line" "line" "$out"
code=$(curl -s -o /dev/null -w '%{http_code}' -k "https://$API/apis/serving.knative.dev/v1/namespaces/default/services")
expect_eq "no token → 401" "401" "$code"
code=$(curl -s -o /dev/null -w '%{http_code}' -k -H "Authorization: Bearer wrong" "https://$API/version")
expect_eq "wrong token → 401" "401" "$code"
out=$(K get ksvc nope 2>&1 || true)
expect_contains "missing object" 'services.serving.knative.dev "nope" not found' "$out"

log "restart keeps every object with the same uid and resourceVersion"
# A quiet system first: instances show in revision status (actualReplicas), and a restart ends
# them, so every revision must be at zero for "nothing changed" to hold.
no_pods() { [ -z "$(K get pods -o name 2>/dev/null)" ]; }
all_at_zero() {
  [ -z "$(K get revisions -o jsonpath='{range .items[*]}{.status.actualReplicas}{"\n"}{end}' |
          grep -v '^0*$')" ]
}
check "every revision back at zero before the restart" retry 60 bash -c \
  "$(declare -f K no_pods all_at_zero); no_pods && all_at_zero"
before=$(K get ksvc,configurations,revisions,routes -o jsonpath='{range .items[*]}{.kind}/{.metadata.name} {.metadata.uid} {.metadata.resourceVersion}{"\n"}{end}' | sort)
stop_ebb TERM
start_ebb --config "$WORK/config.yaml"
check "service Ready after the restart" K wait --for=condition=Ready ksvc/helloworld --timeout=30s
sleep 2  # what the controller and the serving plane would change on start-up, they have by now
expect_eq "no instance started by the restart" "" "$(K get pods -o name)"
after=$(K get ksvc,configurations,revisions,routes -o jsonpath='{range .items[*]}{.kind}/{.metadata.name} {.metadata.uid} {.metadata.resourceVersion}{"\n"}{end}' | sort)
check "objects survived a restart ($(echo "$before" | wc -l) objects)" test -n "$before"
expect_eq "same uids and resourceVersions after restart" "$before" "$after"

log "delete removes the service and all it owns"
out=$(K delete -f "$WORK/changed.yaml" 2>&1)
expect_eq "kubectl delete -f" 'service.serving.knative.dev "helloworld" deleted' "$out"
for kind in configurations routes revisions; do
  n=$(K get "$kind" -o name 2>/dev/null | wc -l)
  expect_eq "no $kind left" "0" "$n"
done

finish
