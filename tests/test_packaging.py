"""The installed tool: entry points answer, and the wheel ships the rule catalogue data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


# The console script of the environment running the tests (PATH may lead to another one).
@pytest.mark.parametrize("command", [[str(Path(sys.executable).parent / "nbrefactor"), "--help"], [sys.executable, "-m", "nbrefactor", "--help"]])
def test_help_works_from_the_console_script_and_the_module(command):
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0
    assert "audit" in result.stdout and "migrate" in result.stdout


def test_wheel_ships_the_rules_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("nbrefactor-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("nbrefactor/rules_data/")}
    expected = {p.name for p in (ROOT / "rules").glob("*.toml")}
    assert expected and expected <= shipped
    assert "nbrefactor/compile/templates/pipeline.py.j2" in names
