#!/usr/bin/env bash
# Install the project with its test extras into .venv (scripts/venv.sh), then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
NBREFACTOR_EXTRAS="test"
. scripts/venv.sh
# The HTML report's browser tests drive Debian's chromium through Playwright (`playwright install`
# cannot download its own browser here). Installed once; CI runs as root.
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# The project's own byte-code, once: where PYTHONDONTWRITEBYTECODE=1 is set, each of the hundreds
# of processes the tests start (CLI runs, kernels, package steps) would compile nbrefactor again.
python -m compileall -q nbrefactor runtime >/dev/null
# Two workers (the machines have 2 cores); a file's tests stay on one worker so module-scoped
# fixtures (a migrated corpus, a kfp run) are built once. --no-loadscope-reorder: by default xdist
# queues the files with most tests first, which put test_fidelity.py (one test, a third of the
# suite's CPU) last, alone on one worker; tests/conftest.py orders the longest files first instead.
# --durations: the slowest tests are named at the end of every run, the CI's included (docs/testing.md).
python -m pytest -n auto --dist loadfile --no-loadscope-reorder --durations=25 "$@"
