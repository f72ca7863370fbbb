"""A cell asking the session which names it holds (`'stats' in dir()`, `in globals()`, `locals()`,
`vars()`) asks the kernel's one namespace. Compiled into step functions, `globals()` is the step
module's and `dir()` a step's own names: the package took other branches than the notebook did
(fixture fair18/rec_session_name_tests: `summary` None, and a "running as a script" the notebook
never printed). The compiler makes the step's names stand for the session's, makes the tested name
a read of the step, and leaves for review what a step has no counterpart for.

Expected values below are what a kernel computes running the notebook top to bottom, worked out by
hand from Python's rules (a kernel has no `__file__`; a name a later cell binds is not yet bound)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from nbfactory import project, write_notebook

from nbrefactor.cli.app import main
from deadlines import HANG_GUARD


def _migrate(tmp_path: Path, cells: list) -> Path:
    root = project(tmp_path)
    path = write_notebook(root / "nb.ipynb", cells)
    out = tmp_path / "out"
    assert main(["migrate", str(path), "--out", str(out), "--no-cache", "-j", "1"]) == 0
    return out / "nb"


def _run(package: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package / "src"), "NBREFACTOR_NO_TRACKING": "1", "NB_NO_TRACKING": "1"}
    code = "from nb.pipeline import run; run()"
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=HANG_GUARD)


SECTIONS = [
    ("md", "# Load"),
    "import math\nrows = [3, 1, 2]\nif len(rows) > 5:\n    big = rows",
    ("md", "# Fit"),
    "model = sum(rows)",
    ("md", "# Report"),
    # `model` is read only through the test: the step must still receive it.
    "has_model = 'model' in dir()\n"
    "has_big = 'big' in globals()\n"  # left unbound by the load cell's path
    "has_later = 'later' in vars()\n"  # bound by a cell below
    "script = '__file__' in globals()\n"
    "rows_gone = 'rows' not in locals()\n"
    "print('summary', (has_model, has_big, has_later, script, rows_gone))\n"
    "if 'math' in globals():\n    print('math imported')",
    ("md", "# Later"),
    "later = 1",
]


def test_session_name_tests_take_the_notebooks_branches_across_steps(tmp_path):
    package = _migrate(tmp_path, SECTIONS)
    steps = (package / "src" / "nb" / "steps.py").read_text()
    assert '"big" in locals()' in steps and '"__file__" in locals()' in steps
    assert '"model" in dir()' in steps  # `dir()` in a function already lists the step's own names
    assert "def report(cfg: Config, big, model, rows):" in steps  # `model`: read through the test only
    done = _run(package, tmp_path)
    assert done.returncode == 0, done.stderr
    # The kernel: model bound above (True), big left unbound (False), later not yet bound (False),
    # no `__file__` in a kernel (False), rows bound (False for `not in`); `math` imported above.
    assert "summary (True, False, False, False, False)" in done.stdout, done.stdout
    migration = (package / "MIGRATION.md").read_text()
    review = migration.split("## For a person to review", 1)[1].split("## Findings", 1)[0]
    assert "`'__file__' in globals()` was False in the notebook" in review
    # The package imports `math` at its module's head: a step's names cannot answer for it.
    assert "`'math' in globals()`: the package binds `math` at its module's level" in review
    changed = migration.split("## Changed in the code", 1)[1].split("## ", 1)[0]
    assert "`'big' in globals()` now tests the step's own names" in changed


def test_a_kernel_name_or_a_function_asking_the_session_is_left_for_review(tmp_path):
    package = _migrate(tmp_path, [
        "values = [1, 2]\nhistory = 'In' in globals()",
        "def known(name):\n    return name in globals() and 'values' in globals()\n\nflag = known('values')",
        "squares = ['values' in dir() for _ in range(1)]",
    ])
    steps = (package / "src" / "nb" / "steps.py").read_text() + (package / "src" / "nb" / "functions.py").read_text() \
        if (package / "src" / "nb" / "functions.py").exists() else (package / "src" / "nb" / "steps.py").read_text()
    # Nothing a step cannot answer is rewritten.
    assert '"In" in globals()' in steps
    assert '"values" in globals()' in steps
    assert '["values" in dir() for _ in range(1)]' in steps  # a comprehension's own names, in both
    migration = (package / "MIGRATION.md").read_text()
    assert "`'In' in globals()` asks about a name the kernel provides" in migration
    assert "`'values' in globals()` inside a function or comprehension asks the notebook's namespace" in migration
    assert "`'values' in dir()`" not in migration


def test_other_uses_of_the_session_namespace_are_listed_for_review_once_per_line(tmp_path):
    package = _migrate(tmp_path, [
        "values = [1, 2]\nglobals()['extra'] = 3\nprint(sorted(n for n in dir() if not n.startswith('_')), dir() == dir())",
        "locals().update({'more': 4})",
        "def lookup(name):\n    return globals().get(name)\n\nfound = lookup('values')",
        "def own():\n    x = 1\n    return sorted(dir()), vars(), locals()\n\nmine = own()",
        "firsts = [len(dir()) for _ in range(1)]\nnames = dir(values)",
        "known = 'values' in globals()",
    ])
    migration = (package / "MIGRATION.md").read_text()
    review = migration.split("## For a person to review", 1)[1].split("## Findings", 1)[0]
    lines = [line for line in review.splitlines() if "session namespace, which a package has no counterpart for" in line]
    # A kernel's `globals()` anywhere, and `dir()` / `locals()` at a cell's top level, is the session's one
    # namespace; in a package they are a module's or a step's: four lines (cell 1 lines 2 and 3 — the
    # latter once, though it calls `dir()` three times —, cell 2 line 1, cell 3 line 2).
    assert len(lines) == 4, review
    assert sum("`globals()`" in line for line in lines) == 2, review
    assert sum("`dir()`" in line for line in lines) == 1 and sum("`locals()`" in line for line in lines) == 1, review
    # A function's own `dir()`/`vars()`/`locals()`, a comprehension's, `dir(obj)` and a translated
    # session-name test are the same in a step: nothing listed for them.
    assert "`vars()`" not in review
