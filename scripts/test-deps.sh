#!/usr/bin/env bash
# Tools the end-to-end tests drive: the real kubectl (part of this machine image; installed from
# the configured apt sources if missing), curl, python3 (a few tests use it to read JSON), nginx
# (a plain origin server for `ebb load`), chromium (headless, to render `ebb load --plot` and to
# run the dashboard in e2e_dashboard.sh), prometheus (with promtool: e2e_prometheus.sh scrapes
# /metrics with it) and nodejs (the dashboard's script tests, `node --test`).
set -euo pipefail
extra=(curl python3 nginx chromium prometheus nodejs)
command -v kubectl >/dev/null || extra+=(kubectl)
exec "$(dirname "$0")/deps.sh" "${extra[@]}"
