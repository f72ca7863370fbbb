"""Engine: rule selection, suppressions, locations, fingerprints, batches (serial and parallel).

Uses the structure rules (STR001..3) so the tests do not depend on other families' progress.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbrefactor.audit import engine
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.config import Settings
from nbrefactor.audit.engine import audit_notebook, audit_paths
from nbrefactor.audit.loader import parse_notebook
from nbrefactor.audit.types import LoadError, Notebook
from nbrefactor.audit.project import ProjectContext
from nbrefactor.audit.rules import rule_by_code

STR = [rule_by_code("STR001"), rule_by_code("STR002"), rule_by_code("STR003")]


def nb_json(*cells, kernel="python3", language="python") -> dict:
    raw = []
    for i, c in enumerate(cells, 1):
        source, kind, tags, count = (c, "code", [], None) if isinstance(c, str) else (
            c.get("source", ""), c.get("kind", "code"), c.get("tags", []), c.get("count"))
        cell = {"cell_type": kind, "id": f"id{i}", "metadata": {"tags": tags}, "source": source}
        if kind == "code":
            cell.update(execution_count=count, outputs=[])
        raw.append(cell)
    return {"cells": raw, "metadata": {"kernelspec": {"name": kernel, "language": language}}, "nbformat": 4, "nbformat_minor": 5}


def notebook(*cells, path="nb.ipynb", **kw) -> Notebook:
    nb = parse_notebook(path, json.dumps(nb_json(*cells, **kw)).encode())
    assert isinstance(nb, Notebook)
    return nb


def audit(nb: Notebook, settings: Settings = Settings(), rules=STR):
    return audit_notebook(nb, settings, ProjectContext(), load_catalog(), rules=rules).result


def found(result) -> list[tuple[str, object, object]]:
    return [(d.code, d.location.cell, d.location.line) for d in result.diagnostics]


# A syntax error in any Python (two `print 'x'` cells would make a Python 2 notebook: STR004)
BROKEN = "else: x = 1"


def test_syntax_error_located_by_cell_counting_markdown():
    result = audit(notebook({"kind": "markdown", "source": "# T"}, "x = 1", "y = 2\n" + BROKEN))
    assert found(result) == [("STR001", 3, 2)]
    d = result.diagnostics[0]
    assert (d.location.cell_id, d.location.column, d.snippet) == ("id3", 1, BROKEN)
    assert d.fingerprint and len(d.fingerprint) == 20


@pytest.mark.parametrize(
    "comment",
    ["# nbrefactor: ignore[STR001]", "# nbrefactor: ignore", "# noqa: STR001", "# noqa", "# noqa: STR", "# NOQA: str001",
     "# noqa: PTH001, STR001", "# nbrefactor: ignore[PTH001,STR001]"],
)
def test_line_comment_suppresses(comment):
    result = audit(notebook(f"{BROKEN}  {comment}"))
    assert found(result) == [] and result.suppressed == 1


@pytest.mark.parametrize("comment", ["# noqa: PTH001", "# nbrefactor: ignore[STR002]", "# nbrefactor: ignore[HID]", "# a comment"])
def test_line_comment_for_another_code_does_not_suppress(comment):
    result = audit(notebook(f"{BROKEN}  {comment}"))
    assert found(result) == [("STR001", 1, 1)] and result.suppressed == 0


def test_comment_on_another_line_does_not_suppress():
    result = audit(notebook(f"# noqa: STR001\n{BROKEN}"))
    assert found(result) == [("STR001", 1, 2)]


@pytest.mark.parametrize("tag", ["nbrefactor:ignore", "nbrefactor:ignore:STR001", "nbrefactor:ignore:STR", "nbrefactor:ignore=STR001"])
def test_cell_tag_suppresses(tag):
    result = audit(notebook({"source": BROKEN, "tags": [tag]}, BROKEN))
    assert found(result) == [("STR001", 2, 1)] and result.suppressed == 1


@pytest.mark.parametrize("tag", ["nbrefactor:ignore:PTH001", "ignore", "nbrefactor"])
def test_cell_tag_for_another_code_does_not_suppress(tag):
    assert found(audit(notebook({"source": BROKEN, "tags": [tag]}))) == [("STR001", 1, 1)]


def test_notebook_level_finding_has_no_cell_and_no_line():
    result = audit(notebook({"kind": "markdown", "source": "# only notes"}))
    assert found(result) == [("STR003", None, None)]
    loc = result.diagnostics[0].location
    assert (loc.cell_id, loc.execution_count, loc.column) == (None, None, None)


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        (("ALL",), (), ["STR001"]),
        (("STR001",), (), ["STR001"]),
        (("STR",), (), ["STR001"]),
        (("structure",), (), ["STR001"]),
        (("syntax-error",), (), ["STR001"]),
        (("PTH",), (), []),
        (("ALL",), ("STR001",), []),
        (("ALL",), ("STR",), []),
        (("ALL",), ("structure",), []),
        (("ALL",), ("syntax-error",), []),
        (("ALL",), ("empty-notebook",), ["STR001"]),
    ],
)
def test_select_and_ignore(select, ignore, expected):
    result = audit(notebook(BROKEN), Settings(select=select, ignore=ignore))
    assert [d.code for d in result.diagnostics] == expected


def test_per_file_ignores_match_path_or_name():
    settings = Settings(per_file_ignores=(("legacy/*.ipynb", ("STR001",)), ("scratch.ipynb", ("structure",))))
    assert found(audit(notebook(BROKEN, path="legacy/old.ipynb"), settings)) == []
    assert found(audit(notebook(BROKEN, path="deep/scratch.ipynb"), settings)) == []
    assert found(audit(notebook(BROKEN, path="src/new.ipynb"), settings)) == [("STR001", 1, 1)]


def test_non_python_kernel_is_a_notice_of_the_run_not_a_finding():
    # STR002 is the "not analysed" notice: no finding (nothing in the notebook to fix), no syntax errors.
    result = audit(notebook("x <- c(1, 2", kernel="ir", language="R", path="survival.ipynb"))
    assert found(result) == []
    notice = result.not_analysed
    assert notice is not None
    assert (notice.path, notice.kernel, notice.language, notice.code) == ("survival.ipynb", "ir", "R", "STR002")
    assert "'R'" in notice.reason and "not analysed" in notice.reason


def test_non_python_kernel_keeps_its_execution_count_findings():
    # HID001 reads only execution counts: it still applies to an R notebook (counts 2 then 1).
    result = audit(notebook({"source": "x <- 1", "count": 2}, {"source": "y <- x", "count": 1}, kernel="ir", language="R"),
                   rules=STR + [rule_by_code("HID001")])
    assert [code for code, _, _ in found(result)] == ["HID001"]
    assert result.not_analysed is not None


def test_ignoring_str002_silences_the_notice():
    result = audit(notebook("x <- 1", kernel="ir", language="R"), Settings(ignore=("STR002",)))
    assert (found(result), result.not_analysed) == ([], None)


def test_python_notebook_has_no_notice():
    assert audit(notebook("x = 1")).not_analysed is None


def test_fingerprint_survives_cells_added_above_and_reexecution():
    first = audit(notebook({"source": BROKEN, "count": 1})).diagnostics[0]
    moved = audit(notebook("a = 1", {"kind": "markdown", "source": "x"}, {"source": BROKEN, "count": 7})).diagnostics[0]
    assert first.location.cell != moved.location.cell
    assert first.fingerprint == moved.fingerprint


def test_equal_findings_get_distinct_fingerprints():
    result = audit(notebook(BROKEN, BROKEN))
    assert len({d.fingerprint for d in result.diagnostics}) == 2


def test_rule_crash_becomes_one_error_line_not_a_crash(tmp_path, monkeypatch):
    (tmp_path / "a.ipynb").write_text(json.dumps(nb_json("x = 1")))
    (tmp_path / "b.ipynb").write_text(json.dumps(nb_json(BROKEN)))

    def explode(nb, *args, **kwargs):
        if nb.path.endswith("a.ipynb"):
            raise ValueError("boom\nsecond line")
        return real(nb, *args, **kwargs)

    real = engine.audit_notebook
    monkeypatch.setattr(engine, "audit_notebook", explode)
    result = audit_paths([str(tmp_path)], Settings(select=("STR",)), jobs=1)
    (error,) = result.errors
    assert error.path.endswith("a.ipynb")
    assert "internal error while auditing (ValueError: boom second line" in error.problem
    assert "\n" not in str(error)
    assert [d.code for d in result.diagnostics] == ["STR001"]


def _batch(tmp_path: Path) -> Path:
    for i in range(9):
        body = BROKEN if i % 3 == 0 else "x = 1"
        sub = tmp_path / f"g{i % 2}"
        sub.mkdir(exist_ok=True)
        (sub / f"n{i}.ipynb").write_text(json.dumps(nb_json({"kind": "markdown", "source": "t"}, body)))
    (tmp_path / "g0" / "bad.ipynb").write_text("{")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "n0-checkpoint.ipynb").write_text(json.dumps(nb_json(BROKEN)))
    return tmp_path


def test_parallel_batch_equals_serial_batch(tmp_path, monkeypatch):
    root = _batch(tmp_path)
    serial = audit_paths([str(root)], Settings(select=("STR",)), jobs=1)
    monkeypatch.setattr(engine, "MIN_NOTEBOOKS_PER_WORKER", 1)  # ten notebooks: use the pool anyway
    parallel = audit_paths([str(root)], Settings(select=("STR",)), jobs=3)
    assert serial == parallel
    assert [r.path.rsplit("/", 1)[-1] for r in serial.notebooks] == ["bad.ipynb", "n0.ipynb", "n2.ipynb", "n4.ipynb", "n6.ipynb", "n8.ipynb", "n1.ipynb", "n3.ipynb", "n5.ipynb", "n7.ipynb"]
    assert len(serial.diagnostics) == 3 and len(serial.errors) == 1


def test_the_pool_takes_the_largest_notebooks_first_and_one_at_a_time(tmp_path, monkeypatch):
    """Results come back in the pool's order (largest file first: a worker that takes a big
    notebook last keeps the run waiting with a core idle) and are sorted by path afterwards."""
    root = _batch(tmp_path)
    (root / "g1" / "n9.ipynb").write_text(json.dumps(nb_json({"kind": "markdown", "source": "t" * 5000}, "x = 1")))
    seen = []
    monkeypatch.setattr(engine, "MIN_NOTEBOOKS_PER_WORKER", 1)
    result = audit_paths([str(root)], Settings(select=("STR",)), on_result=seen.append, jobs=2)
    assert seen[0].path.endswith("n9.ipynb") and seen[-1].path.endswith("bad.ipynb")  # the 1-byte file last
    assert [r.path for r in result.notebooks] == sorted(r.path for r in result.notebooks)


def test_copies_of_a_notebook_go_to_the_same_worker_unless_they_hold_too_much(tmp_path):
    """Same file name, one batch (its worker remembers the cells they share); a group holding more
    than a `2 * workers`-th of the bytes is split; batches largest first."""
    files = []
    for folder, name, size in [("a", "x.ipynb", 100), ("b", "x.ipynb", 120), ("a", "y.ipynb", 300), ("c", "x.ipynb", 90),
                               ("a", "big.ipynb", 500), ("b", "big.ipynb", 500), ("a", "z.ipynb", 10)]:
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / name).write_bytes(b"x" * size)
        files.append((tmp_path / folder / name, f"{folder}/{name}", None))
    batches = [[display for _, display, _ in batch] for batch in engine._batches(files, workers=2)]
    # 1,620 bytes: at most 405 a batch, so the two `big` are split; the three `x` (310) stay together
    assert batches == [["a/big.ipynb"], ["b/big.ipynb"], ["a/x.ipynb", "b/x.ipynb", "c/x.ipynb"], ["a/y.ipynb"], ["a/z.ipynb"]]


def test_parallel_batch_reports_results_as_they_come(tmp_path, monkeypatch):
    root = _batch(tmp_path)
    seen = []
    monkeypatch.setattr(engine, "MIN_NOTEBOOKS_PER_WORKER", 1)
    audit_paths([str(root)], Settings(select=("STR",)), on_result=seen.append, jobs=2)
    assert len(seen) == 10


def test_pool_only_for_enough_notebooks_to_keep_workers_busy():
    # Written by hand from MIN_NOTEBOOKS_PER_WORKER = 8: a worker per 8 notebooks, at least one.
    assert [engine.pool_size(n) for n in (0, 1, 15, 16, 24, 100)] == [1, 1, 1, 2, 3, 12]


def test_small_batch_with_automatic_jobs_runs_in_this_process(tmp_path, monkeypatch):
    root = _batch(tmp_path)

    def no_pool(*args, **kwargs):
        raise AssertionError("a process pool was started for ten notebooks")

    monkeypatch.setattr(engine, "_audit_in_pool", no_pool)
    result = audit_paths([str(root)], Settings(select=("STR",)), jobs=0)
    assert len(result.notebooks) == 10 and len(result.diagnostics) == 3


def test_jobs_asked_for_are_honoured_even_for_a_small_batch(tmp_path, monkeypatch):
    """`-j N` starts a pool (it also isolates a notebook that crashes its process)."""
    root = _batch(tmp_path)
    pools = []
    real = engine._audit_in_pool
    monkeypatch.setattr(engine, "_audit_in_pool", lambda todo, settings, workers, *rest: pools.append(workers) or real(todo, settings, workers, *rest))
    result = audit_paths([str(root)], Settings(select=("STR",)), jobs=2)
    assert pools == [2] and len(result.notebooks) == 10 and len(result.diagnostics) == 3


def test_progress_hooks_see_the_total_then_every_notebook_cached_or_not(tmp_path):
    from nbrefactor.audit.cache import open_cache

    (tmp_path / "nbs").mkdir()
    root = _batch(tmp_path / "nbs")
    cache = open_cache(Settings(select=("STR",)), tmp_path / "cache")
    for _ in range(2):  # cold, then answered from the cache
        events: list = []
        audit_paths(
            [str(root)], Settings(select=("STR",)), jobs=1, cache=cache,
            on_start=lambda total: events.append(("start", total)),
            on_result=lambda r: events.append(("result", r.path.rsplit("/", 1)[-1])),
        )
        assert events[0] == ("start", 10)
        assert sorted(name for kind, name in events[1:]) == sorted(["bad.ipynb", *(f"n{i}.ipynb" for i in range(9))])


def test_missing_path_is_an_error_result(tmp_path):
    result = audit_paths([str(tmp_path / "nope")], Settings())
    assert result.errors == (LoadError((tmp_path / "nope").as_posix(), "no such file or directory"),)
