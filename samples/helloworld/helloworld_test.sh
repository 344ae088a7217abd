#!/usr/bin/env bash
# End-to-end test of the helloworld sample: starts the real binary on free ports and talks to it
# with curl (HTTP) and small python3 clients (socket activation, sd_notify, WebSocket, many
# concurrent connections).
# Usage: helloworld_test.sh path/to/helloworld
set -euo pipefail

APP=$(realpath "${1:?usage: $0 path/to/helloworld}")
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [[ "$1" == "$2" ]] || fail "$3: got '$1', want '$2'"; }
pass() { echo "ok - $*"; }

# start NAME [ENV=VALUE...]: runs the app on a free port; sets PID and PORT.
start() {
  local name=$1
  shift
  env PORT=0 "$@" "$APP" >"$WORK/$name.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 1 500); do
    if grep -q 'listening on' "$WORK/$name.log"; then
      PORT=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' "$WORK/$name.log")
      return 0
    fi
    kill -0 "$PID" 2>/dev/null || fail "$name exited early: $(cat "$WORK/$name.log")"
    sleep 0.01
  done
  fail "$name did not start"
}

# --- plain HTTP ---------------------------------------------------------------------------------
start main TARGET=Ebb
BASE="http://127.0.0.1:$PORT"
expect_eq "$(curl -sS "$BASE/")" "Hello Ebb!" "GET /"
expect_eq "$(curl -sS "$BASE/any/path")" "Hello Ebb!" "GET /any/path"
expect_eq "$(curl -sS -o /dev/null -w '%{http_code} %{size_download}' "$BASE/?bytes=100000")" \
  "200 100000" "?bytes"
expect_eq "$(curl -sS -o /dev/null -w '%{size_download}' "$BASE/?bytes=0")" "0" "?bytes=0"
expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' "$BASE/?sleep=abc")" "400" "bad ?sleep"
curl -sS -o /dev/null "$BASE/?log=marker-42"
grep -q '^helloworld: log marker-42$' "$WORK/main.log" || fail "?log: $(cat "$WORK/main.log")"
pass "GET / and ?bytes, ?log"

head -c 300000 /dev/urandom >"$WORK/body"
expect_eq "$(curl -sS --data-binary @"$WORK/body" "$BASE/")" "received 300000 bytes" "POST length"
expect_eq "$(curl -sS -H 'Transfer-Encoding: chunked' --data-binary @"$WORK/body" "$BASE/")" \
  "received 300000 bytes" "POST chunked"
expect_eq "$(curl -sS -X POST "$BASE/")" "received 0 bytes" "POST empty"
pass "request bodies"

headers=$(curl -sS -I "$BASE/" | tr -d '\r')
grep -q '^Content-Length: 11$' <<<"$headers" || fail "HEAD: $headers"
headers=$(curl -sS -0 -D - -o /dev/null "$BASE/" | tr -d '\r')
grep -q '^Connection: close$' <<<"$headers" || fail "HTTP/1.0: $headers"
expect_eq "$(curl -sS -0 "$BASE/")" "Hello Ebb!" "HTTP/1.0 body"
expect_eq "$(curl -sS -H 'Connection: close' "$BASE/")" "Hello Ebb!" "Connection: close"
# Three requests, one connection: keep-alive works.
expect_eq "$(curl -sS -o /dev/null -o /dev/null -o /dev/null -w '%{num_connects}' \
  "$BASE/" "$BASE/?bytes=5" "$BASE/" | tr -d '\n')" "100" "keep-alive reuse"
pass "HEAD, HTTP/1.0, Connection: close, keep-alive"

events=$(curl -sS -N "$BASE/sse?n=3&interval=20" | grep -c '^data: event')
expect_eq "$events" "3" "SSE events"
pass "server-sent events"

# A slow request must not hold up others, and counts as in flight while it waits.
curl -sS "$BASE/?sleep=1500" >"$WORK/slow" &
SLOW=$!
for _ in $(seq 1 200); do
  [[ "$(curl -sS "$BASE/inflight")" == '{"inflight":1,"max":1}' ]] && break
  sleep 0.01
