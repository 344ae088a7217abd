#!/usr/bin/env bash
# Tools the end-to-end tests drive: the real kubectl (part of this machine image; installed from
# the configured apt sources if missing), curl, python3 (a few tests use it to read JSON).
set -euo pipefail
extra=(curl python3)
command -v kubectl >/dev/null || extra+=(kubectl)
exec "$(dirname "$0")/deps.sh" "${extra[@]}"
