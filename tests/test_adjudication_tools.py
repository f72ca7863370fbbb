"""The scripts behind issue 11's claims ("no judged R gone", "N 608 -> 600", a corpus extracted
from a snapshot) re-run from a clone: benchmarks/fates.py, audit_diff.py, extract_snapshot.py, and
the regression corpora's rebuild: corpora.json, build_corpora.py, fates_all.py."""

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


def _snapshot(tmp_path: Path, name: str, files: dict[str, str]) -> str:
    """A git repository under tmp_path/mirror/<name>/repo holding FILES in one commit; its commit id."""
    work = tmp_path / "mirror" / name / "repo"
    for path, text in files.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(text, encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(work)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "snapshot"], check=True)
    return subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_build_corpora_extracts_whole_tree_or_filtered_applies_cuts_and_says_what_it_could_not(tmp_path):
    files = {
        "analysis/model.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
        "src/helpers.py": "def f():\n    return 1\n",
        "requirements.txt": "pandas==2.2.2\n",
        "data/train.csv": "a,b\n1,2\n",
        "old/legacy.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
    }
    commit = _snapshot(tmp_path, "ann+proj", files)
    _snapshot(tmp_path, "bob+late", {"a.py": "x = 1\n"})
    corpora = tmp_path / "corpora.json"
    corpora.write_text(json.dumps({"corpora": {
        "whole": {"mode": "whole-tree", "note": "n", "repos": [{"repo": "ann/proj", "commit": commit, "cuts": ["old"]}]},
        "filtered": {"mode": "filtered", "note": "n", "repos": [
            {"repo": "ann/proj", "commit": commit},
            {"repo": "carl/absent", "commit": "0" * 40},  # never fetched
            {"repo": "bob/late", "commit": "1" * 40},  # fetched, but not at this commit
        ]},
    }}), encoding="utf-8")
    out = tmp_path / "out"
    (out / "whole" / "repos" / "ann+proj" / "stale.txt").parent.mkdir(parents=True)
    (out / "whole" / "repos" / "ann+proj" / "stale.txt").write_text("from an earlier build", encoding="utf-8")

    done = _run("build_corpora.py", tmp_path / "mirror", out, "--corpora", corpora)

    assert done.returncode == 1, done.stderr  # two repositories could not be built
    assert _files(out / "whole" / "repos" / "ann+proj") == ["analysis/model.ipynb", "data/train.csv", "requirements.txt", "src/helpers.py"]
    assert _files(out / "filtered" / "repos" / "ann+proj") == ["analysis/model.ipynb", "old/legacy.ipynb", "requirements.txt", "src/helpers.py"]
    assert (out / "whole" / "repos" / "ann+proj" / "data" / "train.csv").read_text(encoding="utf-8") == files["data/train.csv"]
    assert not (out / "filtered" / "repos" / "carl+absent").exists() and not (out / "filtered" / "repos" / "bob+late").exists()
    assert done.stdout.splitlines() == [
        f"whole\tann/proj\t{commit[:12]}\tok: 5 files, 0 blobs missing, 1 notebooks after cuts",
        f"filtered\tann/proj\t{commit[:12]}\tok: 4 files, 0 blobs missing, 2 notebooks after cuts",
        f"filtered\tcarl/absent\t{'0' * 12}\tmissing snapshot",
        f"filtered\tbob/late\t{'1' * 12}\tcommit not in snapshot",
    ]

    one = _run("build_corpora.py", tmp_path / "mirror", tmp_path / "one", "whole", "--corpora", corpora)
    assert one.returncode == 0, one.stderr
    assert [line.split("\t")[0] for line in one.stdout.splitlines()] == ["whole"]
    assert _run("build_corpora.py", tmp_path / "mirror", out, "nosuch", "--corpora", corpora).returncode == 2


