"""verify compares what a cell displayed as text (`text/plain` of its result) with the same reading
expression evaluated in the package when the step returns (issue 9: "what each cell prints or
displays as text"), with the volatile catalogue applied (object addresses)."""

from __future__ import annotations

from pathlib import Path

from nbfactory import project, write_notebook
from nbrefactor.cli.app import main
from nbrefactor.verify.displays import display_probes, same_text, unqualified
from nbrefactor.verify.runner import MATCHED, MISMATCHED, SKIPPED, mask_volatile, verify


def probes(*sources):
    cells = dict(enumerate(sources, start=1))
    return [(p["cell"], p["expression"]) for p in display_probes(list(cells), cells.get)]


def test_only_reading_displays_not_changed_later_in_the_step_are_probed():
    assert probes("df = load()\ndf.head()", "x = 1") == [(1, "df.head()")]
    assert probes("df.head()", "df['a'] = 2") == []  # a later cell of the step may change df
    assert probes("model.fit(X, y)") == []  # a computation: never re-run for a comparison
    assert probes("df.dropna(inplace=True)") == []
    assert probes("len(df)", "%time y = 2") == [(1, "len(df)")]  # the later cell does not mention df
    assert probes("len(df)", "%time df = 2") == []
    assert probes("accuracy;") == []  # `;` hides the result
    assert probes("%matplotlib inline\nx") == []  # magics: left out
    assert probes("score * 100", "print('done')") == [(1, "score * 100")]


def test_a_display_that_reads_no_value_of_the_package_is_not_a_comparison():
    from nbrefactor.verify.displays import evaluate

    probe = {"cell": 1, "expression": "1 + 1", "names": []}
    assert evaluate(probe, {}, {"x": 3}) is None  # would "match" whatever the package computes
    assert evaluate({"cell": 2, "expression": "math.pi", "names": ["math"]}, {"math": __import__("math")}, {}) is None
    assert evaluate({"cell": 3, "expression": "x + 1", "names": ["x"]}, {}, {"x": 3}) == {"cell": 3, "text": "4"}
    assert "local to a step" in evaluate({"cell": 4, "expression": "y", "names": ["y"]}, {}, {"x": 3})["skipped"]


def test_text_equality_masks_addresses_and_module_of_default_reprs_and_uses_the_tolerance():
    notebook = unqualified(mask_volatile("<__main__.Box at 0x7f3a2c1b9d90>"))
    package = unqualified(mask_volatile("<nb.functions.Box at 0x7fbb00112233>"))
    assert same_text(notebook, package, 1e-7, 0) is None
    assert same_text("0.30000000000000004", "0.3", 1e-7, 0) is None
    assert same_text("   a\n0  1\n1  2", "   a\n0  1\n1  3", 1e-7, 0) == "line 3: notebook '1  2', package '1  3'"


CELLS = [
    ("md", "# Load"),
    "import pandas as pd\ndf = pd.DataFrame({'a': [1, 2, 3], 'b': [0.5, 1.5, 2.5]})\ndf.head()",
    "class Box:\n    pass\nbox = Box()\nbox",
    ("md", "# Use"),
    "label = type(box).__name__\nfirst = df.head(2)\nn = len(df)\nn",
]


def test_displayed_results_are_compared_and_a_changed_frame_is_a_display_mismatch(tmp_path: Path):
    path = write_notebook(project(tmp_path) / "nb.ipynb", CELLS)
    out = tmp_path / "out"
    assert main(["migrate", str(path), "--out", str(out), "--no-cache"]) == 0
    package = out / "nb"
    report = verify(path, package, repeat=False)
    # named "display of <notebook as the plan names it> cell <n>"
    shown = {int(c.name.rsplit(" cell ", 1)[1]): c for c in report.displayed}
    assert shown[2].status == MATCHED  # df.head(): a 4-line table
    assert shown[3].status == MATCHED  # <__main__.Box at 0x…>: address masked
    assert shown[5].status == MATCHED
    assert report.ok, report.to_json()
    # A package whose frame differs: the displayed table no longer matches (named line by line).
    steps = package / "src" / "nb" / "steps.py"
    source = steps.read_text()
    assert source.count("[0.5, 1.5, 2.5]") == 1
    steps.write_text(source.replace("[0.5, 1.5, 2.5]", "[0.5, 1.5, 9.5]"))
    broken = verify(path, package, repeat=False)
    check = {int(c.name.rsplit(" cell ", 1)[1]): c for c in broken.displayed}[2]
    assert check.status == MISMATCHED and "line 4: notebook '2  3  2.5', package '2  3  9.5'" in check.reason, check
    assert all(c.status in (MATCHED, MISMATCHED, SKIPPED) for c in broken.displayed)