done
expect_eq "$(curl -sS "$BASE/inflight")" '{"inflight":1,"max":1}' "inflight during sleep"
fast=$(curl -sS -o /dev/null -w '%{time_total}' "$BASE/")
python3 -c "import sys; sys.exit(0 if float('$fast') < 1.0 else 1)" || fail "GET / took ${fast}s"
wait "$SLOW"
expect_eq "$(cat "$WORK/slow")" "Hello Ebb!" "slow response"
expect_eq "$(curl -sS "$BASE/inflight")" '{"inflight":0,"max":2}' "inflight after sleep (the fast GET overlapped)"
pass "?sleep does not block, /inflight counts"

# --- WebSocket and many connections (python3 clients) -----------------------------------------
python3 - "$PORT" <<'EOF'
import base64, os, socket, struct, sys
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port))
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % key).encode())
f = s.makefile("rb")
status = f.readline()
assert b" 101 " in status, status
headers = {}
while (line := f.readline().strip()):
    k, v = line.decode().split(":", 1)
    headers[k.lower()] = v.strip()
import hashlib
want = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
assert headers["sec-websocket-accept"] == want, headers

def send(opcode, payload, fin=True):
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([(0x80 if fin else 0) | opcode])
    if n < 126: head += bytes([0x80 | n])
    elif n < 65536: head += bytes([0x80 | 126]) + struct.pack(">H", n)
    else: head += bytes([0x80 | 127]) + struct.pack(">Q", n)
    s.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

def recv():
    b0, b1 = f.read(2)
    n = b1 & 0x7F
    if n == 126: n = struct.unpack(">H", f.read(2))[0]
    elif n == 127: n = struct.unpack(">Q", f.read(8))[0]
    assert not b1 & 0x80, "server frames must not be masked"
    return b0 & 0x0F, bool(b0 & 0x80), f.read(n)

send(1, b"hello"); assert recv() == (1, True, b"hello")
blob = os.urandom(70000)
send(2, blob); assert recv() == (2, True, blob)
send(1, b"frag", fin=False); send(0, b"ment"); assert recv() == (1, False, b"frag"); assert recv() == (0, True, b"ment")
send(9, b"ping"); assert recv() == (10, True, b"ping")
send(8, struct.pack(">H", 1000) + b"bye"); assert recv() == (8, True, struct.pack(">H", 1000))
assert f.read(1) == b"", "server should close after the close handshake"
EOF
pass "WebSocket echo"

python3 - "$PORT" <<'EOF'
# 300 concurrent keep-alive connections, each with a slow request, then a second request on the
# same connections: all must be served, and /inflight must have seen them all at once.
import json, socket, sys, time
port = int(sys.argv[1])
N = 300
conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(N)]
start = time.monotonic()
for round_ in range(2):
    for c in conns:
        c.sendall(b"GET /?sleep=300 HTTP/1.1\r\nHost: x\r\n\r\n")
    for c in conns:
        data = b""
        while not data.endswith(b"Hello Ebb!\n"):
            chunk = c.recv(4096)
            assert chunk, "connection closed"
            data += chunk
        assert data.startswith(b"HTTP/1.1 200"), data
