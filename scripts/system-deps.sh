#!/usr/bin/env bash
# What the test suite needs from the system: PostgreSQL 15 server binaries and Chromium
# (browser tests). Installed from Debian's packages when absent and we may (root or sudo).
set -euo pipefail
need=()
[ -x /usr/lib/postgresql/15/bin/pg_ctl ] || command -v pg_ctl >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium fonts-noto-core)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 && SUDO="sudo" || {
    echo "Missing system packages: ${need[*]}. Install them (apt-get install ${need[*]})." >&2
    exit 1
  }
fi
echo "Installing system packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
