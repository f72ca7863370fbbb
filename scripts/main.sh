#!/usr/bin/env bash
# The main job on the bundled fixtures: install into .venv (scripts/venv.sh), audit (terminal summary + JSON + SARIF in
# build/audit/), then migrate every model into build/packages/.
# The corpus deliberately holds unreadable and blocked notebooks, so exit codes 1 (findings,
# blocked models) and 2 (unreadable inputs) are the expected outcome of each command here;
# anything higher is a crash and fails this script.
set -uo pipefail
cd "$(dirname "$0")/.."
NBREFACTOR_EXTRAS="mlops,verify"
. scripts/venv.sh
mkdir -p build/audit build/packages

check() {  # check NAME STATUS
  if [ "$2" -gt 2 ]; then echo "$1 failed with exit code $2" >&2; exit "$2"; fi
}

nbrefactor audit fixtures/notebooks --format json --output build/audit/audit.json; check audit $?
nbrefactor audit fixtures/notebooks --format sarif --output build/audit/audit.sarif; check "audit (sarif)" $?
nbrefactor audit fixtures/notebooks --no-source --color never | tail -n 25
# Every written package climbs the proof ladder (installs, imports, its tests, its pipeline step by
# step, verify against the notebook) in an environment layered on this one (`--prove-env current`:
# offline, from what scripts/venv.sh installed). About a minute and a half per package on two
# cores; NBREFACTOR_PROVE=0 skips it, and every output then says the packages are not proven.
nbrefactor migrate fixtures/notebooks --out build/packages --prove-env current; check migrate $?

echo
echo "audit: build/audit/audit.json, build/audit/audit.sarif"
echo "packages: build/packages/ (each with MIGRATION.md; blocked notebooks are listed above)"
