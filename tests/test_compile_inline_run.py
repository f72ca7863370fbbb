"""`%run -i` of a script the notebook's own `%%writefile` cell wrote above is inlined at the `%run`
(`nbrefactor.compile.inline_run`).

Before: the compiler left `%run -i prepare_step.py` for review and the package of
fair11/hid006_run_of_file_written_above/steps_book stopped with NameError for `total`, the name the
script binds (test_fidelity listed it in EXPLAINED_MISMATCHES). Now the step holds the script's
statements; the generated tests pass, and fail when the inlined code is changed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generated_suite import run_generated_suite, run_with_step_constant_changed
from nbrefactor.audit.analysis import analyse_notebook
from nbrefactor.audit.types import Cell, Notebook
from nbrefactor.cli.app import main
from nbrefactor.compile.inline_run import inline_written_runs

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "notebooks" / "fair11" / "hid006_run_of_file_written_above" / "steps_book.ipynb"


def _inlined(*sources: str) -> tuple[list[str], tuple]:
    """The code cells' sources after inlining, and what was inlined."""
    facts = analyse_notebook(Notebook("t.ipynb", tuple(Cell(i, "code", s) for i, s in enumerate(sources, 1))))
    new, runs = inline_written_runs(facts)
    assert new.notebook is facts.notebook  # the report shows the notebook as it is on disk
    return [ca.cell.source for ca in new.cells], runs


def test_a_run_i_of_a_written_script_becomes_its_text() -> None:
    sources, runs = _inlined("%%writefile prep.py\nvalues = [1, 2]\ntotal = sum(values)", "%run -i prep.py\nprint(total)")
    assert [(r.cell, r.line, r.writer) for r in runs] == [(2, 1, 1)]
    assert sources[1].split("\n")[1:] == ["values = [1, 2]", "total = sum(values)", "print(total)"]
    assert sources[1].startswith("# nbrefactor: `%run -i prep.py` inlined")


def test_name_and_file_are_what_run_set_for_the_script() -> None:
    sources, _ = _inlined("%%writefile ./s.py\nif __name__ == '__main__':\n    where = __file__", "%run -i ./s.py")
    assert "if '__main__' == '__main__':\n    where = './s.py'" in sources[1]
    sources, _ = _inlined("%%writefile s.py\nname = __name__", "%run -i -n s.py")
    assert "name = 's'" in sources[1]


@pytest.mark.parametrize("cells", [
    ("%run -i tools/make.py",),  # a file the notebook did not write
    ("%%writefile -a s.py\nx = 1", "%run -i s.py"),  # appended to a text nobody holds
    ("%run -i s.py", "%%writefile s.py\nx = 1"),  # written below the run
    ("%%writefile s.py\nimport sys\nn = len(sys.argv)", "%run -i s.py"),  # reads its command line
    ("%%writefile s.py\nimport argparse\nx = 1", "%run -i s.py"),
    ("%%writefile s.py\nx = 1", "%run -i s.py 3"),  # arguments: sys.argv would differ
    ("%%writefile s.py\nx = 1", "%run s.py"),  # plain %run: a fresh namespace, run by the helper
    ("%%writefile s.py\nx = (", "%run -i s.py"),  # not Python
    ("%%writefile s.py\nfrom __future__ import annotations\nx = 1", "%run -i s.py"),
    ("%%writefile s.py\nx = 1", "if True:\n    %run -i s.py"),  # inside a block
])
def test_what_is_not_inlined_stays_as_it_was(cells: tuple[str, ...]) -> None:
    sources, runs = _inlined(*cells)
    assert runs == () and sources == list(cells)


def test_the_fixture_package_holds_the_script_and_its_tests_fail_when_the_step_breaks(tmp_path: Path) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / FIXTURE.name)
    out = tmp_path / "out"
    main(["migrate", str(folder), "--out", str(out), "-j", "1", "--no-prove"])
    package = out / "steps_book"
    steps = (package / "src" / "steps_book" / "steps.py").read_text()
    assert "review: `%run" not in steps
    assert "    values = [2, 4, 6]\n    total = sum(values)\n" in steps  # the text cell 3 wrote, as cell 4's code
    assert "    scaled = scale(values, 2)\n" in steps
    migration = (package / "MIGRATION.md").read_text()
    assert "`%run -i prepare_step.py` became the text cell 3 wrote, inlined" in migration
    assert "could not be translated" not in migration
    done = run_generated_suite(package)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "test_line_printed_in_cell_5_1 PASSED" in done.stdout or "PASSED tests/test_package.py::test_line_printed_in_cell_5_1" in done.stdout
    # Mutation: the inlined script computes something else; the generated tests must notice.
    broken = run_with_step_constant_changed(package, "    values = [2, 4, 6]\n", "    values = [2, 4, 7]\n")
    assert "FAILED tests/test_package.py::test_line_printed_in_cell_5_1" in broken.stdout, broken.stdout[-3000:]


# A plain `%run` of a written script: run by the helper in a fresh namespace (not inlined), and
# every name its text binds at module level is the notebook's afterwards, as IPython copies the
# program's globals; `x`, also bound by cell 1, is the script's (before: only names no cell binds
# were taken from the script, so the package printed `1 3`).
PLAIN_RUN_CELLS = [
    ("code", "x = 1", {"count": 1, "outputs": []}),
    ("code", "%%writefile step_two.py\nx = 2\ny = x + 1", {"count": 2, "outputs": [{"output_type": "stream", "name": "stdout", "text": "Writing step_two.py\n"}]}),
    ("code", "%run step_two.py", {"count": 3, "outputs": []}),
    ("code", "print(x, y)", {"count": 4, "outputs": [{"output_type": "stream", "name": "stdout", "text": "2 3\n"}]}),
]


def test_a_plain_run_of_a_written_script_binds_every_name_its_text_binds(tmp_path: Path) -> None:
    from nbfactory import project, write_notebook

    path = write_notebook(project(tmp_path) / "nb.ipynb", PLAIN_RUN_CELLS)
    out = tmp_path / "out"
    main(["migrate", str(path), "--out", str(out), "--no-cache", "--no-prove"])
    package = out / "nb"
    steps = (package / "src" / "nb" / "steps.py").read_text()
    assert '_run_program("step_two.py", [])' in steps and 'x = _run_namespace["x"]' in steps
    done = run_generated_suite(package)
    assert done.returncode == 0, done.stdout[-3000:]
    # The step, run on the notebook's data, printed what the notebook printed (before: `1 3`).
    assert "PASSED tests/test_package.py::test_every_step_runs_on_the_notebook_data" in done.stdout
    assert "\n2 3\n" in done.stdout, done.stdout[-3000:]
