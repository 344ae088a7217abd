#!/usr/bin/env bash
# The gateway's edges end to end, against the real `ebb serve`: a WebSocket echo, a 100 MB
# upload streamed with bounded memory, bad clients (malformed request line, oversized head, a
# head dribbled byte by byte) that must not disturb good ones, `kill -9` of an instance under
# load, a crashing socket-activated app, and logs (`kubectl logs [-f]`, `ebb logs ksvc/NAME`).
source "$(dirname "$0")/lib.sh"

cat >"$WORK/config.yaml" <<'YAML'
autoscaler:
  stable-window: 6s
  scale-to-zero-grace-period: 1s
network:
  header-read-timeout: 2s
YAML
start_ebb --config "$WORK/config.yaml"
K() { kubectl --request-timeout=20s "$@"; }
E() { "$EBB" --data-dir "$DATA" "$@"; }
HOST="helloworld.default.example.com"
GW_HOST=${GATEWAY%:*}
GW_PORT=${GATEWAY##*:}

# Small raw-socket clients (python3 standard library only).
cat >"$WORK/client.py" <<'PY'
import base64, http.client, os, socket, struct, sys, threading, time

GW_HOST, GW_PORT, HOST = sys.argv[2], int(sys.argv[3]), sys.argv[4]
ARGS = sys.argv[5:]

def connect(timeout=30):
    return socket.create_connection((GW_HOST, GW_PORT), timeout=timeout)

def read_until_close(s):
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data

def status_of(data):
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    return parts[1] if len(parts) > 1 else "none:" + line

def ws_echo():
    s = connect()
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET /ws HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (HOST, key)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            raise SystemExit("closed during the handshake: %r" % head)
        head += chunk
    head, rest = head.split(b"\r\n\r\n", 1)
    if status_of(head) != "101":
        raise SystemExit("handshake: %r" % head)
    payload = b"hello through ebb"
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    s.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + masked)
    while len(rest) < 2 + len(payload):
        chunk = s.recv(4096)
        if not chunk:
            break
        rest += chunk
    if rest[0] != 0x81 or rest[1] != len(payload):
        raise SystemExit("bad echo frame: %r" % rest)
    print(rest[2:2 + len(payload)].decode())

def upload():
    total = int(ARGS[0])
    conn = http.client.HTTPConnection(GW_HOST, GW_PORT, timeout=120)
    conn.putrequest("POST", "/upload", skip_host=True)
    conn.putheader("Host", HOST)
    conn.putheader("Content-Length", str(total))
    conn.endheaders()
    block = b"x" * 65536
    sent = 0
    while sent < total:
        n = min(len(block), total - sent)
        conn.send(block[:n])
        sent += n
    resp = conn.getresponse()
    print(resp.status, resp.read().decode().strip())

def raw(request):
    s = connect()
    try:
        s.sendall(request)
    except OSError:
        pass
    return status_of(read_until_close(s))

def malformed():
    print(raw(b"THIS IS NOT HTTP\r\nHost: " + HOST.encode() + b"\r\n\r\n"))

def big_head():
    big = b"X-Big: " + b"a" * 40000 + b"\r\n"
    print(raw(b"GET / HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\n" + big + b"\r\n"))

def dribble():
    # One byte every 100 ms of a head that never ends; prints how long until the gateway cut us.
    s = connect()
    start = time.monotonic()
    head = b"GET / HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\n" + b"X-Slow: " + b"a" * 1000
    try:
        for b in head:
            s.send(bytes([b]))
            time.sleep(0.1)
            if time.monotonic() - start > 20:
                break
        s.recv(1)
    except OSError:
        pass
    print("%.1f" % (time.monotonic() - start))

