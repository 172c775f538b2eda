#!/usr/bin/env bash
# Installs what the live view browser test (test/cli/live-view-browser.test.ts) drives: Debian's `chromium`
# package, run headless by playwright-core with executablePath /usr/bin/chromium. Idempotent; needs root.
# Nothing is started here: the test launches Chromium itself and closes it. No recommends: the headless
# test needs no fonts beyond the defaults, no desktop integration.
set -euo pipefail
source "$(dirname "$0")/apt-install-missing.sh"
apt_install_missing chromium
