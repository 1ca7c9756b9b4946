#!/usr/bin/env bash
# CI: Debian's chromium for the browser tests (tests/test_web.py drives it with Playwright through
# executable_path=/usr/bin/chromium; Playwright's own browser download is never used).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
