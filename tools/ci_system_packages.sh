#!/usr/bin/env bash
# Debian/Ubuntu packages the tests and the book build need, for a CI runner that is
# not root (GitHub Actions: sudo). .ci/run installs the same when run as root, and
# tools/install.sh the data packages. Chromium and its driver: the runner image's
# Google Chrome and chromedriver serve the browser tests.
set -euo pipefail
SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
packages=(
  bubblewrap                         # mirlib grade's sandbox
  hydrogen-drumkits                  # the drum chapter's recorded kits
  pocketsphinx-testdata              # the music/speech chapter's other-source speech
  libfluidsynth3 musescore-general-soundfont-small   # band songs (mirlib.synth.band)
  timgm6mb-soundfont                 # the held-out SoundFont (mirlib.synth.fluid)
)
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
# the course hub's end-to-end test runs its servers on Debian's python3.11 with venv
if ! /usr/bin/python3.11 -c 'import venv, ensurepip' 2>/dev/null; then
  $SUDO add-apt-repository -y ppa:deadsnakes/ppa >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3.11 python3.11-venv >/dev/null
fi
