# Shared by the benchmark scripts in bench/ (sourced): where the binaries are, the scheduling
# policy, and the warm helloworld Service they measure through.

BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# bench_binaries: sets EBB (default build-release/bin/ebb from `make release`, else build/bin/ebb)
# and HELLOWORLD (default beside EBB); exits 2 when either is missing.
bench_binaries() {
  if [ -z "${EBB:-}" ]; then
    for b in build-release build; do
      [ -x "$BENCH_SRC/$b/bin/ebb" ] && { EBB=$BENCH_SRC/$b/bin/ebb; break; }
    done
  fi
  [ -x "${EBB:-}" ] || { echo "no ebb binary (set EBB=, or build: make release)" >&2; exit 2; }
  HELLOWORLD=${HELLOWORLD:-$(dirname "$EBB")/helloworld}
  [ -x "$HELLOWORLD" ] || { echo "no helloworld at $HELLOWORLD (set HELLOWORLD=)" >&2; exit 2; }
}

# bench_sched POLICY: sets PRIO, the command prefix for POLICY: rt (SCHED_FIFO priority 1; the
# default when root), nice (nice -10) or none (""). On a shared 2-core machine rt approximates
# a quiet one: other people's compilers do not take the CPU in the middle of a measurement.
bench_sched() {
  local policy=${1:-}
  [ -n "$policy" ] || { [ "$(id -u)" = 0 ] && policy=rt || policy=none; }
  SCHED=$policy
  case $policy in
    rt) PRIO=(chrt -f 1) ;;
    nice) PRIO=(nice -n -10) ;;
    none) PRIO=() ;;
    *) echo "-s must be rt, nice or none" >&2; exit 2 ;;
  esac
}

# bench_hello_service FILE: writes the Service every warm-path benchmark uses: helloworld with
# exactly one instance (min-scale = max-scale = 1) behind a socket ebb owns, so its port is fixed.
bench_hello_service() {
  cat >"$1" <<YAML
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello, namespace: default}
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/min-scale: "1"
        autoscaling.knative.dev/max-scale: "1"
        ebb.dev/socket-activation: "true"
    spec:
      containers:
        - image: $HELLOWORLD
          env: [{name: TARGET, value: World}]
YAML
}
