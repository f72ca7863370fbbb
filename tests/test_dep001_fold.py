"""DEP001 across notebooks (fair check 8, `dep001-one-line-many-notebooks`): notebooks of one
project missing the same distribution from the same manifest are one root cause, one line to add.
A report of the batch shows one finding, at the first notebook, the other notebooks' imports as
related locations; each notebook's own result keeps its finding, so a baseline records one
fingerprint per notebook and a new notebook's import is still a new finding."""

from __future__ import annotations

import json
from pathlib import Path

from nbrefactor.audit.baseline import baseline_from, compare_with_baseline
from nbrefactor.audit.engine import audit_paths
from nbrefactor.audit.types import AuditResult
from nbrefactor.config import Settings
from nbrefactor.report.json_report import to_dict
from nbrefactor.report.sarif import render as render_sarif

FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "fair8" / "dep001_shared_line"


def _audit() -> AuditResult:
    return audit_paths([str(FOLDER)], Settings(), jobs=1)


def _dep001(diagnostics):
    return [d for d in diagnostics if d.code == "DEP001"]


def test_each_notebook_keeps_its_own_finding():
    result = _audit()
    per_notebook = {Path(nb.path).name: _dep001(nb.diagnostics) for nb in result.notebooks}
    assert sorted(per_notebook) == ["lesson1_prices.ipynb", "lesson2_volumes.ipynb", "lesson3_returns.ipynb"]
    assert all(len(found) == 1 and dict(found[0].data)["distribution"] == "pandas" for found in per_notebook.values())
    assert len({found[0].fingerprint for found in per_notebook.values()}) == 3  # the path is part of it


def test_report_folds_one_missing_line_into_one_finding():
    folded = _dep001(_audit().diagnostics)
    assert len(folded) == 1
    first = folded[0]
    assert Path(first.location.path).name == "lesson1_prices.ipynb"
    assert [(Path(r.path).name, r.cell, r.line) for r in first.related] == [
        ("lesson2_volumes.ipynb", 2, 2), ("lesson3_returns.ipynb", 2, 2),
    ]
    assert "2 other notebooks of the project import it too" in first.message


def test_json_and_sarif_carry_the_other_notebooks():
    result = _audit()
    findings = [f for f in to_dict(result)["findings"] if f["code"] == "DEP001"]
    assert len(findings) == 1 and len(findings[0]["related"]) == 2
    assert findings[0]["data"]["manifest"].endswith("requirements.txt")
    sarif = json.loads(render_sarif(result))
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "DEP001"]
    assert len(results) == 1
    uris = [r["physicalLocation"]["artifactLocation"]["uri"] for r in results[0]["relatedLocations"]]
    assert [u.rsplit("/", 1)[-1] for u in uris] == ["lesson2_volumes.ipynb", "lesson3_returns.ipynb"]


def test_a_new_notebook_missing_the_same_line_is_new_against_a_baseline():
    result = _audit()
    # The baseline of a project that had the first two lessons only.
    older = AuditResult(tuple(nb for nb in result.notebooks if not nb.path.endswith("lesson3_returns.ipynb")))
    baseline = baseline_from(older)
    assert len([e for e in baseline.findings if e.code == "DEP001"]) == 2  # one entry per notebook
    comparison = compare_with_baseline(result, baseline)
    new = _dep001(comparison.new)
    assert [Path(d.location.path).name for d in new] == ["lesson3_returns.ipynb"]
    shown = _dep001(comparison.result.diagnostics)
    assert [Path(d.location.path).name for d in shown] == ["lesson3_returns.ipynb"] and not shown[0].related


def test_one_distribution_spelt_two_ways_is_one_missing_line(tmp_path):
    # Fair check 27 (pinecone's examples): `pinecone_notebooks`, a guess from one notebook's import, and
    # `pinecone-notebooks`, as another notebook's install line spells it, are one line to add. Since fair
    # check 45 (items 2, 18, 33) the guess is spelt with dashes, the name a manifest carries, so both
    # notebooks name `pinecone-notebooks`; they are still one line.
    import nbformat

    (tmp_path / ".git").mkdir()
    (tmp_path / "requirements.txt").write_text("numpy==2.0.1\n", encoding="utf-8")
    for name, cells in (("a.ipynb", ["import pinecone_notebooks"]),
                        ("b.ipynb", ["!pip install -qU \\\n    pinecone-notebooks==0.1.1", "import pinecone_notebooks"])):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
        nbformat.write(nb, str(tmp_path / name))
    result = audit_paths([str(tmp_path)], Settings(), jobs=1)
    spelt = sorted(dict(d.data)["distribution"] for nb in result.notebooks for d in _dep001(nb.diagnostics))
    assert spelt == ["pinecone-notebooks", "pinecone-notebooks"]
    folded = _dep001(result.diagnostics)
    assert len(folded) == 1 and len(folded[0].related) == 1
