"""Defects found by migrating real teaching notebooks (a machine-learning course repository;
docs/precision.md lists the fair checks), each reduced to a fixture under
fixtures/notebooks/realmig/ written for this repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from nbrefactor.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "notebooks" / "realmig"


def _migrate(tmp_path: Path, stem: str) -> Path:
    corpus = tmp_path / "notebooks"
    corpus.mkdir()
    shutil.copy(FIXTURES / f"{stem}.ipynb", corpus)
    out = tmp_path / "out"
    main(["migrate", str(corpus), "--out", str(out), "--no-prove", "--progress", "lines"])
    return out / stem


def test_a_file_the_notebook_exports_then_reads_is_its_output_not_missing_data(tmp_path):
    """`export_graphviz(clf, out_file="tree.dot")` then `open("tree.dot")`: the notebook reads the
    file it has just written. Before, the export was not known to write, so the read was taken
    for data that must lie beside the notebook: the generated tests skipped ("data not available
    beside the notebook: tree.dot") and rung 5 failed for a package that runs as its notebook did."""
    package = _migrate(tmp_path, "tree_export")
    steps = (package / "src" / "tree_export" / "steps.py").read_text()
    # Written and read through the same config field, so an override moves both.
    assert "out_file=cfg.iris_tree_dot_path" in steps and "open(cfg.iris_tree_dot_path)" in steps
    assert "\nMISSING = []\n" in (package / "tests" / "test_package.py").read_text()
    # The package's own tests run the pipeline on an empty data folder and pass (not skipped).
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(package / "src"), str(ROOT / "runtime" / "src"), os.environ.get("PYTHONPATH", "")]))
    env.update(NBREFACTOR_NO_TRACKING="1", MPLBACKEND="Agg")  # as rung 4 runs them
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "every_step_runs", "tests"],
        cwd=package, env=env, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0 and "1 passed" in run.stdout and "skipped" not in run.stdout, run.stdout[-2000:] + run.stderr[-2000:]
