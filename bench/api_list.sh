#!/usr/bin/env bash
# List latency through the API with N services stored (default 1000).
#   bench/api_list.sh [-n SERVICES] [-r REPEATS]
# Starts ebb serve on free ports with a temporary data dir, creates N Knative Services through
# the API (each reconciled into a Configuration, Route and Revision), waits for the controller to
# settle, then times list requests: JSON and Table (what `kubectl get ksvc` asks for) through
# curl, and `kubectl get ksvc` end to end. Prints median and min–max in milliseconds.
set -euo pipefail
N=1000
R=20
while getopts "n:r:" opt; do
  case $opt in n) N=$OPTARG ;; r) R=$OPTARG ;; *) exit 2 ;; esac
done
SRC=$(cd "$(dirname "$0")/.." && pwd)
EBB=${EBB:-$SRC/build/bin/ebb}
WORK=$(mktemp -d /tmp/ebb-bench.XXXXXX)
export HOME=$WORK/home; mkdir -p "$HOME"
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
# Revisions start no instance (initial-scale 0): the benchmark measures the API, not 1000 apps.
printf 'autoscaler:\n  allow-zero-initial-scale: true\n' >"$WORK/config.yaml"
(cd "$SRC" && exec "$EBB" serve --data-dir "$WORK/data" --listen 127.0.0.1:0 \
   --api-listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 --config "$WORK/config.yaml") \
   >"$WORK/serve.log" 2>&1 &
PID=$!
until [ -s "$WORK/data/endpoints.json" ]; do sleep 0.05; done
API=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api"])' "$WORK/data/endpoints.json")
TOKEN=$(cat "$WORK/data/token")
export KUBECONFIG=$WORK/data/kubeconfig
URL="https://$API/apis/serving.knative.dev/v1/namespaces/default/services"
TABLE='application/json;as=Table;v=v1;g=meta.k8s.io,application/json'

echo "creating $N services..."
t0=$(date +%s.%N)
python3 - "$API" "$TOKEN" "$N" <<'PY'
import http.client, json, ssl, sys
api, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
host, port = api.rsplit(":", 1)
ctx = ssl._create_unverified_context()
conn = http.client.HTTPSConnection(host, int(port), context=ctx)
for i in range(n):
    body = {"apiVersion": "serving.knative.dev/v1", "kind": "Service",
            "metadata": {"name": f"svc-{i:05d}"},
            "spec": {"template": {
                "metadata": {"annotations": {"autoscaling.knative.dev/initial-scale": "0"}},
                "spec": {"containers": [{"image": "/bin/true"}]}}}}
    conn.request("POST", "/apis/serving.knative.dev/v1/namespaces/default/services",
                 json.dumps(body), {"Authorization": "Bearer " + token,
                                    "Content-Type": "application/json"})
    r = conn.getresponse(); r.read()
    if r.status != 201: sys.exit(f"create {i}: HTTP {r.status}")
PY
t1=$(date +%s.%N)
echo "created in $(python3 -c "print(round($t1-$t0,2))") s; waiting for the controller to settle..."
for _ in $(seq 1 600); do
  revs=$(kubectl get rev -o name | wc -l)
  [ "$revs" -ge "$N" ] && break
  sleep 1
done
echo "revisions: $revs / $N (objects stored: $((N * 4)))"

stats() { python3 -c '
import sys, statistics
v = sorted(float(x) * 1000 for x in sys.stdin.read().split())
print(f"median {statistics.median(v):8.2f} ms   min {v[0]:8.2f}   max {v[-1]:8.2f}   (n={len(v)})")'; }
measure() {  # measure ACCEPT
  for _ in $(seq 1 "$R"); do
    curl -sk -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" -H "Accept: $1" "$URL"
  done
}
size=$(curl -sk -H "Authorization: Bearer $TOKEN" "$URL" | wc -c)
printf "%-38s " "list JSON ($((size / 1024)) KiB)"; measure application/json | stats
size=$(curl -sk -H "Authorization: Bearer $TOKEN" -H "Accept: $TABLE" "$URL" | wc -c)
printf "%-38s " "list Table ($((size / 1024)) KiB)"; measure "$TABLE" | stats
printf "%-38s " "kubectl get ksvc (wall, incl. exec)"
for _ in $(seq 1 "$R"); do
  s=$(date +%s.%N); kubectl get ksvc >/dev/null; e=$(date +%s.%N)
  python3 -c "print($e-$s)"
done | stats
