"""Issue 9, point 3: a notebook that seeds in one step and draws in later ones (the `segments` fixture:
`np.random.seed(7)` in cell 2, `np.random.normal` in cell 5, `KMeans(n_init=10)` without
`random_state` in cell 8) gives the same numbers when its steps run as separate processes, because
the compiler carries the global random state from step to step (compile/random_state.py).

Rung 5 of the proof ladder is run for real: every step in its own process through
the package's `runtime.run_step`, values passed as artifacts, compared with the in-process run.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from nbfactory import project, write_notebook
from nbrefactor.cli.app import main
from nbrefactor.migrate.prove import _pipeline

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks"


def _rung5(package_dir: Path, package: str, work: Path) -> tuple[bool, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update({"PYTHONPATH": str(package_dir / "src"), "NBREFACTOR_NO_TRACKING": "1", f"{package.upper()}_NO_TRACKING": "1", "PYTHONHASHSEED": "0"})
    work.mkdir()
    return _pipeline(package, package_dir, Path(sys.executable), work, env, 300)


@pytest.fixture(scope="module")
def segments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("segments")
    shutil.copytree(FIXTURES / "segments", root / "segments")
    assert main(["migrate", str(root / "segments"), "--out", str(root / "out"), "--no-cache"]) == 0
    return root / "out" / "customer_segments"


def test_the_seeded_state_is_a_value_from_the_seeding_step_to_the_last_drawing_step(segments: Path):
    source = (segments / "src" / "customer_segments" / "steps.py").read_text()
    state = "_nbrefactor_numpy_random_state"
    # seeded in the first step: it returns the state it ends with …
    assert re.search(rf"np\.random\.seed\(cfg\.seed\)\n(.*\n)*?    {state} = _nbrefactor_numpy\.random\.get_state\(\)\n    return {state}, customers", source)
    # … and each later step that draws (the jitter; KMeans without random_state) starts from it.
    assert f"def scale(cfg: Config, {state}, customers):" in source
    assert f"def choose_k(cfg: Config, Z, {state}, cols, customers):" in source
    assert source.count(f"_nbrefactor_numpy.random.set_state({state})") == 2
    assert "import numpy as _nbrefactor_numpy" in source


def test_the_fixture_run_step_by_step_in_separate_processes_equals_the_in_process_run(segments: Path, tmp_path: Path):
    ok, detail = _rung5(segments, "customer_segments", tmp_path / "carried")
    assert ok, detail
    assert re.fullmatch(r"3 steps in separate processes \(runtime\.run_step\), \d+ values equal to the in-process run", detail), detail
    # Without the restored state (what the compiler emitted before), the same rung fails: each
    # process draws from a fresh, unseeded generator.
    broken = tmp_path / "broken"
    shutil.copytree(segments, broken)
    steps = broken / "src" / "customer_segments" / "steps.py"
    steps.write_text(re.sub(r"    _nbrefactor_numpy\.random\.set_state\(\w+\)\n", "", steps.read_text()))
    ok, detail = _rung5(broken, "customer_segments", tmp_path / "uncarried")
    assert not ok and "differs" in detail, detail


def test_a_notebook_that_seeds_and_draws_in_one_step_carries_nothing(tmp_path: Path):
    cells = [("md", "# Draw"), "import random\nrandom.seed(3)\nx = random.random()", ("md", "# Use"), "y = x * 2"]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    assert main(["migrate", str(path), "--out", str(tmp_path / "out"), "--no-cache"]) == 0
    assert "_nbrefactor_" not in (tmp_path / "out" / "nb" / "src" / "nb" / "steps.py").read_text()


TORCH_MISSING = "torch is not installed (scripts/venv.sh installs torch==2.13.0+cpu with the test extras and warns when it cannot)"

LOADER_CELLS = [
    ("md", "# Seed"),
    "import torch\nfrom torch.utils.data import DataLoader",
    "torch.manual_seed(0)",
    ("md", "# Loader"),
    "rows = list(range(12))\nloader = DataLoader(rows, batch_size=4, shuffle=True)",
    ("md", "# Report"),
    "count = len(rows)",
    ("md", "# Iterate"),
    "order = [int(i) for batch in loader for i in batch]",
]


# the restore statement, on one line or as the formatter wraps it
RESTORE = re.compile(r"    _nbrefactor_torch\.set_rng_state\((?:[^\n]*\)|\n(?:        [^\n]*\n)*    \))\n")


def _migrated(tmp_path: Path, cells, name: str) -> Path:
    path = write_notebook(project(tmp_path) / f"{name}.ipynb", cells)
    assert main(["migrate", str(path), "--out", str(tmp_path / "out"), "--no-cache"]) in (0, 1)
    return tmp_path / "out" / name


def test_a_shuffling_dataloader_draws_where_it_is_iterated_not_where_it_is_built(tmp_path: Path):
    """Building `DataLoader(..., shuffle=True)` draws nothing; iterating it draws the order. The
    torch state crosses to the step that iterates the loader (it used to end at the step that
    built it, and torch's generator was not carried at all: a separate process shuffled anew)."""
    package = _migrated(tmp_path, LOADER_CELLS, "loaders")
    source = (package / "src" / "loaders" / "steps.py").read_text()
    state = "_nbrefactor_torch_random_state"
    assert re.search(rf"def iterate\(cfg: Config, [^)]*{state}", source), source
    assert source.count("_nbrefactor_torch.set_rng_state(") == 3  # loader, report, iterate
    unwrapped = re.sub(r"\s+", "", source)  # black wraps the restore statement
    assert unwrapped.count(f"_nbrefactor_torch.tensor({state},dtype=_nbrefactor_torch.uint8)") == 3
    assert "_nbrefactor_numpy" not in source  # only the library the notebook seeds
    # torch does not depend on NumPy: a state carried as `.numpy()` stopped the proof's clean
    # environment ("RuntimeError: Numpy is not available") of a notebook that imports only torch
    assert ".numpy()" not in source and f"{state}=_nbrefactor_torch.get_rng_state().tolist()" in unwrapped


def test_a_shuffled_order_is_the_notebooks_when_steps_run_in_separate_processes(tmp_path: Path):
    pytest.importorskip("torch", reason=TORCH_MISSING)
    package = _migrated(tmp_path, LOADER_CELLS, "loaders")
    ok, detail = _rung5(package, "loaders", tmp_path / "carried")
    assert ok, detail
    # The construction step as the last drawing step (the old rule): the iterating step restores
    # nothing and a fresh process shuffles anew.
    broken = tmp_path / "broken"
    shutil.copytree(package, broken)
    steps = broken / "src" / "loaders" / "steps.py"
    text = steps.read_text()
    iterate = text.index("def iterate(")
    assert RESTORE.search(text[iterate:])
    steps.write_text(text[:iterate] + re.sub(RESTORE, "", text[iterate:], count=1))
    ok, detail = _rung5(broken, "loaders", tmp_path / "uncarried")
    assert not ok and "differs" in detail, detail