def test_build_corpora_lists_the_repositories_to_fetch(tmp_path):
    corpora = tmp_path / "corpora.json"
    corpora.write_text(json.dumps({"corpora": {
        "a": {"mode": "filtered", "note": "n", "repos": [{"repo": "ann/proj", "commit": "0" * 40}, {"repo": "bob/x", "commit": "1" * 40}]},
        "b": {"mode": "whole-tree", "note": "n", "repos": [{"repo": "ann/proj", "commit": "2" * 40}, {"repo": "carl/y", "commit": "3" * 40}]},
    }}), encoding="utf-8")

    every = _run("build_corpora.py", "--list", "--corpora", corpora)
    only_b = _run("build_corpora.py", "--list", "b", "--corpora", corpora)

    assert every.returncode == 0, every.stderr
    assert every.stdout.splitlines() == ["ann/proj", "bob/x", "carl/y"]
    assert only_b.stdout.splitlines() == ["ann/proj", "carl/y"]


def test_corpora_json_names_full_commits_a_mode_and_a_note_for_every_fair_check_corpus():
    corpora = json.loads((BENCHMARKS / "results" / "corpora.json").read_text(encoding="utf-8"))["corpora"]
    # every fair check from 27 on (the first with a regression corpus) has one, in order, then PDSH
    numbered = (p.stem.removeprefix("adjudication-fair") for p in (BENCHMARKS / "results").glob("adjudication-fair*.tsv"))
    checks = sorted(int(n) for n in numbered if n.isdigit())
    assert list(corpora) == [f"fair{n}" for n in checks if n >= 27] + ["pdsh"]
    for name, corpus in corpora.items():
        number = int(name[4:]) if name != "pdsh" else None
        assert corpus["mode"] == ("whole-tree" if number and number <= 37 else "filtered"), name
        assert corpus["note"] and corpus["repos"], name
        for entry in corpus["repos"]:
            assert len(entry["commit"]) == 40 and int(entry["commit"], 16) >= 0, (name, entry)
            assert entry["repo"].count("/") == 1, (name, entry)
    # every judged repository is in its corpus
    for name in corpora:
        verdicts = BENCHMARKS / "results" / f"adjudication-{name}.tsv"
        if verdicts.is_file():
            judged = {row.split("\t")[3] for row in verdicts.read_text(encoding="utf-8").splitlines()[1:] if row}
            assert judged <= {entry["repo"] for entry in corpora[name]["repos"]}, name


def test_fates_all_sums_up_every_check_and_lists_the_r_findings_gone(tmp_path):
    results, audits = tmp_path / "results", tmp_path / "audits"
    results.mkdir()
    audits.mkdir()
    (results / "adjudication-fair9.tsv").write_text(
        HEADER + "1\tpaths\tPTH001\tann/proj\ta.ipynb\t3\t2\tR\t\t\n" + "2\tpaths\tPTH001\tann/proj\ta.ipynb\t4\t1\tN\t\t\n", encoding="utf-8"
    )
    (results / "adjudication-fair10.tsv").write_text(HEADER + "7\tpaths\tRND001\tbob/x\tb.ipynb\t2\t1\tR\t\t\n", encoding="utf-8")
    (audits / "fair9.json").write_text(json.dumps({"findings": [_finding("PTH001", "repos/ann+proj/a.ipynb", 3, 2)]}), encoding="utf-8")
    (audits / "fair10.json").write_text(json.dumps({"findings": []}), encoding="utf-8")
    (audits / "pdsh.json").write_text(json.dumps({"findings": []}), encoding="utf-8")  # no verdicts: not a check

    done = _run("fates_all.py", audits, "--results", results)

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "fair9   R kept=1 | N gone=1 | W",
        "fair10  R gone=1 | N | W",
        "",
        "R gone (item verdict code repo path cell line fate):",
        "fair10:",
        "7 R RND001 bob/x b.ipynb 2 1 gone",
    ]
    named = _run("fates_all.py", audits, "fair9", "fair11", "--results", results)
    assert named.returncode == 1
    assert named.stdout.splitlines()[:2] == ["fair9   R kept=1 | N gone=1 | W", f"fair11  (no {results / 'adjudication-fair11.tsv'})"]


