#!/usr/bin/env bash
# Debian packages that npm cannot give: Chromium for the browser tests (Playwright's own browser downloads are
# unreachable here) and curl, the bench's client for large transfers (bench/upload.ts says why).
set -euo pipefail
chromium=${TACK_CHROMIUM:-/usr/bin/chromium}
missing=()
[[ -x $chromium ]] || missing+=(chromium)
command -v curl >/dev/null || missing+=(curl)
((${#missing[@]} == 0)) && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
command -v chromium curl
