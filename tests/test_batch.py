"""Batch migration: parallel workers with a deterministic result, the time limit, the cache,
Ctrl-C, migration-report.json and `nbrefactor report`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nbfactory import project, write_notebook
from nbrefactor.migrate import batch as batch_module
from nbrefactor.migrate.batch import BatchOptions, recover_out, run_batch
from nbrefactor.cli.app import main
from nbrefactor.config import Settings
from nbrefactor.fileio import MANIFEST, write_tree
from nbrefactor.migrate.one_model import MigrateOptions
from nbrefactor.report.migration import SCHEMA, load_document
from reportcorpus import DATA, GITHUB_TOKEN, SECRET, build_corpus
from deadlines import HANG_GUARD


def run_cli(*args: str) -> int:
    return main(list(args))


def batch(root: Path, out: Path, jobs: int = 1, timeout: float = 300, **kw):
    return run_batch([str(root)], Settings(), MigrateOptions(out=out, **kw), BatchOptions(jobs=jobs, timeout=timeout))


def assert_only_complete_packages(out: Path) -> list[str]:
    """Every folder in `out` (besides the report) is a package whose manifest lists files that
    are all there with the recorded content; no staging or swap folder is left."""
    packages = []
    for entry in sorted(out.iterdir()):
        assert not entry.name.endswith((".tmp", ".old")), f"left over: {entry.name}"
        if not entry.is_dir() or entry.name in ("report", ".nbrefactor"):  # the HTML, OUT's own marker
            continue
        manifest = entry / MANIFEST
        assert manifest.is_file(), f"{entry.name} has no manifest: half-written"
        import hashlib

        for relative, digest in json.loads(manifest.read_text())["files"].items():
            assert (entry / relative).is_file(), f"{entry.name}/{relative} missing"
            assert hashlib.sha256((entry / relative).read_bytes()).hexdigest() == digest, f"{entry.name}/{relative} incomplete"
        packages.append(entry.name)
    return packages


def src_project(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    (tmp_path / "src").mkdir()
    return project(tmp_path / "src", files)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_corpus(tmp_path_factory.mktemp("corpus"))


# --- parallel, ordered, one failure does not stop the batch ----------------------------------------


def test_parallel_workers_give_the_same_bytes_as_one_process(corpus, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    assert run_cli("migrate", str(corpus), "--out", str(one), "-j", "1") == 1  # one model is blocked
    assert run_cli("migrate", str(corpus), "--out", str(two), "-j", "2") == 1
    files_one = {p.relative_to(one): p.read_bytes() for p in one.rglob("*") if p.is_file()}
    files_two = {p.relative_to(two): p.read_bytes() for p in two.rglob("*") if p.is_file()}
    assert files_one.keys() == files_two.keys()
    assert files_one == files_two
    document = load_document(one / "migration-report.json")
    assert [m["name"] for m in document["models"]] == ["churn", "evil", "stale"]
    # The tests run with NBREFACTOR_PROVE=0 (conftest): a written package is "emitted", not proven.
    assert {m["name"]: m["status"] for m in document["models"]} == {"churn": "emitted", "evil": "emitted", "stale": "blocked"}
    assert [m["proof"]["skipped"] for m in document["models"] if m["package_dir"]] == [True, True]


def test_a_broken_notebook_is_recorded_and_the_batch_goes_on(tmp_path, capsys):
    root = src_project(tmp_path, {"data.csv": DATA})
    write_notebook(root / "good.ipynb", ["import pandas as pd\ndf = pd.read_csv('data.csv')\nn = len(df)"])
    (root / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("migrate", str(root), "--out", str(out), "-j", "2") == 2
    document = load_document(out / "migration-report.json")
    status = {m["name"]: m for m in document["models"]}
    assert status["good"]["status"] == "emitted" and status["good"]["proof"]["skipped"] and (out / "good" / MANIFEST).is_file()
    assert status["broken"]["status"] == "unreadable"
    assert "invalid JSON" in status["broken"]["problems"][0]
    assert document["summary"]["status"]["unreadable"] == 1


def test_the_line_written_per_model_never_says_migrated_before_the_proof(tmp_path, capsys):
    """Compiling writes a package; "migrated" is rung 5's word. The line printed as each model is
    written (before the proof ladder runs, or with it off) said "migrated-with-review" for
    packages the summary then called "emitted, not proven" (seen on real notebooks whose tests
    failed at rung 4)."""
    root = src_project(tmp_path, {"data.csv": DATA})
    write_notebook(root / "good.ipynb", ["import pandas as pd\ndf = pd.read_csv('data.csv')\nn = len(df)"])
    write_notebook(root / "reviewed.ipynb", ["import pandas as pd\ndf = pd.read_csv('data.csv')", "%store df"])
    out = tmp_path / "out"
    run_cli("migrate", str(root), "--out", str(out), "--no-prove", "--progress", "lines")
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("[")]
    assert len(lines) == 2, lines
    assert all(" migrated" not in line for line in lines), lines
    assert any(line.startswith("[") and "] emitted " in line and "good" in line for line in lines), lines
    assert any("] emitted-with-review " in line and "reviewed" in line for line in lines), lines


def slow_notebook(path: Path) -> Path:
    # ~10,000 assignments: the compiler needs minutes for it, far beyond the limit below however
    # fast the machine (3,600 took tens of seconds before the analysis got faster).
    cells = ["import pandas as pd\ndf = pd.read_csv('data.csv')"] + [
        "\n".join(f"x{i}_{j} = df['a'] * {j} + {i}" for j in range(100)) for i in range(100)
    ]
    return write_notebook(path, cells)


def test_a_model_over_the_time_limit_is_failed_and_the_batch_goes_on(tmp_path):
    root = src_project(tmp_path, {"data.csv": DATA})
    slow_notebook(root / "slow.ipynb")
    write_notebook(root / "quick.ipynb", ["import pandas as pd\ndf = pd.read_csv('data.csv')\nn = len(df)"])
    # Imports paid before the clock runs.
    run_batch([str(root / "quick.ipynb")], Settings(), MigrateOptions(out=tmp_path / "warm", dry_run=True), BatchOptions(jobs=1, timeout=0))
    out = tmp_path / "out"
    started = time.monotonic()
    # 20 s: the quick model takes ~3.5 s on a loaded 2-core machine (8 s was overrun in a CI run
    # at load 10+), and a time limit that fires is always reported (it used to be lost when a
    # library swallowed the exception). The bound on the whole batch is a guard against a limit
    # that never fires, not a speed test.
    outcome = batch(root, out, timeout=20)
    elapsed = time.monotonic() - started
    records = {r["name"]: r for r in outcome.records}
    assert records["slow"]["status"] == "failed"
    assert records["slow"]["problems"] == ["stopped: over the time limit of 20 s (20 s per notebook, --timeout)"]
    assert records["quick"]["status"] == "migrated", records["quick"]
    assert elapsed < 120
    assert assert_only_complete_packages(out) == ["quick"]
    assert sorted(json.loads((out / ".nbrefactor-cache.json").read_text())["entries"]) == ["quick"]  # failures are not cached


# --- the cache ----------------------------------------------------------------------------------


def test_rerun_reuses_every_unchanged_model_without_analysing_and_rebuilds_a_changed_one(corpus, tmp_path, monkeypatch, capsys):
    import shutil

    root = tmp_path / "corpus"
    shutil.copytree(corpus, root)
    out = tmp_path / "out"
    first = batch(root, out)
    assert first.reused == [] and first.rebuilt == ["churn", "evil", "stale"]

    analysed: list[str] = []
    real = batch_module.migrate_one

    def counting(model, *args, **kwargs):
        analysed.append(model)
        return real(model, *args, **kwargs)

    monkeypatch.setattr(batch_module, "migrate_one", counting)
    second = batch(root, out)
    assert analysed == []  # nothing was read, analysed or compiled
    assert second.reused == ["churn", "evil", "stale"] and second.rebuilt == []
    assert [d.run_status for d in second.done] == ["cached"] * 3
    assert second.records == first.records

    # A changed notebook, and a changed data file beside another one: only those two are rebuilt.
    notebook = root / "models" / "churn" / "churn.ipynb"
    notebook.write_text(notebook.read_text().replace("max_iter=200", "max_iter=300"))
    (root / "legacy" / "lookup.csv").write_text("k,v\n1,2\n")
    third = batch(root, out)
    assert sorted(analysed) == ["churn", "stale"]
    assert third.reused == ["evil"] and third.rebuilt == ["churn", "stale"]
    assert "max_iter=300" in (out / "churn" / "src" / "churn" / "steps.py").read_text()

    # A package deleted (or edited) on disk is not trusted from the cache.
    analysed.clear()
    shutil.rmtree(out / "evil")
    fourth = batch(root, out)
    assert analysed == ["evil"] and (out / "evil" / MANIFEST).is_file()
    assert fourth.reused == ["churn", "stale"]

    # A manifest the audit reads in an environment folder (.devcontainer/) changes what the
    # package declares: the model beside it is rebuilt.
    analysed.clear()
    (root / "models" / "churn" / ".devcontainer").mkdir()
    (root / "models" / "churn" / ".devcontainer" / "requirements.txt").write_text("pandas==2.2.2\n")
    fifth = batch(root, out)
    assert analysed == ["churn"] and fifth.reused == ["evil", "stale"]


def test_cli_rerun_reports_the_cache_and_writes_byte_identical_reports(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    run_cli("migrate", str(corpus), "--out", str(out))
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert "cache: 0 models unchanged and reused, 3 analysed" in capsys.readouterr().out
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    run_cli("migrate", str(corpus), "--out", str(out))
    text = capsys.readouterr().out
    assert "cache: 3 models unchanged and reused, 0 analysed" in text
    assert "unchanged (cached)" in text
    second = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert first == second
    assert mtimes == {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}  # nothing rewritten
    run_cli("migrate", str(corpus), "--out", str(out), "--no-cache")
    assert "0 models unchanged and reused, 3 analysed" in capsys.readouterr().out
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == first


# --- Ctrl-C -------------------------------------------------------------------------------------


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_stops_the_workers_and_leaves_only_complete_packages(tmp_path):
    root = src_project(tmp_path, {"data.csv": DATA})
    for i in range(8):
        cells = ["import pandas as pd\ndf = pd.read_csv('data.csv')"] + [f"v{j} = df['a'] * {j + i}\nw{j} = v{j}.sum()" for j in range(25)]
        write_notebook(root / f"model_{i}.ipynb", cells)
    slow_notebook(root / "zz_slow.ipynb")  # still running when the signal comes
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "nbrefactor", "migrate", str(root), "--out", str(out), "-j", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    import threading

    watchdog = threading.Timer(180, process.kill)  # a hung batch fails the test instead of hanging it
    watchdog.start()
    # Wait until the batch has reported a finished model (one plain line per model off a terminal).
    reported = process.stdout.readline()
    watchdog.cancel()
    assert reported.startswith("[1/9] "), reported
    workers = _descendants(process.pid)
    assert workers, "the batch should run worker processes"
    process.send_signal(signal.SIGINT)
    # Generous: the models in flight finish writing (or are discarded) before the batch exits, and on
    # a loaded two-core CI machine that took over 60 s once; a hung batch still fails here.
    stdout, stderr = process.communicate(timeout=HANG_GUARD)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    time.sleep(0.5)
    assert not [p for p in workers if _alive(p)], "worker processes outlived the interrupted batch"
    packages = assert_only_complete_packages(out)
    assert packages and "zz_slow" not in packages
    assert not (out / "migration-report.json").exists()  # no report of a batch that did not finish
    # The models reported finished before the signal are cached: a re-run does not analyse them.
    finished = {line.split()[2] for line in [reported, *stdout.splitlines()] if line.startswith("[")}
    cache = json.loads((out / ".nbrefactor-cache.json").read_text())["entries"]
    assert finished and finished <= set(cache) <= set(packages)


def test_recover_out_removes_staging_and_puts_back_an_interrupted_swap(tmp_path):
    out = tmp_path / "out"
    write_tree({"a.txt": "one"}, out / "alpha")
    write_tree({"b.txt": "two"}, out / "beta")
    # A write cut while staging, and a swap cut between its two renames (beta moved aside).
    (out / ".alpha.k3j2h1g0.tmp" / "src").mkdir(parents=True)
    (out / ".alpha.k3j2h1g0.tmp" / "src" / "half.py").write_text("def f(")
    os.replace(out / "beta", out / ".beta.abcd1234.old")
    (out / ".beta.zyxw9876.tmp").mkdir()
    (out / "keep.txt").write_text("a user file")
    actions = recover_out(out)
    assert sorted(p.name for p in out.iterdir()) == ["alpha", "beta", "keep.txt"]
    assert (out / "beta" / "b.txt").read_text() == "two"
    assert any("restored beta" in a for a in actions)
    assert assert_only_complete_packages(out) == ["alpha", "beta"]


# --- the report file and the report command -------------------------------------------------------


def test_migration_report_holds_what_the_html_needs_with_secrets_redacted(corpus, tmp_path):
    out = tmp_path / "out"
    run_cli("migrate", str(corpus), "--out", str(out))
    text = (out / "migration-report.json").read_text(encoding="utf-8")
    assert SECRET not in text and GITHUB_TOKEN not in text
    assert "AKIA****" in text
    document = json.loads(text)
    assert document["schema"] == SCHEMA == "nbrefactor-migration/2"
    assert text == json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"  # sorted
    summary = document["summary"]
    assert summary["models"] == 3 and summary["notebooks"] == 3
    # Proof off (conftest: NBREFACTOR_PROVE=0): the two written packages are emitted, not migrated.
    assert summary["status"] == {"migrated": 0, "migrated-with-review": 0, "emitted": 2, "skipped": 0, "blocked": 1, "failed": 0, "unreadable": 0}
    assert sum(summary["by_severity"].values()) == summary["findings"] == sum(len(m["findings"]) for m in document["models"])
    churn = next(m for m in document["models"] if m["name"] == "churn")
    assert churn["package_dir"] == "churn" and "src/churn/pipeline.py" in churn["files"]
    assert churn["folder"].endswith("models/churn")
    # What each fixed finding became: the relative paths are config fields now.
    fixed = {churn_f["code"]: churn["fixed"][churn_f["fingerprint"]] for churn_f in churn["findings"] if churn_f["fingerprint"] in churn["fixed"]}
    assert fixed["PTH006"]["field"] in ("data_csv_path", "scored_csv_path")
    assert "CHURN_" in fixed["PTH006"]["became"]
    assert any(f["code"] == "RND001" and f["fingerprint"] not in churn["fixed"] for f in churn["findings"])
    assert [c["index"] for c in churn["pages"][0]["cells"]] == [1, 2, 3, 4, 5]
    assert churn["pages"][0]["cells"][1]["outputs"][0]["text"] == "(40, 3)"
    # readiness: 59 − 5 per warning left (RND001, and DEP002 once per imported distribution:
    # pandas, numpy, scikit-learn) = 39, but an emitted model (written, its proof not run) stays in
    # its band (40–59), never the migrated one (90–100); the fixed PTH006 cost nothing
    assert churn["status"] == "emitted" and churn["review"] == []
    # (its two relative paths, `data/` and the scored file, are one PTH006 per folder since fair
    # check 11 when they share one; here one finding is fixed, the other path lifted with it)
    assert churn["readiness"] == {"score": 40, "errors": 0, "warnings": 4, "infos": 0, "fixed": 1, "review": 0, "blocked": False}
    stale = next(m for m in document["models"] if m["name"] == "stale")
    assert stale["package_dir"] is None and stale["readiness"]["score"] == 39 - 15  # blocked: band 1–39, one error
    assert "HID003" in stale["problems"][0]


def test_report_command_rerenders_without_the_notebooks(corpus, tmp_path, capsys):
    import shutil

    root = tmp_path / "corpus"
    shutil.copytree(corpus, root)
    out = tmp_path / "out"
    run_cli("migrate", str(root), "--out", str(out))
    html = {p.relative_to(out / "report"): p.read_bytes() for p in (out / "report").rglob("*") if p.is_file()}
    shutil.rmtree(root)  # nothing left to analyse
    shutil.rmtree(out / "report")
    capsys.readouterr()
    assert run_cli("report", str(out / "migration-report.json")) == 1  # a model is blocked
    text = capsys.readouterr().out
    assert "blocked               stale (" in text and "Migration summary" in text
    assert f"report: {out / 'report' / 'index.html'}" in text
    assert {p.relative_to(out / "report"): p.read_bytes() for p in (out / "report").rglob("*") if p.is_file()} == html
    elsewhere = tmp_path / "elsewhere"
    assert run_cli("report", str(out), "--html", str(elsewhere)) == 1
    index = (elsewhere / "index.html").read_text()
    assert 'href="../out/churn/src/churn/' in index  # links still reach the packages
    model_page = next((elsewhere / "models").glob("churn-*.html")).read_text()
    assert "<h1>Migration of churn</h1>" in model_page  # MIGRATION.md, read from the package and rendered
    (tmp_path / "not-a-report.json").write_text('{"schema": "nbrefactor-audit/1"}')
    assert run_cli("report", str(tmp_path / "not-a-report.json")) == 2
    assert "not a migration report" in capsys.readouterr().err


def test_dry_run_writes_no_report_and_no_cache(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert run_cli("migrate", str(corpus), "--out", str(out), "--dry-run", "-j", "2") == 1
    text = capsys.readouterr().out
    assert "model churn → package churn" in text and "would be migrated" in text
    assert "dry run: nothing was written" in text
    # Nothing was written or proven: the table counts what would be written, never "migrated".
    table = text.split("Migration summary")[1]
    assert "would be written cleanly (not proven)" in table and "migrated" not in table and "proven (rung 5+)" not in table, table
    assert not out.exists()


def test_a_notebook_named_report_does_not_collide_with_the_html_report(tmp_path):
    root = src_project(tmp_path)
    write_notebook(root / "report.ipynb", ["x = 1\ny = x + 1"])
    out = tmp_path / "out"
    assert run_cli("migrate", str(root), "--out", str(out)) == 0
    assert (out / "report_model" / MANIFEST).is_file() and (out / "report" / "index.html").is_file()


def test_dry_run_reports_the_same_review_items_as_the_real_run(tmp_path):
    """The plan a dry run shows is the one the real run writes: same statuses, same review items
    (the forecast fixture has several: an unpinned import, a `%cd`, a chdir)."""
    corpus = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "timeseries"
    options = dict(allow_hidden_state=False)
    dry = run_batch([str(corpus)], Settings(), MigrateOptions(out=tmp_path / "dry", dry_run=True, **options), BatchOptions(jobs=1, timeout=0))
    real = run_batch([str(corpus)], Settings(), MigrateOptions(out=tmp_path / "real", **options), BatchOptions(jobs=1, timeout=0))
    seen = {r["name"]: (r["status"], sorted(json.dumps(i, sort_keys=True) for i in r["review"])) for r in real.records}
    shown = {r["name"]: (r["status"], sorted(json.dumps(i, sort_keys=True) for i in r["review"])) for r in dry.records}
    assert any(review for _, review in seen.values()), "the corpus should have review items to compare"
    assert shown == seen
