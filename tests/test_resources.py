"""Issue 9, point 4: an open file handle (and any resource of the process: a lock, a generator, a
database connection) is never a step output: it cannot be pickled, and kfp components pass every
value pickled. A `with open(...) as handle` handle was returned as a final value before.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from nbfactory import project, write_notebook
from nbrefactor.cli.app import main
from nbrefactor.migrate.prove import _pipeline

CELLS = [
    ("md", "# Read"),
    "import sqlite3\nimport threading\n"
    "with open('notes.txt') as handle:\n    lines = handle.read().splitlines()\n"
    "lock = threading.Lock()\ngen = (x for x in lines)\nfh = open('notes.txt')\n"
    "conn = sqlite3.connect(':memory:')\ncur = conn.cursor()",
    ("md", "# Use"),
    "n = len(lines)\nfirst = next(gen)\nwith lock:\n    n += 1\nfh.close()\ncur.execute('select 1')\none = cur.fetchone()[0]",
    ("md", "# Summary"),
    "with open('notes.txt') as final_handle:\n    text = final_handle.read()\nsize = len(text) + n + one",
]

RESOURCES = {"handle", "lock", "gen", "fh", "conn", "cur", "final_handle"}


def test_resources_are_never_step_outputs_and_the_package_runs_step_by_step(tmp_path: Path):
    folder = project(tmp_path)
    (folder / "notes.txt").write_text("a\nb\nc\n")
    path = write_notebook(folder / "nb.ipynb", CELLS)
    out = tmp_path / "out"
    assert main(["migrate", str(path), "--out", str(out), "--no-cache"]) == 0
    package = out / "nb"
    plan = json.loads((package / ".nbrefactor" / "plan.json").read_text())
    returned = {n for step in plan["steps"] for n in (*step["outputs"], *step["inputs"])} | set(plan["final"])
    assert not returned & RESOURCES, returned & RESOURCES
    assert "size" in plan["final"] and "text" in plan["final"]
    # The steps that shared the handles became one; the review note says why.
    assert [s["name"] for s in plan["steps"]] == ["read", "summary"]
    migration = (package / "MIGRATION.md").read_text()
    assert "steps read, use merged into one" in migration and "cannot be pickled" in migration
    # Rung 5 for real: each step in its own process, values pickled between them.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update({"PYTHONPATH": str(package / "src"), "NBREFACTOR_NO_TRACKING": "1", "NB_NO_TRACKING": "1"})
    work = tmp_path / "work"
    work.mkdir()
    ok, detail = _pipeline("nb", package, Path(sys.executable), work, env, 300)
    assert ok, detail
    assert detail.startswith("2 steps in separate processes")


def test_a_generator_function_result_and_a_with_target_in_the_last_step_are_not_final_values(tmp_path: Path):
    cells = ["def count(n):\n    for i in range(n):\n        yield i\n\nnumbers = count(3)\ntotal = sum(numbers)\n"
             "with open('x.txt', 'w') as out:\n    out.write(str(total))"]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    assert main(["migrate", str(path), "--out", str(tmp_path / "out"), "--no-cache"]) == 0
    plan = json.loads((tmp_path / "out" / "nb" / ".nbrefactor" / "plan.json").read_text())
    assert "total" in plan["final"] and not {"numbers", "out"} & set(plan["final"])
