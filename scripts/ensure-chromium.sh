#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright's own browser downloads are unreachable here).
set -euo pipefail
[[ -x /usr/bin/chromium ]] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
