"""The scripts behind issue 11's claims ("no judged R gone", "N 608 -> 600", a corpus extracted
from a snapshot) re-run from a clone: benchmarks/fates.py, audit_diff.py, extract_snapshot.py."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
HEADER = "item\tfamily\tcode\trepo\tpath\tcell\tline\tverdict\tclass\treason\n"


def _run(script: str, *args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BENCHMARKS / script), *map(str, args)], capture_output=True, text=True)


def _finding(code: str, path: str, cell, line, message: str = "m", related: list | None = None) -> dict:
    return {"code": code, "message": message, "location": {"path": path, "cell": cell, "line": line}, "related": related or []}


def test_fates_tells_kept_related_moved_and_gone_apart(tmp_path):
    verdicts = tmp_path / "adj.tsv"
    verdicts.write_text(
        HEADER
        + "1\tpaths\tPTH001\tann/proj\tnb/a.ipynb\t3\t2\tR\t\tsame place\n"
        + "2\thidden-state\tHID001\tann/proj\tnb/a.ipynb\t5\t1\tR\t\tnow one of a finding's places\n"
        + "3\tpaths\tPTH006\tann/proj\tnb/a.ipynb\t7\t4\tN\tx\tsame cell, other line\n"
        + "4\trandomness\tRND001\tbob/other\tb.ipynb\t2\t1\tW\ty\tno longer reported\n"
        + "5\tstructure\tSTR004\tbob/other\tb.ipynb\tNone\tNone\tR\t\ta notebook-level finding\n",
        encoding="utf-8",
    )
    audit = tmp_path / "audit.json"
    audit.write_text(json.dumps({"findings": [
        _finding("PTH001", "repos/ann+proj/nb/a.ipynb", 3, 2),
        _finding("HID001", "repos/ann+proj/nb/a.ipynb", 4, 1, related=[{"location": {"path": "repos/ann+proj/nb/a.ipynb", "cell": 5, "line": 1}}]),
        _finding("PTH006", "repos/ann+proj/nb/a.ipynb", 7, 9),
        _finding("RND001", "repos/bob+other/b.ipynb", 9, 1),  # another cell: item 4 is gone
        _finding("STR004", "repos/bob+other/b.ipynb", None, None),
    ]}), encoding="utf-8")

    done = _run("fates.py", verdicts, audit, "--items")

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "2 R HID001 ann/proj nb/a.ipynb 5 1 related",
        "3 N PTH006 ann/proj nb/a.ipynb 7 4 moved",
        "4 W RND001 bob/other b.ipynb 2 1 gone",
        "R kept=2 related=1",
        "N moved=1",
        "W gone=1",
    ]


def test_audit_diff_counts_a_reworded_finding_apart_from_removed_and_added(tmp_path):
    base, new = tmp_path / "base", tmp_path / "new"
    base.mkdir()
    new.mkdir()
    (base / "corpus.json").write_text(json.dumps({"findings": [
        _finding("PTH001", "a.ipynb", 1, 1, "old text"),
        _finding("HID001", "a.ipynb", 2, 1),
        _finding("HID001", "a.ipynb", 2, 1),  # the same place twice: one of them goes
    ]}), encoding="utf-8")
    (new / "corpus.json").write_text(json.dumps({"findings": [
        _finding("PTH001", "a.ipynb", 1, 1, "new text"),
        _finding("HID001", "a.ipynb", 2, 1),
        _finding("RND001", "a.ipynb", 3, 5),
    ]}), encoding="utf-8")
    (base / "lost.json").write_text(json.dumps({"findings": []}), encoding="utf-8")

    done = _run("audit_diff.py", base, new, "-v")

    assert done.returncode == 1  # lost.json has no counterpart: said, and the run fails
    lines = done.stdout.splitlines()
    assert lines[0] == "corpus: 3 -> 3  removed 1, added 1, message changed 1"
    assert lines[1:3] == ["   - HID001 a.ipynb 2 1", "   + RND001 a.ipynb 3 5"]
    assert lines[3].startswith("lost: missing ") and lines[3].endswith("lost.json")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_extract_snapshot_writes_notebooks_code_and_manifests_and_counts_a_missing_blob(tmp_path):
    work = tmp_path / "work"
    files = {
        "analysis/model.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
        "src/helpers.py": "def f():\n    return 1\n",
        "requirements.txt": "pandas==2.2.2\n",
        "env/environment.yml": "dependencies: [numpy]\n",
        "data/train.csv": "a,b\n1,2\n",
        "figures/plot.png": "not an image",
        "lost/gone.py": "x = 1\n",
    }
    for name, text in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text, encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(work)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "snapshot"], check=True)
    lost = subprocess.run([*git, "rev-parse", "HEAD:lost/gone.py"], capture_output=True, text=True, check=True).stdout.strip()
    (work / ".git" / "objects" / lost[:2] / lost[2:]).unlink()  # a snapshot lacking its blob

    done = _run("extract_snapshot.py", work / ".git", tmp_path / "out")

    assert done.returncode == 0, done.stderr
    written = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert written == ["analysis/model.ipynb", "env/environment.yml", "requirements.txt", "src/helpers.py"]
    assert (tmp_path / "out" / "src" / "helpers.py").read_text(encoding="utf-8") == files["src/helpers.py"]
    assert "4 files, 1 blobs missing" in done.stderr
