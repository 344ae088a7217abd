# Shared helpers for the end-to-end tests: start the real `ebb serve` on free ports with a
# temporary data dir, talk to it with real clients, and clean up whatever happens.
# Sourced by tests/e2e_*.sh. Needs EBB_BIN (build/bin) and EBB_SRC (the repo root).
set -euo pipefail

: "${EBB_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${EBB_BIN:=$EBB_SRC/build/bin}"
EBB="$EBB_BIN/ebb"
WORK=$(mktemp -d /tmp/ebb-e2e.XXXXXX)
export HOME="$WORK/home"          # kubectl's discovery cache stays inside the test
mkdir -p "$HOME"
DATA="$WORK/data"
SERVE_PID=""
FAILS=0
PASSES=0

cleanup() {
  stop_ebb KILL || true
  if [ "${KEEP_WORK:-}" = "" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

log() { echo "--- $*"; }
pass() { PASSES=$((PASSES + 1)); echo "ok   $*"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL $*"; }

# check DESCRIPTION COMMAND...: runs the command, passes when it exits 0.
check() {
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

# expect_eq DESCRIPTION WANT GOT
expect_eq() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: want [$2] got [$3]"; fi
}

# expect_contains DESCRIPTION NEEDLE HAYSTACK
expect_contains() {
  if [[ "$3" == *"$2"* ]]; then pass "$1"; else fail "$1: [$2] not in [$3]"; fi
}

# start_ebb [extra serve flags...]: starts ebb serve on port 0 in the background, waits for
# endpoints.json, exports GATEWAY, API, ADMIN and KUBECONFIG.
start_ebb() {
  rm -f "$DATA/endpoints.json"
  (cd "$EBB_SRC" && exec "$EBB" serve --data-dir "$DATA" --listen 127.0.0.1:0 \
      --api-listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 "$@") >>"$WORK/serve.log" 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 1 200); do
    [ -s "$DATA/endpoints.json" ] && break
    kill -0 "$SERVE_PID" 2>/dev/null || { cat "$WORK/serve.log"; echo "ebb serve died"; exit 1; }
    sleep 0.05
  done
  [ -s "$DATA/endpoints.json" ] || { cat "$WORK/serve.log"; echo "no endpoints.json"; exit 1; }
  GATEWAY=$(json_field "$DATA/endpoints.json" gateway)
  API=$(json_field "$DATA/endpoints.json" api)
  ADMIN=$(json_field "$DATA/endpoints.json" admin)
  export KUBECONFIG="$DATA/kubeconfig"
}

# stop_ebb [TERM|KILL]
stop_ebb() {
  local sig=${1:-TERM}
  [ -n "$SERVE_PID" ] || return 0
  kill "-$sig" "$SERVE_PID" 2>/dev/null || true
  for _ in $(seq 1 200); do
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.05
  done
  wait "$SERVE_PID" 2>/dev/null || true
  SERVE_PID=""
}

json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# retry SECONDS COMMAND...: reruns the command every 0.1 s until it succeeds or time runs out.
retry() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.1
  done
}

finish() {
  echo "$PASSES passed, $FAILS failed"
  if [ "$FAILS" -ne 0 ]; then
    echo "--- serve log (tail)"; tail -n 40 "$WORK/serve.log" || true
    exit 1
  fi
}
