#!/usr/bin/env bash
# Run timing-sensitive tests many times in a row, with one core kept busy, and
# report every failure: a flaky test shows up here before it shows up on CI.
#
#   bash tools/flaky.sh [N] [PYTEST ARGUMENTS ...]
#
# Default: N=20 runs of the browser tests of the built book (every page offline,
# the demos without a kernel, the literature table). The book is built once
# (cached) and the tests repeat in one pytest session (pytest-repeat's --count),
# in one process, while another process keeps one core busy, as on a loaded CI
# machine. Other groups: e.g. `bash tools/flaky.sh 5 tests/test_grade_command.py`.
# Exit status: pytest's (0 when every run of every test passed).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
shift || true
if [ $# -eq 0 ]; then
  set -- tests/test_book.py -k "demo_controls or works_offline or literature_table_and_charts"
fi
bash tools/install.sh >/dev/null
.venv/bin/python -c 'while True: pass' &
BUSY=$!
trap 'kill $BUSY 2>/dev/null || true' EXIT
echo "tools/flaky.sh: $N runs of: $*" >&2
status=0
.venv/bin/python -m pytest -n 0 --count "$N" --repeat-scope=function -p no:cacheprovider -q "$@" || status=$?
echo "tools/flaky.sh: $N runs; exit status $status (failures, if any, are listed above)" >&2
exit $status
