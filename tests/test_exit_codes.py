"""Exit codes follow the table in docs/exit-codes.md: every case listed there is run here by its
id, and every case run here is listed there."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import nbfactory
from nbrefactor.cli.app import main

DOC = Path(__file__).resolve().parent.parent / "docs" / "exit-codes.md"


def documented_cases() -> dict[str, int]:
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| [^|]+ \| (\d+) \|$", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {case: int(code) for case, code in rows}


def notebook(path: Path, sources, kernel="python3", language="python") -> str:
    return nbfactory.write_notebook(path, sources, executed=True, kernel=kernel, language=language).name


def clean(d: Path) -> list[str]:
    return ["audit", notebook(d / "ok.ipynb", ["x = 1\n", "print(x)\n"])]


def with_error(d: Path) -> str:
    return notebook(d / "err.ipynb", ["x = 1\n", "print 'x'\n"])  # STR001, an error


def only_warning(d: Path) -> str:
    # PTH001 (absolute path), a warning; the notebook has no import, so nothing else fires.
    return notebook(d / "warn.ipynb", ['f = open("/srv/shared/data.csv")\n'])


def unreadable(d: Path) -> str:
    (d / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    return "broken.ipynb"


def fail_on_from_config(d: Path) -> list[str]:
    (d / "pyproject.toml").write_text('[tool.nbrefactor]\nfail-on = "error"\n', encoding="utf-8")
    return ["audit", only_warning(d)]


def bad_config_key(d: Path) -> list[str]:
    (d / "pyproject.toml").write_text('[tool.nbrefactor]\ningore = ["PTH001"]\n', encoding="utf-8")
    return ["audit", clean(d)[1]]


def baseline_known(d: Path) -> list[str]:
    path = with_error(d)
    assert main(["baseline", "create", path, "--output", "b.json"]) == 0
    return ["audit", path, "--baseline", "b.json"]


def baseline_new(d: Path) -> list[str]:
    path = with_error(d)
    assert main(["baseline", "create", path, "--output", "b.json"]) == 0
    return ["audit", path, only_warning(d), "--baseline", "b.json"]


def diff_outside_git(d: Path) -> list[str]:
    return ["audit", clean(d)[1], "--changed"]


CASES: dict[str, Callable[[Path], list[str]]] = {
    "clean": clean,
    "findings": lambda d: ["audit", with_error(d)],
    "fail-on-never": lambda d: ["audit", with_error(d), "--fail-on", "never"],
    "fail-on-error-only-warnings": lambda d: ["audit", only_warning(d), "--fail-on", "error"],
    "fail-on-error-with-error": lambda d: ["audit", with_error(d), only_warning(d), "--fail-on", "error"],
    "only-info": lambda d: ["audit", notebook(d / "empty.ipynb", ["\n"])],
    "fail-on-from-config": fail_on_from_config,
    # An R notebook is not analysed: a notice of the run (STR002), never a finding, even at --fail-on info.
    "not-analysed-alone": lambda d: ["audit", notebook(d / "r.ipynb", ["x <- 1\n"], kernel="ir", language="R"), "--fail-on", "info"],
    "not-analysed-batch": lambda d: ["audit", notebook(d / "a.ipynb", ["x <- 1\n"], kernel="ir", language="R"),
                                     notebook(d / "b.ipynb", ["using Plots\n"], kernel="julia-1.10", language="julia"), "--fail-on", "info"],
    "unreadable-alone": lambda d: ["audit", unreadable(d)],
    "unreadable-with-findings": lambda d: ["audit", unreadable(d), with_error(d)],
    "unreadable-fail-on-never": lambda d: ["audit", unreadable(d), "--fail-on", "never"],
    "missing-path": lambda d: ["audit", "no-such-notebook.ipynb"],
    "bad-config-key": bad_config_key,
    "bad-option": lambda d: ["audit", clean(d)[1], "--no-such-option"],
    "baseline-known-findings": baseline_known,
    "baseline-new-finding": baseline_new,
    "baseline-missing": lambda d: ["audit", with_error(d), "--baseline", "missing.json"],
    "diff-outside-git": diff_outside_git,
}


def run(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's usage errors
        return int(exc.code)


def test_every_documented_case_is_tested_and_every_tested_case_documented():
    documented = documented_cases()
    assert len(documented) >= 15, "the case table of docs/exit-codes.md was not found"
    assert sorted(documented) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_exit_code_follows_the_documented_table(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # tmp_path is in no repository
    argv = CASES[case](tmp_path)
    capsys.readouterr()
    assert run(argv) == documented_cases()[case], capsys.readouterr()


def test_findings_are_really_there_when_fail_on_never_passes(tmp_path, monkeypatch, capsys):
    """Exit 0 with --fail-on never must not mean "nothing was found"."""
    monkeypatch.chdir(tmp_path)
    path = with_error(tmp_path)
    assert main(["audit", path, "--fail-on", "never", "--format", "json"]) == 0
    assert [f["code"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["STR001"]


def test_config_error_names_the_unknown_key(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    argv = bad_config_key(tmp_path)
    assert main(argv) == 2
    assert "ingore" in capsys.readouterr().err