def test_fates_all_writes_the_judged_noise_the_audits_still_report(tmp_path):
    results, audits = tmp_path / "results", tmp_path / "audits"
    results.mkdir()
    audits.mkdir()
    (results / "adjudication-fair9.tsv").write_text(
        HEADER
        + "1\tpaths\tPTH001\tann/proj\ta.ipynb\t3\t2\tN\tdemo-path\tonly a demo\n"  # still reported: listed
        + "2\tpaths\tPTH001\tann/proj\ta.ipynb\t4\t1\tW\tnot-a-path\tgone now\n"  # not reported any more
        + "3\tpaths\tPTH001\tann/proj\ta.ipynb\t5\t1\tR\t\tright, kept: not noise\n"
        + "4\tpaths\tPTH006\tann/proj\ta.ipynb\t6\t1\tW\tsame-cell\tmoved to another line\n",
        encoding="utf-8",
    )
    (audits / "fair9.json").write_text(json.dumps({"findings": [
        _finding("PTH001", "repos/ann+proj/a.ipynb", 3, 2),
        _finding("PTH001", "repos/ann+proj/a.ipynb", 5, 1),
        _finding("PTH006", "repos/ann+proj/a.ipynb", 6, 9),
    ]}), encoding="utf-8")
    out = tmp_path / "kept.tsv"

    done = _run("fates_all.py", audits, "--results", results, "--kept-noise", out)

    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").splitlines() == ["fair9\t1\tN\tPTH001\tann/proj\ta.ipynb\t3\t2\tdemo-path\tonly a demo"]


def test_fates_tells_two_findings_of_one_line_apart_by_the_judged_audit(tmp_path):
    # Fair check 52, item 125: REF's finding (column 66) shared its line with OUT_DIR's (column 51);
    # folded since into OUT_DIR's, its place is that finding's related location. A place of cell and
    # line alone called it kept (OUT_DIR's finding stands on the line); the judged audit and the
    # worksheet give the judged finding's column.
    verdicts = tmp_path / "adj.tsv"
    verdicts.write_text(
        HEADER + "1\tpaths\tPTH006\tann/proj\ta.ipynb\t3\t9\tN\tx\tREF's folder\n"
        + "2\tpaths\tPTH006\tann/proj\ta.ipynb\t3\t20\tR\t\tits own line\n",
        encoding="utf-8",
    )
    nb = "repos/ann+proj/a.ipynb"

    def at(cell, line, column, message="m", related=()):
        found = _finding("PTH006", nb, cell, line, message, [{"path": nb, "cell": c, "line": li, "column": co} for c, li, co in related])
        found["location"]["column"] = column
        return found

    judged = tmp_path / "judged.json"
    judged.write_text(json.dumps({"findings": [
        at(3, 9, 51, "Relative path 'repairs' (`OUT_DIR`)"), at(3, 9, 66, "Relative path 'arc_dsl_ref' (`REF`)"),
        at(3, 20, 9, "Relative path 'x'"),
    ]}), encoding="utf-8")
    worksheet = tmp_path / "worksheet.md"
    worksheet.write_text(
        "# 2 of 3 findings, seed 1\n\n## 1. PTH006 ann/proj:a.ipynb cell 3 line 9\n\nRelative path 'arc_dsl_ref' (`REF`)\n\n"
        "```python\nREF = 'arc_dsl_ref'\n```\n\n## 2. PTH006 ann/proj:a.ipynb cell 3 line 20\n\nRelative path 'x'\n\n",
        encoding="utf-8",
    )
    audit = tmp_path / "audit.json"
    audit.write_text(json.dumps({"findings": [
        at(3, 9, 51, "Relative path 'repairs' (`OUT_DIR`)…", related=[(3, 9, 66)]), at(3, 20, 9, "Relative path 'x'"),
    ]}), encoding="utf-8")

    assert _run("fates.py", verdicts, audit, "--items").stdout.splitlines() == ["R kept=1", "N kept=1", "W"]
    done = _run("fates.py", verdicts, audit, "--items", "--judged", judged, "--worksheet", worksheet)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["1 N PTH006 ann/proj a.ipynb 3 9 related", "R kept=1", "N related=1", "W"]
