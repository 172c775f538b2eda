#!/usr/bin/env bash
# Installs what the Thunderbird end-to-end test (test/thunderbird/) drives: Debian's real `thunderbird`
# package, the Xvfb virtual display its window is drawn on, ImageMagick (its `import` takes the screenshot)
# and a font, so the screenshot is readable. Idempotent; needs root. Nothing is started here: the test
# starts Xvfb and Thunderbird itself and stops them by pid.
set -euo pipefail
packages=(thunderbird xvfb imagemagick fonts-dejavu-core)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# No recommends: Thunderbird's are spelling dictionaries and desktop integration the test never uses.
apt-get install -y -qq --no-install-recommends "${missing[@]}"
