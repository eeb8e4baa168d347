#!/bin/sh
# `tack`, the CLI, as the Linux packages install it (/usr/bin/tack links here, <app>/resources/cli/tack): the
# app's own binary in CLI mode (src/main/cli-mode.ts), with the package's Kubo, MinIO and native module. The
# runAsNode fuse is off, so ELECTRON_RUN_AS_NODE cannot be used; Chromium's headless platform lets the
# command run without a display (a terminal over ssh).
here=$(dirname "$(readlink -f "$0")")
exec "$here/../../tack-desktop" --ozone-platform=headless --tack-cli "$@"
