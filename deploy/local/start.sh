#!/usr/bin/env bash
# Start the dl4mir course JupyterHub on this machine (as root):
#
#   sudo cp deploy/local/roster.example.csv /srv/dl4mir/roster.csv   # then edit it
#   sudo bash deploy/local/start.sh
#
# It installs the servers' environment (tools/install.sh into $STATE/env, from
# Debian's python3.11 so that every user can run it) and configurable-http-proxy (npm ci, pinned by
# deploy/local/package-lock.json), creates a Unix account for everybody on the
# roster and the course's folders (deploy/local/course_hub.py), and runs
# JupyterHub with deploy/local/jupyterhub_config.py in the foreground (Ctrl-C
# stops it and every user's server). Run it again after editing the roster.
#
# Settings (environment variables, defaults in course_hub.py):
#   DL4MIR_HUB_STATE=/srv/dl4mir       hub database, course folder, exchange
#   DL4MIR_HUB_ROSTER=$STATE/roster.csv   username,role (instructor|grader|student)
#   DL4MIR_HUB_IP=0.0.0.0 DL4MIR_HUB_PORT=8000   where the hub listens
#   DL4MIR_HUB_SSL_CERT, DL4MIR_HUB_SSL_KEY      HTTPS (or put a TLS proxy in front)
#   DL4MIR_HUB_AUTH=native             native (sign up, roster names only) | pam (Unix passwords)
#   DL4MIR_HUB_MEM=8G DL4MIR_HUB_CPUS=2 DL4MIR_HUB_PROCESSES=512   limits per user
#   DL4MIR_HUB_GPUS=0,1                spread users over these GPUs (default: all see all)
#   DL4MIR_HUB_IDLE_TIMEOUT=3600       stop servers idle this many seconds
#   DL4MIR_HUB_PYTHON=/usr/bin/python3.11   the interpreter of $STATE/env
#   DL4MIR_HUB_SPAWNER=auto            systemd where systemd runs (cgroup limits), else local
#   DL4MIR_HUB_SITE=/opt/dl4mir/_build/html   also serve the built book at /services/book/ (DL4MIR_HUB_SITE_PORT=9998)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [ "$(id -u)" != 0 ]; then
  echo "deploy/local/start.sh: run as root (it creates the course's Unix accounts): sudo bash $0" >&2
  exit 1
fi
command -v npm >/dev/null 2>&1 || {
  echo "deploy/local/start.sh: npm is missing (apt-get install nodejs npm): configurable-http-proxy comes from npm" >&2
  exit 1
}

# The servers' Python environment, readable by every user: $STATE/env, built by
# tools/install.sh from an interpreter outside any home folder (Debian's python3.11).
state=${DL4MIR_HUB_STATE:-/srv/dl4mir}
python=${DL4MIR_HUB_PYTHON:-$(command -v /usr/bin/python3.11 || command -v python3.11 || true)}
if [ -z "$python" ]; then
  echo "deploy/local/start.sh: Python 3.11 is missing (apt-get install python3.11 python3.11-venv)" >&2
  exit 1
fi
mkdir -p "$state" && chmod 755 "$state"
(cd "$repo" && PYTHON=$python VENV=$state/env EXTRAS=grading,hub EDITABLE=0 bash tools/install.sh)
env=$state/env

want=$(sha256sum "$here/package-lock.json" | cut -c1-64)
if [ "$(cat "$here/node_modules/.dl4mir-installed" 2>/dev/null)" != "$want" ]; then
  (cd "$here" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
  echo "$want" > "$here/node_modules/.dl4mir-installed"
fi
DL4MIR_HUB_STATE=$state "$env/bin/python" "$here/course_hub.py" setup

cd "$state/hub"
DL4MIR_HUB_STATE=$state exec "$env/bin/jupyterhub" -f "$here/jupyterhub_config.py"
