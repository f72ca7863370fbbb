"""DEP002 across notebooks (fair check 14, `dep002-repeat-across-notebooks`: 323 of 408 DEP002 in
one course repository without any manifest): notebooks of one project importing the same
distribution with no manifest are one root cause, one line of one new manifest. A report of the
batch shows one finding, at the first notebook, the others' imports as related locations; each
notebook's own result keeps its finding (a baseline records one fingerprint per notebook), and a
single notebook's report is unchanged."""

from __future__ import annotations

from pathlib import Path

import nbformat

from nbrefactor.audit.baseline import baseline_from, compare_with_baseline
from nbrefactor.audit.engine import audit_paths
from nbrefactor.audit.types import AuditResult
from nbrefactor.config import Settings

COURSE = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "fair14" / "course_no_manifest"


def _notebook(path: Path, *sources: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def _dep002(diagnostics) -> list:
    return [d for d in diagnostics if d.code == "DEP002"]


def _shown(diagnostics) -> list[tuple[str, str, list[str]]]:
    return [(Path(d.location.path).parent.name + "/" + Path(d.location.path).name, dict(d.data)["distribution"],
             [Path(r.path).parent.name for r in d.related]) for d in _dep002(diagnostics)]


def test_each_notebook_keeps_its_findings_and_the_report_folds_them_per_distribution():
    result = audit_paths([str(COURSE)], Settings(), jobs=1)
    per_notebook = {Path(nb.path).parent.name: sorted(dict(d.data)["distribution"] for d in _dep002(nb.diagnostics))
                    for nb in result.notebooks}
    assert per_notebook == {"2024-fall": ["numpy", "pandas"], "2025-spring": ["numpy", "pandas", "seaborn"]}
    assert _shown(result.diagnostics) == [
        ("2024-fall/sem01-frames.ipynb", "numpy", ["2025-spring"]),
        ("2024-fall/sem01-frames.ipynb", "pandas", ["2025-spring"]),
        ("2025-spring/sem01-frames.ipynb", "seaborn", []),
    ]
    numpy = _dep002(result.diagnostics)[0]
    assert "1 other notebook of the project imports it too" in numpy.message
    assert [(r.cell, r.line) for r in numpy.related] == [(2, 1)]
    # One manifest above both, not one beside the first notebook (which the other would not find).
    assert "Add a requirements.txt in `" in numpy.fix and "course_no_manifest/` (beside or above all of these notebooks)" in numpy.fix
    # Fair check 19: seaborn, imported by one of them, goes to the same new file, not to one beside
    # its notebook (two requirements files for one environment, neither complete).
    seaborn = _dep002(result.diagnostics)[2]
    assert seaborn.fix.startswith("Add a requirements.txt in `") and (
        "course_no_manifest/` (beside or above both notebooks of the project without a manifest)" in seaborn.fix)
    assert seaborn.fix.split("`")[1] == numpy.fix.split("`")[1]
    assert "other notebook" not in seaborn.message


def test_a_single_notebook_report_is_unchanged():
    result = audit_paths([str(COURSE / "2025-spring" / "sem01-frames.ipynb")], Settings(), jobs=1)
    assert [(d.message.endswith("beside or above the notebook"), not d.related) for d in _dep002(result.diagnostics)] == [(True, True)] * 3


def test_a_new_notebook_importing_the_same_distribution_is_new_against_a_baseline():
    result = audit_paths([str(COURSE)], Settings(), jobs=1)
    older = AuditResult(tuple(nb for nb in result.notebooks if "2024-fall" in nb.path))
    comparison = compare_with_baseline(result, baseline_from(older))
    assert sorted(dict(d.data)["distribution"] for d in _dep002(comparison.new)) == ["numpy", "pandas", "seaborn"]


def test_checkouts_without_git_are_separate_projects_and_a_git_root_is_one(tmp_path):
    # Two unrelated checkouts side by side (a folder of downloaded repositories, no `.git`): never one project.
    for top in ("plain", "git"):
        _notebook(tmp_path / top / "a" / "lessons" / "one.ipynb", "import numpy as np")
        _notebook(tmp_path / top / "a" / "lessons" / "two.ipynb", "import numpy")
        _notebook(tmp_path / top / "b" / "demo.ipynb", "import numpy as np")
    result = audit_paths([str(tmp_path / "plain")], Settings(), jobs=1)
    assert [(Path(d.location.path).name, len(d.related)) for d in _dep002(result.diagnostics)] == [("one.ipynb", 1), ("demo.ipynb", 0)]
    assert all(dict(d.data)["project_root"] == "" for d in _dep002(result.diagnostics))
    # With `.git` at the top, the same notebooks are one project (its root is where the manifest goes).
    (tmp_path / "git" / ".git").mkdir()
    result = audit_paths([str(tmp_path / "git")], Settings(), jobs=1)
    [numpy] = _dep002(result.diagnostics)
    assert Path(numpy.location.path).name == "one.ipynb" and len(numpy.related) == 2
    assert "2 other notebooks of the project import it too" in numpy.message


def test_notebooks_of_two_git_projects_in_one_audit_stay_apart(tmp_path):
    for name in ("first", "second"):
        (tmp_path / name / ".git").mkdir(parents=True)
        _notebook(tmp_path / name / "nb.ipynb", "import pandas as pd")
    result = audit_paths([str(tmp_path)], Settings(), jobs=1)
    assert [(Path(d.location.path).parent.name, len(d.related)) for d in _dep002(result.diagnostics)] == [("first", 0), ("second", 0)]


def test_notebooks_installing_different_versions_get_no_one_pin(tmp_path):
    """Fair check 28: the fold of openai's DEP002 across 17 notebooks said `openai==0.28` (the first
    notebook's install line) for all, while seven install it unpinned for its 1.x client. Where the
    notebooks' install lines disagree, the fix names each version and its notebooks; where they agree,
    the pin stays."""
    (tmp_path / ".git").mkdir()
    _notebook(tmp_path / "a" / "old.ipynb", "!pip install openai==0.28\n!pip install tabulate==0.9.0", "import openai\nimport tabulate")
    _notebook(tmp_path / "b" / "new.ipynb", "!pip install openai\n!pip install tabulate==0.9.0", "import openai\nimport tabulate")
    result = audit_paths([str(tmp_path)], Settings(), jobs=1)
    fixes = {dict(d.data)["distribution"]: d.fix for d in _dep002(result.diagnostics)}
    assert "their install lines ask for different ones (`openai==0.28` in `" in fixes["openai"]
    assert "`openai` in `" in fixes["openai"] and "the version that cell" not in fixes["openai"]
    assert "`tabulate==0.9.0` (the version that cell 1's install line pins)" in fixes["tabulate"]


def test_a_project_whose_notebooks_pin_apart_gets_no_one_file(tmp_path):
    """Fair check 29, items 16 and 20: optimum's line (one notebook) and evaluate's (unpinned everywhere) were
    each to go into one requirements.txt for all 18 training notebooks, whose install lines pin transformers
    4.26.0 … 4.48.1: no one file serves them. Each such fix says so and names what the notebooks pin apart;
    a project whose install lines agree keeps its one file."""
    (tmp_path / ".git").mkdir()
    _notebook(tmp_path / "train" / "old.ipynb", "!pip install transformers==4.26.0 optimum==1.12.0",
              "import transformers\nimport optimum\nimport evaluate")
    _notebook(tmp_path / "train" / "new.ipynb", "!pip install transformers==4.48.1", "import transformers\nimport evaluate")
    result = audit_paths([str(tmp_path)], Settings(), jobs=1)
    found = {dict(d.data)["distribution"]: d for d in _dep002(result.diagnostics)}
    for name in ("optimum", "evaluate"):
        assert found[name].fix.startswith(
            "Add a requirements.txt for each group of the project's notebooks whose install lines agree on versions, each "
            "group in a folder of its own (one file in `") and "cannot serve all 2 notebooks without a manifest: their install lines pin `transformers` to different versions)" in found[name].fix
    assert "with the line `optimum==1.12.0`" in found["optimum"].fix
    assert found["evaluate"].message.endswith(": one line to add to each group's file")
    assert "once the notebooks agree on a version" in found["transformers"].fix
    # Agreeing pins: one file for the project, as before.
    other = tmp_path / "agree"
    (other / ".git").mkdir(parents=True)
    _notebook(other / "a.ipynb", "!pip install transformers==4.48.1", "import transformers\nimport evaluate")
    _notebook(other / "b.ipynb", "!pip install transformers==4.48.1", "import transformers\nimport evaluate")
    fixes = [d.fix for d in _dep002(audit_paths([str(other)], Settings(), jobs=1).diagnostics)]
    assert fixes and all(f.startswith("Add a requirements.txt in `") for f in fixes)


def test_a_tool_the_notebooks_only_run_in_shell_lines_is_said_run_not_imported(tmp_path):
    # Fair check 52, item 14: `!kaggle datasets download …` in each notebook, no import of kaggle anywhere.
    (tmp_path / ".git").mkdir()
    _notebook(tmp_path / "a" / "setup.ipynb", "!kaggle datasets download -d org/data")
    _notebook(tmp_path / "b" / "train.ipynb", "!kaggle competitions download -c comp")
    _notebook(tmp_path / "c" / "eda.ipynb", "!kaggle datasets download -d org/other")
    result = audit_paths([str(tmp_path)], Settings(), jobs=1)
    [kaggle] = [d for d in _dep002(result.diagnostics) if dict(d.data)["distribution"] == "kaggle"]
    assert "2 other notebooks of the project run it as a shell command too" in kaggle.message
    assert "import it too" not in kaggle.message
    # One notebook importing it, the others running it: both uses.
    _notebook(tmp_path / "c" / "eda.ipynb", "import kaggle\nkaggle.api.authenticate()")
    result = audit_paths([str(tmp_path)], Settings(), jobs=1)
    [kaggle] = [d for d in _dep002(result.diagnostics) if dict(d.data)["distribution"] == "kaggle"]
    assert "2 other notebooks of the project use it too" in kaggle.message


def test_one_notebook_running_and_importing_a_tool_is_no_other_notebook(tmp_path):
    # Fair check 51 (session 67's note): `!huggingface-cli login` in one cell and `from huggingface_hub
    # import HfApi` in the next, one notebook: its two findings of one distribution fold, but the
    # message counted the second as "1 other notebook of the project uses it too ()", with no notebook
    # to name. The notebooks are counted, not the findings.
    (tmp_path / ".git").mkdir()
    _notebook(tmp_path / "a" / "upload.ipynb", "!huggingface-cli login", "from huggingface_hub import HfApi\nHfApi()")
    result = audit_paths([str(tmp_path)], Settings(), jobs=1)
    [hub] = [d for d in _dep002(result.diagnostics) if dict(d.data)["distribution"] == "huggingface_hub"]
    assert "other notebook" not in hub.message and "()" not in hub.message, hub.message
    assert [(r.cell, r.line) for r in hub.related] == [(2, 1)]
    assert "beside or above all of these notebooks" not in hub.fix, hub.fix
    # With a second notebook: one other notebook, named.
    _notebook(tmp_path / "b" / "more.ipynb", "import huggingface_hub")
    result = audit_paths([str(tmp_path)], Settings(), jobs=1)
    [hub] = [d for d in _dep002(result.diagnostics) if dict(d.data)["distribution"] == "huggingface_hub"]
    assert "; 1 other notebook of the project uses it too (`" in hub.message, hub.message
