"""Baselines: `baseline create` records today's findings, `audit --baseline` fails only on new
ones, fingerprints survive cells added above, moved and re-executed, `baseline update` prunes
fixed findings."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from nbrefactor.audit.baseline import (
    Baseline,
    BaselineEntry,
    UnreadableEntry,
    baseline_from,
    compare_with_baseline,
    parse_baseline,
)
from nbfactory import git
from nbrefactor.cli.app import main
from nbrefactor.audit.types import (
    AuditResult,
    Diagnostic,
    Family,
    LoadError,
    Location,
    NotebookResult,
    Severity,
)

# Three independent cells (no name crosses a cell), so moving them or re-running them all cannot
# create a genuine new finding; cells 1 and 3 hold absolute paths, cell 2 a Python 2 print.
CELLS = [
    'import os\nraw = open("/data/raw/train.csv").read()\n',
    'print "done"\n',
    'log = open("/var/log/app/run.log").read()\n',
]
NEW_CELL = 'OUT = "/srv/models/model.pkl"\n'


def write_notebook(path: Path, sources, counts=None) -> Path:
    counts = counts or list(range(1, len(sources) + 1))
    cells = [
        {
            "cell_type": "code",
            "execution_count": count,
            "id": "cell-" + hashlib.sha1(src.encode()).hexdigest()[:8],  # moves with its cell
            "metadata": {},
            "outputs": [],
            "source": src.splitlines(True),
        }
        for src, count in zip(sources, counts)
    ]
    data = {
        "cells": [{"cell_type": "markdown", "id": "title", "metadata": {}, "source": ["# Training\n"]}, *cells],
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path




def audit_json(capsys, *args: str) -> tuple[int, dict, str]:
    code = main(["audit", *args, "--format", "json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    write_notebook(tmp_path / "train.ipynb", CELLS)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "notebook")
    assert main(["baseline", "create", "."]) == 0
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "baseline")
    return tmp_path


def test_baseline_records_todays_findings_and_audit_passes(repo, capsys):
    data = json.loads((repo / ".nbrefactor-baseline.json").read_text(encoding="utf-8"))
    codes = sorted(e["code"] for e in data["findings"])
    assert codes.count("PTH001") == 2 and "STR001" in codes
    assert data["schema"] == "nbrefactor-baseline/1" and data["run_from"] == "." and "working_directory" not in data
    capsys.readouterr()
    code, report, err = audit_json(capsys, ".", "--baseline", ".nbrefactor-baseline.json")
    assert code == 0 and report["findings"] == []
    assert f"{len(data['findings'])} known findings not shown, 0 new" in err
    # Without the baseline the same notebook fails.
    code, report, _ = audit_json(capsys, ".")
    assert code == 1 and len(report["findings"]) == len(data["findings"])


def test_new_cell_above_with_hardcoded_path_fails_on_exactly_that_finding(repo, capsys):
    # A new cell ABOVE the existing ones, then Restart & Run All: every cell moves down one and
    # gets a new execution count.
    write_notebook(repo / "train.ipynb", [NEW_CELL, *CELLS])
    git(repo, "commit", "-q", "-am", "add output path")
    capsys.readouterr()
    code, report, err = audit_json(capsys, ".", "--baseline", ".nbrefactor-baseline.json")
    assert code == 1
    assert len(report["findings"]) == 1, report["findings"]
    (finding,) = report["findings"]
    assert finding["code"] == "PTH001"
    assert (finding["location"]["cell"], finding["location"]["line"]) == (2, 1)  # cell 1 is the title
    assert "/srv/models/model.pkl" in finding["snippet"]
    assert "1 new" in err
    # The same through --diff against the previous commit.
    code, report, _ = audit_json(capsys, ".", "--baseline", ".nbrefactor-baseline.json", "--diff", "HEAD~1")
    assert code == 1 and [f["code"] for f in report["findings"]] == ["PTH001"]


def test_moving_and_re_executing_cells_creates_no_new_finding(repo, capsys):
    write_notebook(repo / "train.ipynb", list(reversed(CELLS)), counts=[1, 2, 3])
    git(repo, "commit", "-q", "-am", "move cells")
    capsys.readouterr()
    code, report, err = audit_json(capsys, ".", "--baseline", ".nbrefactor-baseline.json")
    assert (code, report["findings"]) == (0, [])
    assert "0 new" in err
    # Restart & Run All again: new execution counts, same cells.
    write_notebook(repo / "train.ipynb", list(reversed(CELLS)), counts=[17, 18, 19])
    git(repo, "commit", "-q", "-am", "re-run")
    code, report, _ = audit_json(capsys, ".", "--baseline", ".nbrefactor-baseline.json")
    assert (code, report["findings"]) == (0, [])


def test_fixed_finding_leaves_a_stale_entry_that_update_prunes(repo, capsys):
    write_notebook(repo / "train.ipynb", [CELLS[0], CELLS[1], 'log = ""\n'])
    capsys.readouterr()
    code, report, err = audit_json(capsys, ".", "--baseline", ".nbrefactor-baseline.json")
    assert (code, report["findings"]) == (0, [])
    assert "1 baseline entry is stale" in err
    before = json.loads((repo / ".nbrefactor-baseline.json").read_text(encoding="utf-8"))["findings"]
    assert main(["baseline", "update"]) == 0
    err = capsys.readouterr().err
    after = json.loads((repo / ".nbrefactor-baseline.json").read_text(encoding="utf-8"))["findings"]
    assert "pruned 1 stale entry" in err and "stale: train.ipynb PTH001 (cell 4, line 1 when recorded)" in err
    removed = [e for e in before if e["fingerprint"] not in {a["fingerprint"] for a in after}]
    assert len(after) == len(before) - 1 and len(removed) == 1
    assert removed[0]["code"] == "PTH001" and removed[0]["cell"] == 4
    code, _, err = audit_json(capsys, ".", "--baseline", ".nbrefactor-baseline.json")
    assert code == 0 and "stale" not in err


def test_update_never_adds_new_findings(repo, capsys):
    write_notebook(repo / "train.ipynb", [NEW_CELL, *CELLS])
    before = (repo / ".nbrefactor-baseline.json").read_text(encoding="utf-8")
    assert main(["baseline", "update"]) == 0
    assert "1 new finding not added" in capsys.readouterr().err
    assert json.loads((repo / ".nbrefactor-baseline.json").read_text(encoding="utf-8"))["findings"] == [
        {**e, "cell": e["cell"] + 1 if e["cell"] is not None else None} for e in json.loads(before)["findings"]
    ]  # same entries, their locations refreshed (every cell moved down one)


def test_rules_left_out_by_select_do_not_make_entries_stale(repo, capsys):
    capsys.readouterr()
    code, report, err = audit_json(capsys, ".", "--baseline", ".nbrefactor-baseline.json", "--select", "PTH")
    assert (code, report["findings"]) == (0, []) and "stale" not in err
    before = json.loads((repo / ".nbrefactor-baseline.json").read_text(encoding="utf-8"))["findings"]
    assert main(["baseline", "update", "--select", "PTH"]) == 0
    assert "pruned 0 stale entries" in capsys.readouterr().err
    assert json.loads((repo / ".nbrefactor-baseline.json").read_text(encoding="utf-8"))["findings"] == before


def test_deleted_notebook_entries_are_stale(repo, capsys):
    (repo / "train.ipynb").unlink()
    write_notebook(repo / "other.ipynb", ["x = 1\n"])
    capsys.readouterr()
    code, _, err = audit_json(capsys, ".", "--baseline", ".nbrefactor-baseline.json")
    assert code == 0 and "3 baseline entries are stale" in err


def test_create_refuses_to_overwrite_without_force(repo, capsys):
    path = repo / ".nbrefactor-baseline.json"
    before = path.read_bytes()
    write_notebook(repo / "train.ipynb", [NEW_CELL, *CELLS])
    assert main(["baseline", "create", "."]) == 2
    assert "--force" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert main(["baseline", "create", ".", "--force"]) == 0
    assert len(json.loads(path.read_text(encoding="utf-8"))["findings"]) == len(json.loads(before)["findings"]) + 1


def test_baseline_file_is_sorted_and_deterministic(repo):
    path = repo / ".nbrefactor-baseline.json"
    first = path.read_text(encoding="utf-8")
    assert main(["baseline", "create", ".", "--force"]) == 0
    assert path.read_text(encoding="utf-8") == first
    data = json.loads(first)
    keys = [(e["notebook"], e["path"], e["code"], e["fingerprint"]) for e in data["findings"]]
    assert keys == sorted(keys)
    assert first == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_baseline_setting_in_pyproject(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.nbrefactor]\nbaseline = "ci/nb-baseline.json"\n', encoding="utf-8")
    write_notebook(tmp_path / "train.ipynb", CELLS)
    assert main(["baseline", "create"]) == 0
    assert (tmp_path / "ci" / "nb-baseline.json").is_file()
    assert json.loads((tmp_path / "ci" / "nb-baseline.json").read_text())["run_from"] == "."
    capsys.readouterr()
    code, report, err = audit_json(capsys, ".")
    assert (code, report["findings"]) == (0, []) and "ci/nb-baseline.json" in err
    code, report, _ = audit_json(capsys, ".", "--no-baseline")
    assert code == 1 and report["findings"]


def test_baseline_from_another_working_directory_is_a_usage_error(repo, monkeypatch, capsys):
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    assert main(["audit", "..", "--baseline", "../.nbrefactor-baseline.json"]) == 2
    assert "run nbrefactor from the directory the baseline was created in" in capsys.readouterr().err


def test_a_baseline_written_outside_the_project_and_copied_in_matches_from_the_root(tmp_path, monkeypatch, capsys):
    # The trap: `baseline create --output /tmp/b.json` from the repository root, then the file is
    # copied into the repository. The baseline records where nbrefactor ran relative to the
    # project root, not to the file, so any place inside the project will do.
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    git(project, "init", "-q", "-b", "main")
    write_notebook(project / "notebooks" / "train.ipynb", CELLS)
    monkeypatch.chdir(project)
    outside = tmp_path / "elsewhere" / "b.json"
    assert main(["baseline", "create", "notebooks", "--output", str(outside), "--no-cache"]) == 0
    assert json.loads(outside.read_text(encoding="utf-8"))["run_from"] == "."
    for place in (project / "ci" / "gate" / "baseline.json", project / "notebooks" / "baseline.json", project / "b.json"):
        place.parent.mkdir(parents=True, exist_ok=True)
        place.write_bytes(outside.read_bytes())
        capsys.readouterr()
        code, report, err = audit_json(capsys, "notebooks", "--baseline", place.relative_to(project).as_posix(), "--no-cache")
        assert (code, report["findings"]) == (0, []) and ", 0 new" in err
    # Used where it lies (outside any project), it still matches from the root it was made in.
    code, report, _ = audit_json(capsys, "notebooks", "--baseline", str(outside), "--no-cache")
    assert (code, report["findings"]) == (0, [])
    # From another folder of the project the paths it shows differ: a usage error naming the folder.
    monkeypatch.chdir(project / "notebooks")
    capsys.readouterr()
    assert main(["audit", ".", "--baseline", "baseline.json", "--no-cache"]) == 2
    assert "'.'" in capsys.readouterr().err


def test_a_baseline_in_the_old_format_still_loads(repo, monkeypatch, capsys):
    # Baselines written before `run_from` record `working_directory`, relative to the file.
    path = repo / ".nbrefactor-baseline.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["run_from"]
    old = repo / "ci" / "old.json"
    old.parent.mkdir()
    old.write_text(json.dumps({**data, "working_directory": ".."}, indent=2), encoding="utf-8")
    capsys.readouterr()
    code, report, err = audit_json(capsys, ".", "--baseline", "ci/old.json")
    assert (code, report["findings"]) == (0, []) and ", 0 new" in err
    assert main(["baseline", "update", "--baseline", "ci/old.json"]) == 0
    assert json.loads(old.read_text(encoding="utf-8"))["working_directory"] == ".."  # update keeps the format
    old.write_text(json.dumps({**data, "working_directory": "."}, indent=2), encoding="utf-8")
    assert main(["audit", ".", "--baseline", "ci/old.json"]) == 2
    assert "run nbrefactor from the directory the baseline was created in" in capsys.readouterr().err


def test_outside_any_project_the_baseline_records_its_folder_as_before(tmp_path, monkeypatch):
    # No .git and no [tool.nbrefactor] pyproject.toml above: there is no root to be relative to.
    if any((folder / ".git").exists() or (folder / "pyproject.toml").exists() for folder in (tmp_path, *tmp_path.parents)):
        pytest.skip("tmp_path lies inside a project")
    monkeypatch.chdir(tmp_path)
    write_notebook(tmp_path / "train.ipynb", CELLS)
    assert main(["baseline", "create", ".", "--output", "ci/b.json", "--no-cache"]) == 0
    data = json.loads((tmp_path / "ci" / "b.json").read_text(encoding="utf-8"))
    assert data["working_directory"] == ".." and "run_from" not in data
    assert main(["audit", ".", "--baseline", "ci/b.json", "--no-cache"]) == 0


def test_the_committed_dogfood_baseline_has_no_new_finding(monkeypatch, capsys):
    # CI's dogfood gate (.ci/run), from the repository root.
    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)
    assert json.loads((root / "fixtures" / "baseline.json").read_text(encoding="utf-8"))["run_from"] == "."
    code = main(["audit", "fixtures/notebooks", "--baseline", "fixtures/baseline.json", "--no-cache", "--format", "json"])
    err = capsys.readouterr().err
    assert code == 0 and ", 0 new" in err, err


def test_missing_or_invalid_baseline_file_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_notebook(tmp_path / "train.ipynb", CELLS)
    assert main(["audit", ".", "--baseline", "nope.json"]) == 2
    assert "baseline create" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text('{"schema": "something-else"}', encoding="utf-8")
    assert main(["audit", ".", "--baseline", "bad.json"]) == 2
    assert "not a baseline file" in capsys.readouterr().err


def test_known_unreadable_notebook_is_baselined_but_a_new_one_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_notebook(tmp_path / "ok.ipynb", ["x = 1\n"])
    (tmp_path / "broken.ipynb").write_text("{", encoding="utf-8")
    assert main(["baseline", "create", "."]) == 0
    assert main(["audit", ".", "--baseline", ".nbrefactor-baseline.json"]) == 0
    (tmp_path / "broken2.ipynb").write_text("[]", encoding="utf-8")
    assert main(["audit", ".", "--baseline", ".nbrefactor-baseline.json"]) == 2
    # A path that does not exist is a usage problem, never baselined.
    capsys.readouterr()
    assert main(["baseline", "create", "missing.ipynb", "--output", "other.json"]) == 2
    assert not (tmp_path / "other.json").exists()
    assert "baseline not written: 1 input could not be audited" in capsys.readouterr().err
    # So is it for `update`: the baseline is left as it was.
    before = (tmp_path / ".nbrefactor-baseline.json").read_bytes()
    assert main(["baseline", "update", "missing.ipynb", "gone.ipynb"]) == 2
    assert "baseline not updated: 2 inputs could not be audited" in capsys.readouterr().err
    assert (tmp_path / ".nbrefactor-baseline.json").read_bytes() == before


# --- the pure comparison ----------------------------------------------------------------------


def _d(fingerprint: str, path: str = "a.ipynb", cell: int = 1) -> Diagnostic:
    return Diagnostic("PTH001", "absolute-path", Family.PATHS, Severity.WARNING, "m", Location(path, cell, 1), fingerprint=fingerprint)


def test_compare_splits_known_new_and_stale():
    baseline = Baseline(
        (
            BaselineEntry("PTH001", "f1", "a.ipynb", "a.ipynb", 1, 1),
            BaselineEntry("PTH001", "gone", "a.ipynb", "a.ipynb", 2, 1),
            BaselineEntry("PTH001", "f9", "other.ipynb", "other.ipynb", 1, 1),
        )
    )
    result = AuditResult((NotebookResult("a.ipynb", (_d("f1", cell=5), _d("f2"))),))
    comparison = compare_with_baseline(result, baseline, exists=lambda p: p == "other.ipynb")
    assert [d.fingerprint for d in comparison.new] == ["f2"]
    assert comparison.baselined == 1
    assert [e.fingerprint for e in comparison.stale] == ["gone"]  # other.ipynb was not audited: kept
    assert sorted(e.fingerprint for e in comparison.kept.findings) == ["f1", "f9"]
    assert [e.cell for e in comparison.kept.findings if e.fingerprint == "f1"] == [5]  # refreshed
    assert [d.fingerprint for d in comparison.result.diagnostics] == ["f2"]


def test_compare_matches_fingerprints_per_notebook():
    baseline = Baseline((BaselineEntry("PTH001", "f1", "a.ipynb", "a.ipynb"),))
    result = AuditResult((NotebookResult("b.ipynb", (_d("f1", path="b.ipynb"),)),))
    assert [d.fingerprint for d in compare_with_baseline(result, baseline).new] == ["f1"]


def test_baseline_round_trips_through_json_and_skips_internal_errors():
    result = AuditResult(
        (
            NotebookResult("a.ipynb", (_d("f1"),)),
            NotebookResult("b.ipynb", (), LoadError("b.ipynb", "invalid JSON at line 1 column 1: x")),
            NotebookResult("c.ipynb", (), LoadError("c.ipynb", "internal error while auditing (KeyError)")),
            NotebookResult("d.ipynb", (), LoadError("d.ipynb", "no such file or directory")),
        )
    )
    baseline = baseline_from(result)
    assert baseline.unreadable == (UnreadableEntry("b.ipynb", "invalid JSON at line 1 column 1: x"),)
    assert parse_baseline(baseline.to_json(), "x") == baseline
    comparison = compare_with_baseline(result, baseline)
    assert [e.path for e in comparison.result.errors] == ["c.ipynb", "d.ipynb"]
