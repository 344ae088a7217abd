# Shared helpers for the scenario benchmarks (bench/scenarios/*.sh): start `ebb serve` on free
# ports with a temporary data dir and a --config file, deploy helloworld as a Knative Service,
# drive it with `ebb load`, then print the Vegeta text report, the instance counts over time and
# one line per goal:
#   GOAL <name>: <measured> (want <target>) MET|MISSED
# Everything started here is stopped on exit (trap).
#
# Sourced by a scenario script, which then calls, in order:
#   scen_init NAME "$@"          parse --smoke / --full / --out DIR / --keep; sets MODE
#   scen_start_ebb CONFIG_YAML   start ebb serve with that --config text
#   scen_deploy SVC CC ANNOTATIONS_YAML   deploy helloworld (at zero instances) and wait Ready
#   scen_load TAG ARGS...        run `ebb load` against the service (adds --output/--instances/--plot)
#   scen_instances TAG...        print the instance timeline of those runs; sets PEAK, FINAL
#   goal / goal_le / goal_eq     judge and print a GOAL line
#   scen_finish                  exit 1 if a smoke check failed (goals never fail the script)
#
# Environment: EBB (the ebb binary; default build-release/bin/ebb if present, else build/bin/ebb),
# HELLOWORLD (default: helloworld beside $EBB), SCEN_OUT (where reports and plots go).
set -euo pipefail

SCEN_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ -z "${EBB:-}" ]; then
  if [ -x "$SCEN_SRC/build-release/bin/ebb" ]; then EBB=$SCEN_SRC/build-release/bin/ebb
  else EBB=$SCEN_SRC/build/bin/ebb; fi
fi
EBB=$(cd "$(dirname "$EBB")" && pwd)/$(basename "$EBB")
: "${HELLOWORLD:=$(dirname "$EBB")/helloworld}"
[ -x "$EBB" ] || { echo "no ebb binary at $EBB (set EBB)" >&2; exit 2; }
[ -x "$HELLOWORLD" ] || { echo "no helloworld binary at $HELLOWORLD (set HELLOWORLD)" >&2; exit 2; }

SCEN_WORK=$(mktemp -d /tmp/ebb-scen.XXXXXX)
DATA=$SCEN_WORK/data
SERVE_PID=""
MODE=normal
KEEP=""
CHECK_FAILS=0
GOALS_MISSED=0

scen_cleanup() {
  if [ -n "$SERVE_PID" ]; then
    kill -TERM "$SERVE_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
  fi
  if [ -z "$KEEP" ]; then rm -rf "$SCEN_WORK"; else echo "kept $SCEN_WORK"; fi
}
trap scen_cleanup EXIT

# scen_init NAME ARGS...: --smoke (a few seconds, behaviour checks), --full (the long form),
# --out DIR (reports, results, CSVs and plots; default /tmp/ebb-scenarios/NAME), --keep (keep
# the temporary data dir and serve.log).
scen_init() {
  SCEN_NAME=$1; shift
  SCEN_OUT=${SCEN_OUT:-/tmp/ebb-scenarios/$SCEN_NAME}
  while [ $# -gt 0 ]; do
    case $1 in
      --smoke) MODE=smoke ;;
      --full) MODE=full ;;
      --out) SCEN_OUT=$2; shift ;;
      --keep) KEEP=1 ;;
      *) echo "usage: $0 [--smoke|--full] [--out DIR] [--keep]" >&2; exit 2 ;;
    esac
    shift
  done
  mkdir -p "$SCEN_OUT"
  rm -f "$SCEN_OUT"/*.txt "$SCEN_OUT"/*.json "$SCEN_OUT"/*.csv "$SCEN_OUT"/*.html
  echo "=== scenario $SCEN_NAME ($MODE) — ebb: $EBB"
}

E() { "$EBB" --data-dir "$DATA" "$@"; }

# scen_start_ebb CONFIG_YAML: ebb serve on port 0 everywhere; sets GATEWAY.
scen_start_ebb() {
  # Every scenario's config starts with an autoscaler section: revisions may start at zero.
  printf '%s\n  allow-zero-initial-scale: true\n' "$1" >"$SCEN_WORK/config.yaml"
  (cd "$SCEN_WORK" && exec "$EBB" serve --data-dir "$DATA" --listen 127.0.0.1:0 \
      --api-listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 --config "$SCEN_WORK/config.yaml") \
      >>"$SCEN_WORK/serve.log" 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 1 300); do
    [ -s "$DATA/endpoints.json" ] && break
    kill -0 "$SERVE_PID" 2>/dev/null || { cat "$SCEN_WORK/serve.log"; echo "ebb serve died"; exit 1; }
    sleep 0.05
  done
  [ -s "$DATA/endpoints.json" ] || { cat "$SCEN_WORK/serve.log"; echo "no endpoints.json"; exit 1; }
  GATEWAY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gateway"])' \
    "$DATA/endpoints.json")
}

# scen_deploy SVC CC ANNOTATIONS_YAML: helloworld with containerConcurrency CC and the given
# annotation lines ("key: value", one a line) and initial-scale 0 (Ready without an instance),
# so that the first request of the run is a cold start of a revision that never ran.
scen_deploy() {
  SVC=$1
  HOST="$SVC.default.example.com"
  {
    echo "apiVersion: serving.knative.dev/v1"
    echo "kind: Service"
    echo "metadata: {name: $SVC}"
    echo "spec:"
    echo "  template:"
    echo "    metadata:"
    echo "      annotations:"
    echo "        autoscaling.knative.dev/initial-scale: \"0\""
    if [ -n "$3" ]; then
      printf '%s\n' "$3" | sed 's/^ */        /'
    fi
    echo "    spec:"
    echo "      containerConcurrency: $2"
    echo "      containers: [{image: \"$HELLOWORLD\"}]"
  } >"$SCEN_WORK/$SVC.yaml"
  cp "$SCEN_WORK/$SVC.yaml" "$SCEN_OUT/service.yaml"
  E apply -f "$SCEN_WORK/$SVC.yaml" --wait >/dev/null
  [ "$(pod_count)" = 0 ] || { echo "initial-scale 0 started an instance"; exit 1; }
  echo "--- $SVC Ready at zero instances"
}

