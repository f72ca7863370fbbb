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
# 1. Every model of the corpus compiled into a package (build/packages/, with the HTML report).
# 2. The proof ladder (installs, imports, its tests pass, runs step by step as the pipeline runs
#    it, verify against the notebook) for two flagship models, each installed with its own pins
#    into a clean environment from the package index (about 2 minutes for both here). Proving the
#    whole corpus takes minutes per package on two cores: NBREFACTOR_PROVE_ALL=1 does it;
#    NBREFACTOR_PROVE=0 skips proof altogether (every output then says "not proven").
if [ "${NBREFACTOR_PROVE_ALL:-0}" = "1" ]; then
  nbrefactor migrate fixtures/notebooks --out build/packages; check migrate $?
else
  NBREFACTOR_PROVE=0 nbrefactor migrate fixtures/notebooks --out build/packages; check migrate $?
  if [ "${NBREFACTOR_PROVE:-1}" != "0" ]; then
    nbrefactor migrate fixtures/notebooks/churn fixtures/notebooks/kale_pipeline --out build/proven; check "migrate (proven)" $?
  fi
fi

echo
echo "audit: build/audit/audit.json, build/audit/audit.sarif"
echo "packages: build/packages/ (each with MIGRATION.md; blocked notebooks are listed above); proven: build/proven/"