def load():
    # N threads, each looping GET ?sleep=MS for SECONDS; one line per request:
    # "start_time end_time status" (status "err" for a failed connection or exchange).
    threads, seconds, sleep_ms, host, out = int(ARGS[0]), float(ARGS[1]), ARGS[2], ARGS[3], ARGS[4]
    lock = threading.Lock()
    lines = []
    deadline = time.time() + seconds
    def worker():
        conn = None
        while time.time() < deadline:
            t0 = time.time()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(GW_HOST, GW_PORT, timeout=30)
                conn.request("GET", "/?sleep=" + sleep_ms, headers={"Host": host})
                resp = conn.getresponse()
                resp.read()
                status = str(resp.status)
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                status = "err"
                conn = None
            with lock:
                lines.append("%.3f %.3f %s" % (t0, time.time(), status))
    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")

{"ws": ws_echo, "upload": upload, "malformed": malformed, "big_head": big_head,
 "dribble": dribble, "load": load}[sys.argv[1]]()
PY
client() { python3 "$WORK/client.py" "$1" "$GW_HOST" "$GW_PORT" "$HOST" "${@:2}"; }
hello() { curl -s --max-time 30 -H "Host: $HOST" "http://$GATEWAY/${1:-}"; }
pods() { K get pods -l "serving.knative.dev/service=$1" -o name 2>/dev/null || true; }

cat >"$WORK/helloworld.yaml" <<YAML
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: helloworld}
spec:
  template:
    metadata:
      annotations: {autoscaling.knative.dev/min-scale: "1"}
    spec:
      containers:
        - image: "$EBB_BIN/helloworld"
          env: [{name: TARGET, value: World}]
YAML
K apply -f "$WORK/helloworld.yaml" >/dev/null
check "helloworld Ready" K wait --for=condition=Ready ksvc/helloworld --timeout=30s
expect_eq "curl through the gateway" "Hello World!" "$(hello)"

log "WebSocket echo through the gateway"
expect_eq "echo of a masked text frame" "hello through ebb" "$(client ws 2>&1)"

log "100 MB upload streams through with bounded memory"
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVE_PID/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$SERVE_PID/status"; }
hwm_before=$(hwm_kb)
client upload $((100 * 1024 * 1024)) >"$WORK/upload.out" 2>&1 &
upload_pid=$!
peak=0
while kill -0 "$upload_pid" 2>/dev/null; do
  r=$(rss_kb); if [ "$r" -gt "$peak" ]; then peak=$r; fi
  sleep 0.05
done
wait "$upload_pid" || true
hwm_after=$(hwm_kb)
expect_eq "the app received exactly 100 MB" "200 received 104857600 bytes" \
  "$(cat "$WORK/upload.out")"
echo "    ebb RSS peak during the upload ${peak} kB; VmHWM ${hwm_before} → ${hwm_after} kB"
check "ebb's RSS stayed under 64 MB (peak sample ${peak} kB)" test "$peak" -lt $((64 * 1024))
check "ebb's VmHWM stayed under 64 MB (${hwm_after} kB)" test "$hwm_after" -lt $((64 * 1024))
check "VmHWM grew by less than 16 MB ($((hwm_after - hwm_before)) kB)" \
  test $((hwm_after - hwm_before)) -lt $((16 * 1024))

log "bad input: 400, 431, a dribbling head cut at the deadline; others unaffected"
expect_eq "malformed request line → 400" "400" "$(client malformed)"
expect_eq "head over the limit → 431" "431" "$(client big_head)"
bad=()
for i in $(seq 5); do client dribble >"$WORK/dribble.$i" 2>&1 & bad+=($!); done
# One file per client: concurrent appends to a single file can interleave.
for i in $(seq 10); do (client malformed; client big_head) >"$WORK/bad.$i" 2>&1 & bad+=($!); done
good=0; total=0
for _ in $(seq 40); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Host: $HOST" "http://$GATEWAY/")
  total=$((total + 1)); if [ "$code" = 200 ]; then good=$((good + 1)); fi
  sleep 0.05
done
wait "${bad[@]}"
expect_eq "good clients got 200 meanwhile ($good/$total)" "$total" "$good"
expect_eq "every bad client got its answer" "$(printf '400\n431\n%.0s' $(seq 10) | sort)" \
  "$(cat "$WORK"/bad.* | sort)"
for i in $(seq 5); do
  t=$(cat "$WORK/dribble.$i")
  check "dribbling client $i cut at the 2 s deadline (after ${t} s)" \
    python3 -c "import sys; sys.exit(0 if 1.8 <= float('$t') <= 4.0 else 1)"
