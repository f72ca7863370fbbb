#!/usr/bin/env bash
# Does a change alter generated code? Migrates the fixture corpus with two checkouts and compares
# the package trees byte for byte (and migration-report.json), plain and --allow-hidden-state.
#
#   scripts/compare_migrate.sh BEFORE_DIR AFTER_DIR [WORK_DIR]
#
# BEFORE_DIR / AFTER_DIR: checkouts of nbrefactor (e.g. `git worktree add /tmp/before main`).
# Exit 0 when every package and both reports are identical, 1 otherwise (the differences listed).
set -uo pipefail
before=$(cd "$1" && pwd); after=$(cd "$2" && pwd)
work=${3:-$(mktemp -d)}
python=${PYTHON:-python}
status=0
for side in before after; do
  src=${!side}
  for mode in plain hidden; do
    flags=(); [ "$mode" = hidden ] && flags=(--allow-hidden-state)
    rm -rf "$work/$side/$mode"; mkdir -p "$work/$side"
    (cd "$src" && PYTHONPATH="$src" "$python" -m nbrefactor migrate fixtures/notebooks --out "$work/$side/$mode" \
       --no-cache --progress lines --color never "${flags[@]}" > "$work/$side/$mode.log" 2>&1)
    rm -f "$work/$side/$mode/.nbrefactor-cache.json"
  done
done
for mode in plain hidden; do
  # report/ holds absolute links to the output folder; migration-report.json does not.
  if diff -r -q -x report "$work/before/$mode" "$work/after/$mode"; then
    echo "$mode: packages and migration-report.json identical"
  else
    status=1
  fi
done
exit $status
