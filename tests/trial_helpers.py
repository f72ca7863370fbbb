"""Helpers of the migration-trial tests (test_compile_trust*.py): a trial's fixture notebooks
copied into a test's folder, and one notebook migrated without the proof ladder."""

from __future__ import annotations

import shutil
from pathlib import Path

from nbrefactor.cli.app import main


def copy_trial(trial: Path, tmp_path: Path, *names: str) -> Path:
    """`names` (a notebook first, then the files it reads) copied from `trial` into `tmp_path`;
    the notebook's copy."""
    for name in names:
        shutil.copy(trial / name, tmp_path / name)
    return tmp_path / names[0]


def migrate_unproven(notebook: Path, out: Path) -> Path:
    """The package folder of `notebook` migrated into `out` (`--no-prove --no-cache`)."""
    assert main(["migrate", str(notebook), "--out", str(out), "--no-prove", "--no-cache"]) in (0, 1)
    return out / notebook.stem
