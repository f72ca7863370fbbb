"""Bad input through the command line: every unreadable file in fixtures/notebooks/bad/ is named
on one clear line with its problem (exit code 2, no traceback), a batch that contains them
still audits the good notebooks, and no input file is ever modified or added to."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nbrefactor.config import load_settings
from nbrefactor.audit.engine import audit_paths
from deadlines import HANG_GUARD

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "fixtures" / "notebooks"
BAD = CORPUS / "bad"


def expectation(notebook: Path) -> dict:
    return json.loads(notebook.with_name(notebook.name[: -len(".ipynb")] + ".expected.json").read_text(encoding="utf-8"))


UNREADABLE = sorted(p for p in BAD.glob("*.ipynb") if "error" in expectation(p))
READABLE_BAD = sorted(p for p in BAD.glob("*.ipynb") if "error" not in expectation(p))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nbrefactor", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
    )


def snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file under `folder`: content digest, size and modification time (ns)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            out[path.relative_to(folder).as_posix()] = (hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size, stat.st_mtime_ns)
    return out


def test_bad_folder_holds_the_promised_inputs() -> None:
    names = {p.name for p in BAD.glob("*.ipynb")}
    for name in ("truncated.ipynb", "empty.ipynb", "v3_notebook.ipynb", "r_kernel.ipynb", "top_level_array.ipynb",
                 "huge_outputs.ipynb", "binary.ipynb", "python2.ipynb", "schema_invalid.ipynb", "no_language_info.ipynb"):
        assert name in names
    assert (BAD / "empty.ipynb").stat().st_size == 0
    assert (BAD / "huge_outputs.ipynb").stat().st_size > 18_000_000
    assert b"\x00" in (BAD / "binary.ipynb").read_bytes()
    assert json.loads((BAD / "v3_notebook.ipynb").read_text(encoding="utf-8"))["nbformat"] == 3
    assert isinstance(json.loads((BAD / "top_level_array.ipynb").read_text(encoding="utf-8")), list)
    assert len(UNREADABLE) == 4 and len(READABLE_BAD) >= 6


@pytest.mark.parametrize("notebook", UNREADABLE, ids=[p.name for p in UNREADABLE])
def test_unreadable_file_gives_one_clear_line_and_exit_code_2(notebook: Path) -> None:
    shown = notebook.relative_to(REPO).as_posix()
    problem = expectation(notebook)["error"]
    proc = run_cli("audit", shown, "--color", "never")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 2, f"exit code {proc.returncode}\n{output}"
    assert "Traceback" not in output, output
    naming = {stream: [line for line in text.splitlines() if notebook.name in line] for stream, text in (("stdout", proc.stdout), ("stderr", proc.stderr))}
    for stream, lines in naming.items():
        assert len(lines) <= 1, f"{stream} names {notebook.name} on {len(lines)} lines: {lines}"
    lines = naming["stdout"] + naming["stderr"]
    assert lines, f"no line names {shown}:\n{output}"
    for line in lines:
        assert shown in line, f"the line should give the path as passed ({shown}): {line!r}"
        assert problem in line, f"the line should say {problem!r}: {line!r}"


def test_unreadable_file_in_json_format_is_listed_under_errors() -> None:
    notebook = BAD / "truncated.ipynb"
    proc = run_cli("audit", notebook.relative_to(REPO).as_posix(), "--format", "json")
    assert proc.returncode == 2, proc.stderr
    report = json.loads(proc.stdout)
    assert [e["path"] for e in report["errors"]] == ["fixtures/notebooks/bad/truncated.ipynb"]
    assert "invalid JSON" in report["errors"][0]["problem"]
    assert report["findings"] == []


def test_a_git_lfs_pointer_is_named_as_such_and_the_batch_goes_on(tmp_path: Path) -> None:
    """A clone made without git-lfs holds a text pointer where the notebook should be: the line says
    so and what to run, not "invalid JSON", and the other notebook of the folder is still audited."""
    pointer = tmp_path / "model.ipynb"
    pointer.write_bytes(b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"3a" * 32 + b"\nsize 1849323\n")
    good = tmp_path / "good.ipynb"
    good.write_text(json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
                                           "source": "import pandas as pd\ndf = pd.read_csv('/home/me/data.csv')\n"}],
                                "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}))
    before = snapshot(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "nbrefactor", "audit", ".", "--format", "json", "--no-cache"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=HANG_GUARD)
    assert proc.returncode == 2, proc.stderr
    report = json.loads(proc.stdout)
    assert report["errors"] == [{"path": "model.ipynb", "problem": "a Git LFS pointer, not the notebook: its content was never fetched (run `git lfs pull`)"}]
    assert {f["location"]["path"] for f in report["findings"]} == {"good.ipynb"}
    assert snapshot(tmp_path) == before


def test_batch_with_bad_inputs_still_audits_good_notebooks_and_modifies_nothing() -> None:
    before = snapshot(CORPUS)
    proc = run_cli("audit", "fixtures/notebooks/bad", "fixtures/notebooks/churn", "fixtures/notebooks/hidden_state", "--format", "json")
    assert proc.returncode == 2, f"unreadable inputs in the batch give exit code 2, got {proc.returncode}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    assert sorted(e["path"] for e in report["errors"]) == sorted(p.relative_to(REPO).as_posix() for p in UNREADABLE)
    located = {f["location"]["path"] for f in report["findings"]}
    # The good notebooks next to the bad ones were audited (each has expected findings).
    for good in ("fixtures/notebooks/churn/churn.ipynb", "fixtures/notebooks/hidden_state/experiments.ipynb"):
        assert good in located, f"{good} has no findings in the batch report"
    experiments = "fixtures/notebooks/hidden_state/experiments.ipynb"
    hidden = [(f["location"]["cell"], f["code"], f["location"]["line"]) for f in report["findings"] if f["location"]["path"] == experiments]
    # A missing manifest is one root cause for the notebooks of one project (here the corpus: its
    # pyproject.toml holds [tool.nbrefactor]): DEP002 of one distribution is one finding at the first
    # notebook of the batch, experiments' import line a related location of it (AuditResult.diagnostics).
    folded = [(r["cell"], f["code"], r["line"]) for f in report["findings"] if f["code"] == "DEP002" and f["location"]["path"] != experiments
              for r in f["related"] if r["path"] == experiments]
    assert {f["data"]["project_root"] for f in report["findings"] if f["code"] == "DEP002"} == {"fixtures/notebooks"}
    # every finding the fixture's authored expectations name, found inside the batch as alone
    expected = json.loads((REPO / "fixtures/notebooks/hidden_state/experiments.expected.json").read_text())["findings"]
    assert {"HID001", "HID003", "HID004"} <= {e["code"] for e in expected}
    assert sorted((e["cell"], e["code"], e["line"]) for e in expected) == sorted(hidden + folded)
    # And so were the readable bad inputs (v3, R kernel, Python 2, schema-invalid, no language_info, 20 MB).
    # The R notebook has no finding: it is named in `not_analysed`, the run's notice (STR002).
    located |= {n["path"] for n in report["not_analysed"]}
    for readable in READABLE_BAD:
        assert readable.relative_to(REPO).as_posix() in located, f"{readable.name} was not audited in the batch"
    assert report["summary"]["unreadable"] == len(UNREADABLE)
    # The in-process entry point too, on the whole corpus.
    result = audit_paths([str(CORPUS)], load_settings(CORPUS / "pyproject.toml"))
    assert len(result.errors) == len(UNREADABLE)
    assert snapshot(CORPUS) == before, "auditing changed, added or removed files under fixtures/notebooks"


def test_secret_from_the_corpus_is_never_printed() -> None:
    """The fake AWS key id (source) and the GitHub token (saved output) are reported, redacted."""
    proc = run_cli("audit", "fixtures/notebooks/big_data", "fixtures/notebooks/keras_text", "--color", "never")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "AKIAIOSFODNN7EXAMPLE" not in output
    assert "Zq8Xw3Lm5Nb7Vc9Kd2Hs4Jt6Rf1Gy0Pe8Ua3" not in output
    assert "SEC001" in output and "SEC002" in output
