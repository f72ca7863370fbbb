#!/usr/bin/env bash
# Audit the fair checks' regression corpora with an nbrefactor tree, then the fates of their judged findings (issue 11).
#
#   benchmarks/regress.sh TREE OUT [CORPUS ...]
#
# TREE: an nbrefactor checkout (run as PYTHONPATH=TREE:TREE/runtime/src $PYTHON -m nbrefactor);
# OUT: folder for <corpus>.json, <corpus>.err, times.tsv (name, exit code, seconds) and fates.txt.
# CORPUS defaults to every corpus of benchmarks/results/corpora.json, then `fixtures` (TREE's fixtures/notebooks).
# Corpora are read from $CORPORA/<corpus>/repos (default /work/corpora), as benchmarks/build_corpora.py writes
# them; one not built is skipped, and said. One audit at a time under nice -n $NICE (default 10).
# Environment: CORPORA, PYTHON (default TREE/.venv/bin/python, else python3), NICE. PYTHON must satisfy TREE's
# requirements (benchmarks/check_requirements.py), or the script stops before any audit (exit code 2).
# Exit code 2 of an audit = some notebooks unreadable (empty, invalid JSON, Git LFS pointers): see <corpus>.err.
# Compare two runs with benchmarks/audit_diff.py BASE_OUT OUT [-v].
set -u
usage="usage: regress.sh TREE OUT [CORPUS ...]"
TREE=$(cd "${1:?$usage}" && pwd) || exit 2
OUT=${2:?$usage}
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
CORPORA=${CORPORA:-/work/corpora}
NICE=${NICE:-10}
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$TREE/.venv/bin/python" ]; then PYTHON=$TREE/.venv/bin/python; else PYTHON=python3; fi
fi
# The interpreter must satisfy TREE's requirements (pyproject's requires-python and dependencies):
# a system python3 with libcst 1.0.1 (nbrefactor needs >= 1.4) once audited every corpus without
# an error and with findings the tree does not make. One line saying what is missing, then stop.
"$PYTHON" "$HERE/check_requirements.py" "$TREE" || exit 2
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd) || exit 2
if [ $# -eq 0 ]; then
  set -- $("$PYTHON" -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))["corpora"]))' "$HERE/results/corpora.json") fixtures
fi
audit() {  # name dir target
  local name=$1 dir=$2 target=$3 t0 t1 rc
  t0=$(date +%s.%N)
  (cd "$dir" && PYTHONPATH="$TREE:$TREE/runtime/src" nice -n "$NICE" "$PYTHON" -m nbrefactor audit "$target" \
      --format json --no-cache --fail-on never --output "$OUT/$name.json") >/dev/null 2>"$OUT/$name.err"
  rc=$?
  t1=$(date +%s.%N)
  printf '%s\t%s\t%.1f\n' "$name" "$rc" "$(echo "$t1 - $t0" | bc)" | tee -a "$OUT/times.tsv"
}
T0=$(date +%s)
done_corpora=()
for c in "$@"; do
  if [ "$c" = fixtures ]; then
    audit fixtures "$TREE" fixtures/notebooks
  elif [ -d "$CORPORA/$c/repos" ]; then
    audit "$c" "$CORPORA/$c" repos
    done_corpora+=("$c")
  else
    echo "skip $c (no $CORPORA/$c/repos)" >&2
  fi
done
echo "total $(( $(date +%s) - T0 )) s" | tee -a "$OUT/times.tsv"
echo
nice -n "$NICE" "$PYTHON" "$HERE/fates_all.py" "$OUT" --kept-noise "$OUT/kept-noise.tsv" | tee "$OUT/fates.txt"
