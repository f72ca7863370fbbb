"""benchmarks/check_requirements.py, regress.sh's guard: an interpreter that does not satisfy the
tree's requirements (a system python3 with libcst 1.0.1 where nbrefactor needs >= 1.4) is named,
with what it lacks, before any corpus is audited with it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _module():
    spec = importlib.util.spec_from_file_location("check_requirements_under_test", ROOT / "benchmarks" / "check_requirements.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tree(tmp_path: Path, dependencies: list[str], requires_python: str = ">=3.11") -> Path:
    listed = ", ".join(f'"{d}"' for d in dependencies)
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "nbrefactor"\nrequires-python = "{requires_python}"\ndependencies = [{listed}]\n', encoding="utf-8")
    (tmp_path / "runtime").mkdir()
    (tmp_path / "runtime" / "pyproject.toml").write_text('[project]\nname = "nbrefactor-runtime"\n', encoding="utf-8")
    return tmp_path


def test_the_interpreter_running_the_tests_satisfies_this_tree():
    assert _module().problems(ROOT) == []


def test_a_version_too_old_a_missing_distribution_and_python_are_named(tmp_path):
    tree = _tree(tmp_path, ["packaging>=9999", "no-such-distribution-for-nbrefactor>=1", "nbrefactor-runtime==0.0.1",
                            "packaging; python_version < '3'"], requires_python=">=4")
    found = _module().problems(tree)
    assert any(p.startswith("Python ") and "(needs >=4)" in p for p in found)
    assert any(p.startswith("packaging ") and "(needs >=9999)" in p for p in found)
    assert "no-such-distribution-for-nbrefactor missing (needs >=1)" in found
    # the runtime the tree carries is not looked for, and a marker false here is no requirement
    assert len(found) == 3


def test_the_command_says_it_in_one_line_and_fails(tmp_path):
    tree = _tree(tmp_path, ["packaging>=9999"])
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "check_requirements.py"), str(tree)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "packaging" in done.stderr
    (tmp_path / "ok").mkdir()
    ok = _tree(tmp_path / "ok", [])
    assert subprocess.run([sys.executable, str(ROOT / "benchmarks" / "check_requirements.py"), str(ok)]).returncode == 0
