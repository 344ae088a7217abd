#!/usr/bin/env bash
# Installs the Debian 12 packages ebb needs to build and test, if any is missing. Idempotent and
# quick when everything is present (one dpkg query).
set -euo pipefail
pkgs=(build-essential cmake ninja-build ccache pkg-config git curl ca-certificates
      libboost-dev libboost-system-dev libssl-dev libsqlite3-dev sqlite3 nlohmann-json3-dev
      libyaml-cpp-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
      libgoogle-perftools-dev liburing-dev openssl)
pkgs+=("$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
