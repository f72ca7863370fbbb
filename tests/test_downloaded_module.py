"""Issue 9, point 2 (the downloaded-module case), run rather than read: a cell writes
`helper_functions.py` (as a cell that downloads it would; written with `open(...).write(...)` so
the test stays offline) and a later cell imports it. The package must not declare a distribution of
that name, must import, pass its tests, run step by step in separate processes and match the
notebook: the real proof ladder (offline environment layered on this one), verify included.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbfactory import project, write_notebook
from nbrefactor.cli.app import main
from nbrefactor.migrate.prove import Environments, ProveOptions, prove_package
from deadlines import HANG_GUARD

CELLS = [
    ("md", "# Get helpers"),
    'code = "def double(v):\\n    return [x * 2 for x in v]\\n"\nopen("helper_functions.py", "w").write(code)',
    ("md", "# Use"),
    "from helper_functions import double\nvalues = double([1, 2, 3])\ntotal = sum(values)\nprint('total', total)",
]


def test_a_module_a_cell_writes_is_imported_where_it_is_used_and_the_package_is_proven(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NBREFACTOR_PROVE", "0")
    path = write_notebook(project(tmp_path) / "nb.ipynb", CELLS)
    out = tmp_path / "out"
    assert main(["migrate", str(path), "--out", str(out), "--no-cache"]) == 0
    package = out / "nb"
    requirements = (package / "requirements.txt").read_text()
    assert "helper_functions" not in requirements  # never a distribution (dependency confusion)
    steps = (package / "src" / "nb" / "steps.py").read_text()
    # The import stays after the write, inside the step that uses it (not hoisted above the download).
    assert steps.index('.write(code)') < steps.index("from helper_functions import double")
    assert not (path.parent / "helper_functions.py").exists()  # the notebook was never run by migrate
    cache = tmp_path / "envs"
    options = ProveOptions(env_mode="current", env_cache=cache, timeout=HANG_GUARD)
    proof = prove_package(package, "nb", [path], options, Environments(options))
    statuses = [(r.rung, r.status) for r in proof.rungs]
    assert statuses == [(1, "passed"), (2, "passed"), (3, "passed"), (4, "passed"), (5, "passed"), (6, "passed")], [(r.rung, r.status, r.detail) for r in proof.rungs]
    assert proof.rungs[4].detail.startswith("2 steps in separate processes"), proof.rungs[4].detail
    assert "no difference" in proof.rungs[5].detail
    recorded = json.loads((package / "tests" / "notebook_values.json").read_text())
    assert recorded["values"]["final"]["total"] == {"t": "int", "v": 12}
