"""`--diff REF` and `--changed`: audit only the notebooks git says changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbrefactor.cli.ci import UsageError, changed_notebooks
from nbfactory import git
from nbrefactor.cli.app import main


def r_notebook(path: Path, source: str = "x <- 1\n") -> Path:
    """An R notebook: no finding whatever other rules exist, and exactly one "not analysed" notice
    (STR002), so each audited notebook shows up in the report's `not_analysed` list once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "cells": [{"cell_type": "code", "execution_count": 1, "id": "c1", "metadata": {}, "outputs": [], "source": [source]}],
        "metadata": {"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return path




def audited(capsys, *args: str) -> tuple[int, list[str], str]:
    # --fail-on info: even at the lowest gate the R notebooks' notice (STR002) is not a finding.
    code = main(["audit", *args, "--format", "json", "--fail-on", "info"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["findings"] == []
    return code, sorted({n["path"] for n in report["not_analysed"]}), err


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    for name in ("a.ipynb", "b.ipynb", "c.ipynb", "sub/d.ipynb", "sub/e.ipynb"):
        r_notebook(tmp_path / name)
    (tmp_path / "notes.txt").write_text("x\n", encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "start")
    return tmp_path


def test_changed_audits_modified_staged_and_untracked_notebooks_only(repo, capsys):
    r_notebook(repo / "a.ipynb", "x <- 2\n")  # modified, unstaged
    r_notebook(repo / "sub" / "d.ipynb", "y <- 2\n")
    git(repo, "add", "sub/d.ipynb")  # modified, staged
    r_notebook(repo / "new.ipynb")  # untracked
    (repo / "c.ipynb").unlink()  # deleted: nothing to audit
    (repo / "notes.txt").write_text("changed\n", encoding="utf-8")  # not a notebook
    code, paths, err = audited(capsys, "--changed")
    assert paths == ["a.ipynb", "new.ipynb", "sub/d.ipynb"]
    assert code == 0  # notices never fail the gate
    assert "--changed: auditing 3 changed notebooks" in err


def test_diff_ref_uses_the_merge_base_and_includes_committed_changes(repo, capsys):
    git(repo, "checkout", "-q", "-b", "feature")
    r_notebook(repo / "b.ipynb", "z <- 3\n")
    git(repo, "commit", "-q", "-am", "change b")
    # main moves on after the branch point: its change is not this branch's.
    git(repo, "checkout", "-q", "main")
    r_notebook(repo / "sub" / "e.ipynb", "main <- 1\n")
    git(repo, "commit", "-q", "-am", "main changes e")
    git(repo, "checkout", "-q", "feature")
    code, paths, _ = audited(capsys, "--diff", "main")
    assert (code, paths) == (0, ["b.ipynb"])


def test_diff_keeps_only_notebooks_under_the_given_paths(repo, capsys):
    r_notebook(repo / "a.ipynb", "x <- 2\n")
    r_notebook(repo / "sub" / "d.ipynb", "y <- 2\n")
    _, paths, _ = audited(capsys, "sub", "--changed")
    assert paths == ["sub/d.ipynb"]


def test_diff_with_nothing_changed_audits_nothing_and_passes(repo, capsys):
    code, paths, err = audited(capsys, "--diff", "HEAD")
    assert (code, paths) == (0, [])
    assert "no notebook changed" in err


def test_diff_from_a_subfolder_reports_paths_relative_to_it(repo, monkeypatch, capsys):
    r_notebook(repo / "sub" / "d.ipynb", "y <- 2\n")
    r_notebook(repo / "a.ipynb", "x <- 2\n")
    monkeypatch.chdir(repo / "sub")
    _, paths, _ = audited(capsys, "--changed")
    assert paths == ["d.ipynb"]  # `.` is the subfolder: a.ipynb above it is outside


def test_diff_outside_a_git_repository_is_a_clear_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    r_notebook(tmp_path / "a.ipynb")
    assert main(["audit", ".", "--changed"]) == 2
    err = capsys.readouterr().err
    assert "need a git repository" in err and "is not inside one" in err
    with pytest.raises(UsageError):
        changed_notebooks("HEAD", tmp_path)


def test_diff_against_an_unknown_ref_is_a_usage_error(repo, capsys):
    assert main(["audit", ".", "--diff", "no-such-branch"]) == 2
    assert "git diff" in capsys.readouterr().err
    assert main(["audit", ".", "--diff=--output=x"]) == 2  # never passed to git as an option
    assert "not a git ref" in capsys.readouterr().err


def test_diff_and_changed_are_mutually_exclusive(repo):
    with pytest.raises(SystemExit) as exc:
        main(["audit", ".", "--diff", "HEAD", "--changed"])
    assert exc.value.code == 2
