"""Findings folded into one per root cause (a stray character in many cells, a never-run sketch
cell) still block `migrate` at every place they stand for: the related locations count."""

from __future__ import annotations

from pathlib import Path

from nbfactory import project, write_notebook
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.project import discover_project
from nbrefactor.cli.app import main
from nbrefactor.compile.plan import plan_model
from nbrefactor.audit.types import Severity
from nbrefactor.config import Settings

NBSP = "\u00a0"


def plan_for(path: Path, allow: bool = False):
    nb = read_notebook(path, path.name)
    analysis = audit_notebook(nb, Settings(), discover_project(path), load_catalog())
    return analysis.result.diagnostics, plan_model(path.stem, [(analysis.facts, analysis.result.diagnostics)], allow)


def blocking_cells(plan) -> set[int]:
    return {d.location.cell for d in plan.blocking} | {r.cell for d in plan.blocking for r in d.related}


def test_pasted_non_breaking_spaces_are_one_finding_that_blocks_every_cell(tmp_path, capsys):
    cells = ["import math", f"def f(x):\n{NBSP * 4}return x", f"for i in range(2):\n{NBSP * 4}print(i)", f"if True:\n{NBSP * 4}y = math.pi"]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    diagnostics, plan = plan_for(path)
    str001 = [d for d in diagnostics if d.code == "STR001"]
    assert len(str001) == 1
    assert (str001[0].location.cell, str001[0].location.line) == (2, 2)
    assert [(r.cell, r.line) for r in str001[0].related] == [(3, 2), (4, 2)]
    assert "U+00A0 (no-break space)" in str001[0].message and "cells 3 and 4" in str001[0].message
    assert "with an ordinary space" in str001[0].fix
    assert blocking_cells(plan) == {2, 3, 4}
    out = tmp_path / "out"
    assert main(["migrate", str(path), "--out", str(out)]) == 1
    text = capsys.readouterr().out
    assert "blocked" in text and "(related: cell 3, 4)" in text
    assert not (out / "nb").exists()
    _, allowed = plan_for(path, allow=True)
    assert sorted(i.cell for i in allowed.review if "STR001" in i.what) == [2, 3, 4]


def test_different_syntax_errors_stay_separate_findings(tmp_path):
    cells = ["x = 1", "if x:\nprint(x)", f"if x:\n{NBSP}y = 2", "print(x"]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    diagnostics, plan = plan_for(path)
    assert sorted(d.location.cell for d in diagnostics if d.code == "STR001") == [2, 3, 4]
    assert blocking_cells(plan) == {2, 3, 4}


def test_a_never_run_sketch_cell_is_one_finding_that_still_blocks(tmp_path, capsys):
    # Cell 2 was never run and cannot run where it stands (first_edition/8.4's VAE sketch): one
    # HID002, its undefined and later-defined reads related, and migrate still blocks on them.
    cells = [
        ("code", "import math", {"count": 1}),
        ("code", "z = encoder(sample)\nout = scale(z) * epsilon", {"count": None}),
        ("code", "sample = 2.0\ndef scale(v):\n    return v * math.pi", {"count": 2}),
        ("code", "print(scale(sample))", {"count": 3}),
    ]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    diagnostics, plan = plan_for(path)
    assert sorted(d.code for d in diagnostics if d.code.startswith("HID")) == ["HID002"]
    (hid002,) = [d for d in diagnostics if d.code == "HID002"]
    assert (hid002.location.cell, hid002.location.line) == (2, 1)
    # Its other reads related, one entry per line, never the finding's own place (fair check 46, item 70).
    assert sorted({(r.cell, r.line) for r in hid002.related}) == [(2, 2)]
    assert "`encoder` and `epsilon`, which no cell defines" in hid002.message
    assert "`sample` and `scale`, which only cells below define" in hid002.message
    assert dict(hid002.data) == {"blocks_compile": "HID003 HID004"}
    # As grave as the findings it stands for (HID003 and HID004 are errors), so a CI gate on
    # errors fails as it did before they were folded.
    assert hid002.severity == Severity.ERROR
    assert [d.code for d in plan.blocking] == ["HID002"] and blocking_cells(plan) == {2}
    out = tmp_path / "out"
    assert main(["migrate", str(path), "--out", str(out)]) == 1
    assert "blocked" in capsys.readouterr().out
    assert not (out / "nb").exists()


def test_a_never_run_cell_that_can_run_does_not_block(tmp_path):
    # (`y = 2`, a literal: computed from `x`, the one cell between [1] and [2] that [2] reads would
    # have run inside a neighbour split afterwards, fair check 29, item 44)
    cells = [("code", "x = 1", {"count": 1}), ("code", "y = 2", {"count": None}), ("code", "print(x, y)", {"count": 2})]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    diagnostics, plan = plan_for(path)
    assert sorted(d.code for d in diagnostics if d.code.startswith("HID")) == ["HID002"]  # cell 3, its reader, related
    assert all(d.data == () for d in diagnostics if d.code == "HID002")
    assert all(d.severity == Severity.WARNING for d in diagnostics if d.code == "HID002")
    assert plan.blocking == ()
