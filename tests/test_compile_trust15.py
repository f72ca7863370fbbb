"""Compiler trust (session 32): what the migration trial on course and exercise notebooks found,
each reduced to a fixture under fixtures/notebooks/trial15/ written for this repo.

- a frame wider than the terminal is shown by a Jupyter kernel's pandas in 20 wrapped columns and
  by a plain interpreter's fitted to the terminal: verify's package side and the generated tests
  print and display as the kernel does, so a faithful package is not FAILED on its text;
- a file the notebook reads is copied into the package's tests/data whatever its suffix (`.data`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from nbfactory import project, write_notebook
from trial_helpers import copy_trial, migrate_unproven

from nbrefactor.cli.app import main
from deadlines import HANG_GUARD

ROOT = Path(__file__).resolve().parent.parent
TRIAL = ROOT / "fixtures" / "notebooks" / "trial15"


def _copy(tmp_path: Path, *names: str) -> Path:
    return copy_trial(TRIAL, tmp_path, *names)


def test_a_wide_frame_printed_and_shown_matches_the_kernels_text(tmp_path, capsys):
    """The notebook prints a 24-column frame and shows it as the cell's result. Before, verify's
    package side (a plain interpreter: pandas' `display.max_columns` is 0 there, 20 in a kernel)
    printed `round_01 round_02 round_03 ... round_22 round_23 round_24` on one line per row, and
    both comparisons failed for a package that computes the notebook's table."""
    notebook = _copy(tmp_path, "wide_frame.ipynb", "requirements.txt")
    package = migrate_unproven(notebook, tmp_path / "out")
    capsys.readouterr()
    code = main(["verify", str(notebook), str(package), "--once", "--record", "--format", "json"])
    text = capsys.readouterr().out
    report = json.loads(text)
    assert report["counts"]["mismatched"] == 0, text[-3000:]
    assert code == 0, text[-3000:]
    printed = {p["name"]: p["status"] for p in report["printed"]}
    displayed = {d["name"]: d["status"] for d in report["displayed"]}
    assert list(printed.values()) == ["matched"], printed
    assert list(displayed.values()) == ["matched"], displayed
    # The generated tests assert the printed text recorded from the kernel's run: they pass too.
    recorded = json.loads((package / "tests" / "notebook_values.json").read_text(encoding="utf-8"))
    [shown] = recorded["printed"].values()
    assert "round_06  \\\n" in shown and "[3 rows x 24 columns]" in shown, shown
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package / "src"), *sys.path])}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", "-k", "printed"],
                         cwd=package, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert run.returncode == 0 and "1 passed" in run.stdout, run.stdout[-3000:]


def test_only_the_interpreters_default_is_changed():
    """An option the package set itself (here `None`: every column) is left as it is."""
    import pandas as pd

    from nbrefactor.verify.displays import pandas_as_in_a_kernel

    before = pd.get_option("display.max_columns")
    try:
        pd.set_option("display.max_columns", None)
        pandas_as_in_a_kernel()
        assert pd.get_option("display.max_columns") is None
        pd.set_option("display.max_columns", 0)
        pandas_as_in_a_kernel()
        assert pd.get_option("display.max_columns") == 20
    finally:
        pd.set_option("display.max_columns", before)


def test_a_read_file_of_any_suffix_beside_the_notebook_is_test_data(tmp_path):
    """mig15: a wind-speed exercise reads `wind.data` (whitespace-separated) beside it; `.data` was no
    data suffix, so the file was not copied, the generated tests skipped their run and rung 5 failed
    on "data not available beside the notebook: wind.data"."""
    folder = project(tmp_path, {"readings.data": "day speed\n1 4.5\n2 6.0\n", "notes.desc": "not read\n"})
    notebook = write_notebook(folder / "readings.ipynb", [
        ("md", "# Readings"), "import pandas as pd\nreadings = pd.read_csv('readings.data', sep=r'\\s+')",
        ("md", "# Mean"), "mean_speed = float(readings['speed'].mean())",
    ])
    package = migrate_unproven(notebook, tmp_path / "out")
    assert (package / "tests" / "data" / "readings.data").read_text() == "day speed\n1 4.5\n2 6.0\n"
    assert not (package / "tests" / "data" / "notes.desc").exists()  # not read: not data
    tests = (package / "tests" / "test_package.py").read_text(encoding="utf-8")
    assert "MISSING = []" in tests, tests[:1500]
