#!/usr/bin/env bash
# CI: npm (Debian's) for `make install`, which installs the page's charting library from npm.
set -euo pipefail
if command -v npm >/dev/null; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
npm --version