elapsed = time.monotonic() - start
assert elapsed < 3, "requests were serialised: %.2fs" % elapsed
q = socket.create_connection(("127.0.0.1", port))
q.sendall(b"GET /inflight HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
body = b""
while (chunk := q.recv(4096)): body += chunk
stats = json.loads(body.split(b"\r\n\r\n", 1)[1])
assert stats["inflight"] == 0 and stats["max"] >= N, stats
EOF
pass "300 concurrent keep-alive connections with slow requests"

# --- graceful shutdown -----------------------------------------------------------------------
curl -sS "$BASE/?sleep=700" >"$WORK/drained" &
SLOW=$!
for _ in $(seq 1 200); do
  [[ "$(curl -sS "$BASE/inflight")" == *'"inflight":1'* ]] && break
  sleep 0.01
done
kill -TERM "$PID"
wait "$SLOW"
expect_eq "$(cat "$WORK/drained")" "Hello Ebb!" "in-flight request across SIGTERM"
code=0
wait "$PID" || code=$?
expect_eq "$code" "0" "exit code after SIGTERM"
grep -q 'received SIGTERM' "$WORK/main.log" || fail "no SIGTERM log line"
curl -sS "$BASE/" >/dev/null 2>&1 && fail "still accepting after SIGTERM"
pass "SIGTERM drains in-flight requests and exits 0"

# SIGTERM also ends open WebSockets (close 1001) and idle keep-alive connections.
start wsdrain
python3 - "$PORT" "$PID" <<'EOF'
import os, signal, socket, struct, sys
port, pid = int(sys.argv[1]), int(sys.argv[2])
idle = socket.create_connection(("127.0.0.1", port))
idle.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
assert idle.recv(4096).endswith(b"Hello World!\n")
ws = socket.create_connection(("127.0.0.1", port))
ws.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
f = ws.makefile("rb")
assert b" 101 " in f.readline()
while f.readline().strip():
    pass
os.kill(pid, signal.SIGTERM)
assert f.read(4) == bytes([0x88, 2]) + struct.pack(">H", 1001), "want a close frame 1001"
assert f.read(1) == b"", "WebSocket should be closed"
idle.settimeout(5)
assert idle.recv(1) == b"", "idle keep-alive connection should be closed"
EOF
code=0
wait "$PID" || code=$?
expect_eq "$code" "0" "exit code after SIGTERM with a WebSocket open"
pass "SIGTERM closes WebSockets (1001) and idle connections"

# --- start-up knobs ---------------------------------------------------------------------------
code=0
EXIT_AT_START=3 "$APP" || code=$?
expect_eq "$code" "3" "EXIT_AT_START"
t0=$(date +%s%N)
start delayed START_DELAY_MS=300
elapsed_ms=$((($(date +%s%N) - t0) / 1000000))
((elapsed_ms >= 300)) || fail "START_DELAY_MS: listening after ${elapsed_ms} ms"
expect_eq "$(curl -sS "http://127.0.0.1:$PORT/")" "Hello World!" "default TARGET"
kill -TERM "$PID"
wait "$PID"
pass "EXIT_AT_START, START_DELAY_MS"

# --- socket activation and sd_notify (python3 plays the supervisor) ---------------------------
python3 - "$APP" <<'EOF'
import os, socket, subprocess, sys, urllib.request
app = sys.argv[1]

def supervise(listen_pid, notify_addr, app_port="1"):
    """Binds a socket, starts the app with it as fd 3, returns (process, port, notify socket)."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(16)
    port = lsock.getsockname()[1]
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_addr)
    notify.settimeout(10)
    name = "@" + notify_addr[1:] if notify_addr.startswith("\0") else notify_addr
    env = dict(os.environ, LISTEN_FDS="1", NOTIFY_SOCKET=name, PORT=app_port, TARGET="Activated")
    env.pop("LISTEN_PID", None)
    pid = os.fork()
    if pid == 0:
        if listen_pid == "self":
            env["LISTEN_PID"] = str(os.getpid())
        elif listen_pid:
            env["LISTEN_PID"] = listen_pid
        os.dup2(lsock.fileno(), 3)
        os.set_inheritable(3, True)
        os.execve(app, [app], env)
    lsock.close()
    return pid, port, notify

def check(listen_pid, notify_addr):
    pid, port, notify = supervise(listen_pid, notify_addr)
    try:
        assert notify.recv(64) == b"READY=1"
        body = urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=5).read()
        assert body == b"Hello Activated!\n", body
    finally:
        os.kill(pid, 15)
        _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status

check(None, "\0ebb-hw-test-%d" % os.getpid())          # no LISTEN_PID, abstract notify socket
path = "/tmp/ebb-hw-notify-%d.sock" % os.getpid()
try:
    check("self", path)                                  # LISTEN_PID = the app's pid, path socket
finally:
    os.unlink(path)

# LISTEN_PID naming another process: the app must ignore fd 3 and bind PORT itself.
pid, port, notify = supervise("1", "\0ebb-hw-test2-%d" % os.getpid(), app_port="0")
try:
    assert notify.recv(64) == b"READY=1"
    try:
        urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=2)
        raise AssertionError("app used fd 3 although LISTEN_PID was another process")
    except OSError:
        pass
finally:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
EOF
pass "socket activation (LISTEN_FDS/LISTEN_PID) and NOTIFY_SOCKET"

echo "all helloworld tests passed"
