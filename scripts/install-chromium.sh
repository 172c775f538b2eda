#!/usr/bin/env bash
# Installs what the live view browser test (test/cli/live-view-browser.test.ts) drives: Debian's `chromium`
# package, run headless by playwright-core with executablePath /usr/bin/chromium. Idempotent; needs root.
# Nothing is started here: the test launches Chromium itself and closes it.
set -euo pipefail
packages=(chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# No recommends: the headless test needs no fonts beyond the defaults, no desktop integration.
apt-get install -y -qq --no-install-recommends "${missing[@]}"