done

log "logs: kubectl logs [-f], ebb logs ksvc/NAME [-f] [--tail N]"
pod=$(pods helloworld | sed -n 1p); pod=${pod#pod/}
check "helloworld has an instance" test -n "$pod"
expect_contains "kubectl logs shows the app's startup line" "helloworld: listening on" \
  "$(K logs "$pod")"
# A marker sent through the gateway shows in a follower started before it was written.
follow_until_marker() {  # OUTFILE MARKER: sends ?log=MARKER until it shows in OUTFILE (10 s)
  for _ in $(seq 50); do
    hello "?log=$2" >/dev/null
    sleep 0.2
    if grep -q "helloworld: log $2" "$1"; then return 0; fi
  done
  return 1
}
K logs -f "$pod" >"$WORK/kfollow.out" 2>&1 &
kfollow=$!
sleep 1
check "kubectl logs -f shows a line written after it started" \
  follow_until_marker "$WORK/kfollow.out" "kubectl-follow-$$"
check "kubectl logs -f is still following" kill -0 "$kfollow"
kill "$kfollow" 2>/dev/null || true; wait "$kfollow" 2>/dev/null || true
expect_contains "kubectl logs -f began with the log so far" "helloworld: listening on" \
  "$(cat "$WORK/kfollow.out")"
out=$(E logs ksvc/helloworld)
expect_contains "ebb logs ksvc/helloworld prefixes each pod's lines" \
  "[$pod] helloworld: listening on" "$out"
E logs ksvc/helloworld --tail 1 >"$WORK/tail.out"
lines=$(wc -l <"$WORK/tail.out")
instances=$(cut -d' ' -f1 "$WORK/tail.out" | sort -u | wc -l)
check "ebb logs --tail 1: one line per instance ($lines lines, $instances instances)" \
  test "$lines" -ge 1 -a "$lines" = "$instances"
E logs -f ksvc/helloworld >"$WORK/efollow.out" 2>&1 &
efollow=$!
sleep 1
check "ebb logs -f ksvc/helloworld shows a line written after it started" \
  follow_until_marker "$WORK/efollow.out" "ebb-follow-$$"
kill "$efollow" 2>/dev/null || true; wait "$efollow" 2>/dev/null || true
out=$(E logs ksvc/nope 2>&1 && echo "exit=0" || echo "exit=$?")
expect_contains "ebb logs of an unknown service" \
  'services.serving.knative.dev "nope" not found' "$out"
expect_contains "ebb logs of an unknown service fails" "exit=1" "$out"

log "kill -9 of an instance under load"
cat >"$WORK/steady.yaml" <<YAML
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: steady}
spec:
  template:
    metadata:
      annotations: {autoscaling.knative.dev/min-scale: "2"}
    spec:
      containerConcurrency: 4
      containers: [{image: "$EBB_BIN/helloworld"}]
YAML
K apply -f "$WORK/steady.yaml" >/dev/null
check "steady Ready" K wait --for=condition=Ready ksvc/steady --timeout=30s
# The instances of a revision: ebb's children whose environment names it.
instance_pids() {
  local p
  for p in $(pgrep -P "$SERVE_PID"); do
    if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "K_REVISION=$1"; then echo "$p"; fi
  done
}
at_least_instances() { test "$(instance_pids "$1" | wc -l)" -ge "$2"; }
check "steady has 2 instances" retry 30 at_least_instances steady-00001 2
python3 "$WORK/client.py" load "$GW_HOST" "$GW_PORT" "$HOST" 20 9 50 \
  steady.default.example.com "$WORK/load.out" &
