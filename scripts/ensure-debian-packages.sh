#!/usr/bin/env bash
# Debian packages that npm cannot give: Chromium for the browser tests (Playwright's own browser downloads are
# unreachable here) and curl, the bench's client for large transfers (bench/upload.ts says why).
set -euo pipefail
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v curl >/dev/null || missing+=(curl)
((${#missing[@]} == 0)) && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
/usr/bin/chromium --version
curl --version | head -n 1
