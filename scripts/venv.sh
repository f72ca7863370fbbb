# Sourced by main.sh and test.sh: make and activate the project's virtual environment (.venv), so
# nothing is installed into the system Python (Debian's python3 refuses that: PEP 668), then
# install the project with the extras named in $NBREFACTOR_EXTRAS, and the runtime library its
# generated packages depend on (runtime/, the nbrefactor-runtime distribution). uv does the install when it
# can be had (about 4× faster than pip here); plain pip is the fallback.
PYTHON="${PYTHON:-python3}"
VENV="${NBREFACTOR_VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV" || { echo "could not create a virtual environment with $PYTHON -m venv (on Debian/Ubuntu: apt-get install python3-venv)" >&2; exit 1; }
fi
# shellcheck disable=SC1091
. "$VENV/bin/activate"
if ! python -m uv --version >/dev/null 2>&1; then
  python -m pip install -q --disable-pip-version-check uv >/dev/null 2>&1 || true
fi
# --compile-bytecode: uv, unlike pip, writes no .pyc files, and where PYTHONDONTWRITEBYTECODE=1 is
# set (it is on these machines) Python never writes them either, so every process compiled pandas,
# scikit-learn, torch… from source again: importing pandas and scikit-learn took 6.5 s of CPU
# instead of 1.9 s, in every kernel, package run and proof the tests start.
if python -m uv --version >/dev/null 2>&1; then
  python -m uv pip install -q --compile-bytecode --python "$VENV/bin/python" -e ./runtime -e ".[$NBREFACTOR_EXTRAS]" || exit 1
else
  python -m pip install -q --disable-pip-version-check -e ./runtime -e ".[$NBREFACTOR_EXTRAS]" || exit 1
fi
# The test extras' PyTorch: its CPU build (~190 MB wheel), never PyPI's default CUDA build (several
# GB of nvidia-* wheels), which is why it is no extra. `torch==2.13.0+cpu` exists only where a
# local version can: a find-links folder of this machine's pip configuration (tried first: PyPI has
# no `+cpu` builds, so this fails fast elsewhere), then PyTorch's CPU index. A torch already
# installed (any build) is kept. Without it the torch tests skip, each saying why.
case ",$NBREFACTOR_EXTRAS," in
  *,test,*)
    if ! python -c 'import importlib.metadata as m; m.version("torch")' >/dev/null 2>&1; then
      TORCH_CPU="torch==2.13.0+cpu"
      # uv first, from the same find-links (it does not read pip's configuration): pip unpacks
      # and byte-compiles the wheel each time (225 s wall, 22 s CPU at load 14-22), uv links it
      # from its cache (33 s the first time, 4 s after).
      FIND_LINKS=(); for link in ${PIP_FIND_LINKS:-$(python -m pip config get global.find-links 2>/dev/null)}; do FIND_LINKS+=(--find-links "$link"); done
      { [ "${#FIND_LINKS[@]}" -gt 0 ] && python -m uv --version >/dev/null 2>&1 \
          && python -m uv pip install -q --compile-bytecode --python "$VENV/bin/python" "${FIND_LINKS[@]}" "$TORCH_CPU" >/dev/null 2>&1; } \
        || python -m pip install -q --disable-pip-version-check "$TORCH_CPU" >/dev/null 2>&1 \
        || python -m pip install -q --disable-pip-version-check --timeout 30 --retries 1 \
             --extra-index-url https://download.pytorch.org/whl/cpu "$TORCH_CPU" \
        || echo "warning: could not install $TORCH_CPU (neither from pip's configured find-links nor from https://download.pytorch.org/whl/cpu): the PyTorch and Keras tests will be skipped" >&2
    fi
    ;;
esac