pod_count() { E get pods -l "serving.knative.dev/service=$SVC" -o name 2>/dev/null | grep -c . || true; }

# scen_load TAG LOAD_ARGS...: `ebb load` against the service through the gateway; the text report
# goes to $SCEN_OUT/TAG.txt (and stdout), every result to TAG.json, the instance counts to
# TAG.csv, the plot to TAG.html.
scen_load() {
  local tag=$1; shift
  echo "--- $tag: ebb load $*"
  cpu_sampler "$SCEN_OUT/$tag.cpu" &
  local sampler=$!
  "$EBB" load "http://$GATEWAY$PATH_QUERY" -H "Host: $HOST" --data-dir "$DATA" \
    --title "$SCEN_NAME $tag" --output "$SCEN_OUT/$tag.json" --instances "$SCEN_OUT/$tag.csv" \
    --plot "$SCEN_OUT/$tag.html" "$@" >"$SCEN_OUT/$tag.txt" 2>"$SCEN_OUT/$tag.err" || {
    kill "$sampler"; cat "$SCEN_OUT/$tag.err"; echo "ebb load failed"; exit 1; }
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  cat "$SCEN_OUT/$tag.txt"
  cpu_summary "$SCEN_OUT/$tag.cpu"
  grep -v '^$' "$SCEN_OUT/$tag.err" || true
}

# cpu_sampler FILE: the whole machine's CPU busy % (of all cores) each second, until killed; the
# scenarios share the machine, and this shows when something else competed for it.
cpu_sampler() {
  local prev cur
  prev=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)
  while sleep 1; do
    cur=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)
    echo "$prev $cur" | awk '{ b = $3 - $1; i = $4 - $2; if (b + i > 0) printf "%.0f\n", 100 * b / (b + i) }'
    prev=$cur
  done >"$1"
}

cpu_summary() {
  local fmt="machine CPU busy (all processes, the scenario included): mean %.0f%%, max %.0f%%;"
  fmt="$fmt %d of %d s >= 90%%\n"
  awk -v fmt="$fmt" '{ s += $1; if ($1 > m) m = $1; if ($1 >= 90) hot++; n++ }
    END { if (n) printf fmt, s / n, m, hot, n }' "$1"
}

# report_json FILES...: the Vegeta json report of saved results (several files: combined).
report_json() { "$EBB" load report --type json "$@"; }

# jeval JSON PYEXPR: a Python expression over a json report bound to j, e.g. 'j["requests"]'.
jeval() { python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }
# non2xx JSON: responses that were not 2xx, transport errors (code 0) included.
non2xx() { jeval "$1" 'sum(v for k, v in j["status_codes"].items() if not 200 <= int(k) < 300)'; }
# pct JSON KEY: a latency of the json report in ms ("50th", "95th", "99th", "max", "mean").
pct() { ms "$(jeval "$1" "j['latencies']['$2']")"; }

ms() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e6 }'; }

# scen_instances TAG...: the runs' instance samples on one time axis (each run placed at its
# first request's time), printed as a timeline of changes; sets PEAK (max desired), PEAK_READY,
# FINAL (last desired), and SETTLE (seconds from which desired never changed again).
scen_instances() {
  local args=()
  for tag in "$@"; do args+=("$SCEN_OUT/$tag.json" "$SCEN_OUT/$tag.csv"); done
  python3 "$SCEN_SRC/bench/scenarios/timeline.py" "${args[@]}" >"$SCEN_OUT/timeline.txt"
  sed '/^VARS/d' "$SCEN_OUT/timeline.txt"
  eval "$(sed -n 's/^VARS //p' "$SCEN_OUT/timeline.txt")"
}

# goal NAME MEASURED TARGET_TEXT OK(0/1): prints the GOAL line.
goal() {
  local verdict=MET
  if [ "$4" != 1 ]; then verdict=MISSED; GOALS_MISSED=$((GOALS_MISSED + 1)); fi
  echo "GOAL $1: $2 (want $3) $verdict"
}
# goal_le NAME MEASURED LIMIT [UNIT]: MEASURED <= LIMIT (numbers, may be fractional).
goal_le() {
  local ok; ok=$(awk -v a="$2" -v b="$3" 'BEGIN { print (a + 0 <= b + 0) ? 1 : 0 }')
  goal "$1" "$2${4:-}" "<= $3${4:-}" "$ok"
}
goal_eq() { local ok=0; [ "$2" = "$3" ] && ok=1; goal "$1" "$2" "$3" "$ok"; }

# Smoke checks: behaviour, not timing. A failed check makes the script exit 1 at scen_finish.
check() {
  local what=$1; shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; CHECK_FAILS=$((CHECK_FAILS + 1)); fi
}

scen_finish() {
  echo "=== $SCEN_NAME: $GOALS_MISSED goal(s) missed; outputs in $SCEN_OUT"
  if [ "$CHECK_FAILS" -ne 0 ]; then
    echo "$CHECK_FAILS check(s) failed; serve log (tail):"; tail -n 30 "$SCEN_WORK/serve.log"
    exit 1
  fi
}