load=$!
sleep 3
victim=$(instance_pids steady-00001 | sed -n 1p)
kill_at=$(date +%s.%N)
kill -9 "$victim"
echo "    killed instance $victim at $kill_at"
wait "$load"
python3 - "$WORK/load.out" "$kill_at" >"$WORK/load.verdict" 2>"$WORK/load.failed" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
kill = float(sys.argv[2])
failed = [(float(a), float(b), s) for a, b, s in rows if s != "200"]
late = [r for r in failed if r[0] > kill + 0.01]
after = [s for a, b, s in rows if float(a) > kill + 2]
print(len(rows), len(failed), len(late), len(after), sum(1 for s in after if s == "200"))
for a, b, s in failed:
    print("failed: %s, sent %+.3f s and ended %+.3f s from the kill" % (s, a - kill, b - kill),
          file=sys.stderr)
PY
read -r total failed late after after_ok <"$WORK/load.verdict"
sed 's/^/    /' "$WORK/load.failed"
echo "    $total requests, $failed failed, $late of them started after the kill;" \
  "$after_ok/$after OK from 2 s after the kill"
check "at most containerConcurrency (4) requests failed ($failed)" test "$failed" -le 4
check "no request that started after the kill failed ($late)" test "$late" = 0
check "requests kept succeeding after the kill ($after_ok/$after)" \
  test "$after" -gt 0 -a "$after_ok" = "$after"
check "the killed instance is gone" bash -c "! kill -0 $victim 2>/dev/null"
restarts() {
  local n
  n=$(K get pods -l serving.knative.dev/service=steady \
    -o jsonpath='{range .items[*]}{.status.containerStatuses[0].restartCount}{"\n"}{end}' |
    awk '{s += $1} END {print s + 0}')
  test "$n" -ge 1
}
check "a new process took over (restartCount)" retry 20 restarts
check "steady is back to 2 instances" retry 30 at_least_instances steady-00001 2
expect_eq "steady serves after the kill" "Hello World!" \
  "$(curl -s --max-time 30 -H "Host: steady.default.example.com" "http://$GATEWAY/")"
# A followed log ends by itself when its pod goes away.
spod=$(pods steady | sed -n 1p); spod=${spod#pod/}
K logs -f "$spod" >/dev/null 2>&1 &
sfollow=$!
sleep 1
# (A 409 here is the registry's cascade racing the controller: the Service is gone all the same.)
if ! K delete ksvc steady >/dev/null 2>"$WORK/delete.err"; then
  echo "    kubectl delete: $(cat "$WORK/delete.err")"
fi
ended() { ! kill -0 "$sfollow" 2>/dev/null; }
check "kubectl logs -f ends when its pod goes away" retry 30 ended
kill "$sfollow" 2>/dev/null || true; wait "$sfollow" 2>/dev/null || true

log "socket activation: a healthy app becomes Ready, a crashing one reports its exit code"
socket_service() {  # NAME [EXIT_AT_START]
  cat <<YAML
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: $1}
spec:
  template:
    metadata:
      annotations: {ebb.dev/socket-activation: "true"}
    spec:
      containers:
        - image: "$EBB_BIN/helloworld"
          env: [{name: EXIT_AT_START, value: "${2:-}"}]
YAML
}
socket_service sa | K apply -f - >/dev/null
check "socket-activated service Ready" K wait --for=condition=Ready ksvc/sa --timeout=30s
expect_eq "socket-activated service serves" "Hello World!" \
  "$(curl -s --max-time 30 -H "Host: sa.default.example.com" "http://$GATEWAY/")"
socket_service sacrash 4 | K apply -f - >/dev/null
cond() {  # KIND NAME TYPE FIELD
  K get "$1" "$2" -o jsonpath="{.status.conditions[?(@.type==\"$3\")].$4}"
}
is_false() { test "$(cond "$@" status)" = False; }
check "crashing socket-activated service: Ready=False" retry 30 is_false ksvc sacrash Ready
expect_contains "its message carries the exit code" "Container failed with exit code 4" \
  "$(cond ksvc sacrash Ready message)"
check "its revision: ContainerHealthy=False" is_false rev sacrash-00001 ContainerHealthy
expect_eq "with reason ExitCode4" "ExitCode4" "$(cond rev sacrash-00001 ContainerHealthy reason)"
sleep 3  # restarts (each "ready" at spawn) must not flip it back
expect_eq "still Ready=False after restarts" "False" "$(cond ksvc sacrash Ready status)"

finish
