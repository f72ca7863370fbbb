"""A catalogue folder that is not there is one line naming it and exit 2 (audit/catalog.py
`check_catalogue_folders`): before, `folder.glob("*.toml")` of a missing folder read nothing, and an
audit from a copy of the source tree without `rules/` (or with a typo in `rules-dirs`) ran its rules
with empty tables and reported far less, saying nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import nbrefactor
from nbrefactor.audit import catalog
from nbrefactor.cli.app import main

REPO = Path(__file__).resolve().parent.parent
# A notebook with a hardcoded path: PTH rules find it only through the catalogue's path calls.
NOTEBOOK = REPO / "fixtures" / "notebooks" / "sales_etl" / "sales_cleaning.ipynb"


def _project(tmp_path: Path, rules_dirs: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[tool.nbrefactor]\nrules-dirs = [{rules_dirs}]\n", encoding="utf-8")
    shutil.copy(NOTEBOOK, tmp_path / NOTEBOOK.name)
    return tmp_path / NOTEBOOK.name


def test_a_rules_dirs_folder_that_does_not_exist_is_named_and_exits_2(tmp_path, capsys, monkeypatch) -> None:
    notebook = _project(tmp_path, '"team_rulez"')
    monkeypatch.chdir(tmp_path)
    code = main(["audit", str(notebook), "--no-cache"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "team_rulez: no such folder" in err[0] and "rules-dirs" in err[0]


def test_a_rules_dirs_entry_that_is_a_file_is_named(tmp_path, capsys, monkeypatch) -> None:
    (tmp_path / "team_rules.toml").write_text("x = 1\n", encoding="utf-8")  # the file, not its folder
    notebook = _project(tmp_path, '"team_rules.toml"')
    monkeypatch.chdir(tmp_path)
    assert main(["audit", str(notebook), "--no-cache"]) == 2
    assert "team_rules.toml: not a folder" in capsys.readouterr().err


def test_an_existing_rules_dirs_folder_still_audits(tmp_path, capsys, monkeypatch) -> None:
    (tmp_path / "team_rules").mkdir()
    (tmp_path / "team_rules" / "extra.toml").write_text("note = 'team'\n", encoding="utf-8")
    notebook = _project(tmp_path, '"team_rules"')
    monkeypatch.chdir(tmp_path)
    code = main(["audit", str(notebook), "--no-cache", "--format", "json", "--fail-on", "never"])
    out = capsys.readouterr().out
    assert code == 0 and '"PTH' in out  # the shipped catalogue's path calls still apply


def test_load_catalog_refuses_a_missing_shipped_catalogue(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(catalog, "shipped_rules_dir", lambda: tmp_path / "rules")
    catalog.load_catalog.cache_clear()
    try:
        with pytest.raises(catalog.CatalogueError, match="rule catalogue .* is missing"):
            catalog.load_catalog(())
    finally:
        catalog.load_catalog.cache_clear()


def test_a_copy_of_the_package_without_rules_says_so_and_exits_2(tmp_path) -> None:
    """The case that was silent: the package copied without the `rules/` folder beside it."""
    copy = tmp_path / "tree"
    shutil.copytree(Path(nbrefactor.__file__).parent, copy / "nbrefactor", ignore=shutil.ignore_patterns("__pycache__", "rules_data"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join([str(copy), str(REPO / "runtime" / "src")])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    run = subprocess.run([sys.executable, "-m", "nbrefactor", "audit", str(NOTEBOOK), "--no-cache"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 2, run.stdout + run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "rule catalogue (rules/*.toml) is missing" in lines[0] and str(copy / "rules") in lines[0]
