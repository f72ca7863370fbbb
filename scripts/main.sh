#!/usr/bin/env bash
# The main job on the bundled fixtures: install, then audit (terminal report + JSON in build/audit/).
# Exit codes 1 (findings) and 2 (the corpus deliberately holds unreadable notebooks) are the
# expected outcome here; anything else is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e . || exit 1
mkdir -p build/audit
nbrefactor audit fixtures/notebooks --format json --output build/audit/audit.json
status=$?
nbrefactor audit fixtures/notebooks --no-source --color never | tail -n 40
if [ "$status" -gt 2 ]; then echo "audit failed with exit code $status" >&2; exit "$status"; fi
echo "audit report: build/audit/audit.json (exit code $status: 1 = findings, 2 = unreadable fixtures present)"
