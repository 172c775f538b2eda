#!/usr/bin/env bash
# Installs what the Thunderbird end-to-end test (test/thunderbird/) drives: Debian's real `thunderbird`
# package, the Xvfb virtual display its window is drawn on, ImageMagick (its `import` takes the screenshot)
# and a font, so the screenshot is readable. Idempotent; needs root. Nothing is started here: the test
# starts Xvfb and Thunderbird itself and stops them by pid. No recommends: Thunderbird's are spelling
# dictionaries and desktop integration the test never uses.
set -euo pipefail
source "$(dirname "$0")/apt-install-missing.sh"
apt_install_missing thunderbird xvfb imagemagick fonts-dejavu-core
