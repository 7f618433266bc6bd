#!/usr/bin/env bash
# Create or update the project's virtual environment .venv/ with mirlib and
# everything the book, the exercises and the tests need, pinned by
# requirements/lock.txt. Safe to run again: it does nothing when pyproject.toml
# and the lock file have not changed since the last successful run.
#
#   PYTHON=python3.11 bash tools/install.sh     # choose the interpreter
#
# deploy/local/start.sh builds the course hub's environment with it too, elsewhere,
# with fewer extras and mirlib copied in rather than linked to this folder:
#   VENV=/srv/dl4mir/env EXTRAS=grading,hub EDITABLE=0 bash tools/install.sh
#
# madmom 0.16.1 (the only release on PyPI) needs two extra steps, done here:
# it is built against the already installed numpy and Cython, so it is
# installed with --no-build-isolation after them, and it imports pkg_resources,
# so setuptools must stay below 81. mirlib/compat.py handles its import on
# Python 3.11 and NumPy >= 1.24.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then PYTHON=$candidate; break; fi
  done
fi
if [ -z "$PYTHON" ] || ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "tools/install.sh: Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi

# `mirlib grade` runs students' kernels in bubblewrap (Debian package bubblewrap).
if ! command -v bwrap >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    (apt-get install -y -qq bubblewrap >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; }) \
      || echo "tools/install.sh: could not install bubblewrap; mirlib grade will refuse to run" >&2
  else
    echo "tools/install.sh: note: mirlib grade needs bubblewrap (sudo apt-get install bubblewrap)" >&2
  fi
fi

# The drum transcription chapter plays Hydrogen's recorded drum kits (Debian package
# hydrogen-drumkits, 143 MB); without it mirlib downloads the same package on first use.
if [ ! -f /usr/share/hydrogen/data/drumkits/HardElectro1/drumkit.xml ] && command -v apt-get >/dev/null 2>&1 \
   && [ "$(id -u)" = 0 ]; then
  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends hydrogen-drumkits >/dev/null 2>&1 \
   || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        hydrogen-drumkits >/dev/null; }) \
    || echo "tools/install.sh: could not install hydrogen-drumkits; mirlib will download the kits on first use" >&2
fi

# The music/speech chapter tests on CMU Sphinx's test recordings (Debian package
# pocketsphinx-testdata, 1.8 MB); without it mirlib downloads the same package on first use.
if [ ! -f /usr/share/pocketsphinx/test/data/cards/001.wav ] && command -v apt-get >/dev/null 2>&1 \
   && [ "$(id -u)" = 0 ]; then
  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pocketsphinx-testdata >/dev/null 2>&1 \
   || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        pocketsphinx-testdata >/dev/null; }) \
    || echo "tools/install.sh: could not install pocketsphinx-testdata; mirlib will download it on first use" >&2
fi

# New band-song training audio (mirlib.synth.band) plays a General MIDI SoundFont through
# FluidSynth (Debian libfluidsynth3 and musescore-general-soundfont-small, 34 MB); the bass and
# structure chapters test on a second one that no network trains on (timgm6mb-soundfont, 5 MB).
# Without the SoundFonts mirlib downloads the same packages on first use. Reading the book and
# running the shipped models need neither.
if { ! ldconfig -p 2>/dev/null | grep -q libfluidsynth || [ ! -f /usr/share/sounds/sf3/MuseScore_General_Lite.sf3 ] \
     || [ ! -f /usr/share/sounds/sf2/TimGM6mb.sf2 ]; } \
   && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libfluidsynth3 \
     musescore-general-soundfont-small timgm6mb-soundfont >/dev/null 2>&1 \
   || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        libfluidsynth3 musescore-general-soundfont-small timgm6mb-soundfont >/dev/null; }) \
    || echo "tools/install.sh: could not install FluidSynth; rendering new band songs for training will say what to install" >&2
fi

# The book's page "Try it on your own recording" runs the networks in the reader's browser with
# ONNX Runtime Web (npm, pinned with its hashes by tools/web/package-lock.json); the book's build
# copies its WebAssembly build into the site. Without npm that page says the tool is missing.
if command -v npm >/dev/null 2>&1; then
  if ! cmp -s tools/web/package-lock.json tools/web/node_modules/.dl4mir-lock 2>/dev/null; then
    (cd tools/web && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error) \
      && cp tools/web/package-lock.json tools/web/node_modules/.dl4mir-lock \
      || echo "tools/install.sh: npm ci failed in tools/web; the book's 'Try it' page will lack ONNX Runtime Web" >&2
  fi
else
  echo "tools/install.sh: note: the book's 'Try it' page needs npm (apt-get install npm) for ONNX Runtime Web" >&2
fi

VENV=${VENV:-.venv}
EXTRAS=${EXTRAS:-book,grading,test,hub}
EDITABLE=${EDITABLE:-1}
LOCK=requirements/lock.txt
STAMP=$VENV/.dl4mir-installed
want=$(cat pyproject.toml "$LOCK" | sha256sum | cut -c1-64)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  if [ "$EDITABLE" != 1 ]; then
    # a copied mirlib is refreshed every time (seconds): the stamp does not see its code
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
      --force-reinstall .
  fi
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV" || {
    echo "tools/install.sh: could not create $VENV (on Debian/Ubuntu: apt-get install python3.11-venv)" >&2
    exit 1
  }
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
"${PIP[@]}" install --quiet -c "$LOCK" pip
# madmom's build needs these in the environment itself (no build isolation).
# pip compiles what it installs to bytecode one file after another; compileall below does it
# on every core (TensorFlow alone is thousands of files: 65 s on one core, 42 s on two)
"${PIP[@]}" install --quiet --no-compile -c "$LOCK" numpy Cython setuptools wheel
"${PIP[@]}" install --quiet --no-compile -c "$LOCK" --no-build-isolation madmom
if [ "$EDITABLE" = 1 ]; then
  "${PIP[@]}" install --quiet --no-compile -c "$LOCK" -e ".[$EXTRAS]"
else
  "${PIP[@]}" install --quiet --no-compile -c "$LOCK" --no-build-isolation ".[$EXTRAS]"
fi
# files that do not compile (a few packages ship Python 2 examples) are left as pip leaves them
"$VENV/bin/python" -m compileall -q -j 0 "$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" \
  >/dev/null 2>&1 || true
# A widget-enabled kernel named python3 for the book and nbgrader.
"$VENV/bin/python" -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (dl4mir)" >/dev/null
echo "$want" > "$STAMP"
echo "tools/install.sh: $VENV is ready"
