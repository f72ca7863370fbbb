"""The console entry's garbage-collector settings for an audit run as the process itself
(`cli.replay._as_the_process`, issue 15, round 25): a collection every 10,000 new objects from the
start (not from `run_audit` on), and everything frozen when the run returns, so the interpreter's
collections at exit skip it. Library callers (an `argv` given) and other commands are left as they
were."""

from __future__ import annotations

import gc
import io
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from nbrefactor.cli import replay

NOTEBOOK = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "hidden_state" / "experiments.ipynb"


@pytest.fixture
def collector():
    """The collector's settings restored after the test, whatever it froze or set."""
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert frozen == 0, "the test process had frozen objects before this test"
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def _run_watched(monkeypatch, argv_given: list[str] | None, words: list[str]) -> tuple[int, tuple[int, ...]]:
    """replay.main run in-process; returns its exit code and the threshold `_main` started under."""
    seen: list[tuple[int, ...]] = []
    real = replay._main

    def watched(argv, words):
        seen.append(gc.get_threshold())
        return real(argv, words)

    monkeypatch.setattr(replay, "_main", watched)
    monkeypatch.setattr(sys, "argv", ["nbrefactor", *words])
    with redirect_stdout(io.StringIO()):
        code = replay.main(argv_given)
    assert len(seen) == 1
    return code, seen[0]


def test_an_audit_as_the_process_collects_every_10000_objects_from_the_start_and_freezes_at_the_end(monkeypatch, collector):
    assert NOTEBOOK.is_file()
    gc.set_threshold(700, 10, 10)  # the interpreter's defaults
    code, started_under = _run_watched(monkeypatch, None, ["audit", str(NOTEBOOK), "--format", "json", "--no-cache"])
    assert code in (0, 1)
    assert started_under == (10_000, 100, 10)  # (the middle generation: every 100 young collections, round 32)
    assert gc.get_freeze_count() > 1000  # the run's modules, catalogue, rules: skipped at exit


def test_a_library_caller_and_other_commands_keep_the_collector_as_it_was(monkeypatch, collector):
    gc.set_threshold(700, 10, 10)
    code, started_under = _run_watched(monkeypatch, ["audit", str(NOTEBOOK), "--format", "json", "--no-cache"],
                                       ["audit", str(NOTEBOOK), "--format", "json", "--no-cache"])
    assert code in (0, 1)
    assert started_under == (700, 10, 10) and gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0
    code, started_under = _run_watched(monkeypatch, None, ["rules", "STR001"])
    assert code == 0
    assert started_under == (700, 10, 10) and gc.get_freeze_count() == 0


def test_a_single_process_audit_freezes_what_it_loaded_while_it_audits_and_unfreezes_after(monkeypatch, collector):
    """-j 1 as the pool's parent before forking: the modules, rules and catalogue are frozen while the
    notebooks are audited (the audits' own objects are not: collected as usual), and a library
    caller finds nothing frozen afterwards."""
    from nbrefactor.audit import engine
    from nbrefactor.config import Settings

    seen: list[tuple[int, bool]] = []
    real = engine._audit_and_store

    def watched(*args, **kwargs):
        seen.append((gc.get_freeze_count(), gc.isenabled()))
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "_audit_and_store", watched)
    folder = NOTEBOOK.parent
    result = engine.audit_paths([str(folder)], Settings(), jobs=1)
    assert len(result.notebooks) == len(seen) >= 1
    assert all(frozen > 1000 and enabled for frozen, enabled in seen)
    assert gc.get_freeze_count() == 0


def test_an_audit_called_in_process_collects_the_middle_generation_every_100_young_collections(monkeypatch, collector):
    """`app.run_audit` sets the audit's thresholds for the audit alone (round 32: the middle
    generation after 100 young collections, not 10) and gives the caller's back afterwards."""
    from nbrefactor.audit import engine
    from nbrefactor.cli import app

    seen: list[tuple[int, ...]] = []
    real = engine.audit_paths

    def watched(*args, **kwargs):
        seen.append(gc.get_threshold())
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "audit_paths", watched)
    gc.set_threshold(700, 10, 10)
    with redirect_stdout(io.StringIO()):
        code = app.main(["audit", str(NOTEBOOK), "--format", "json", "--no-cache"])
    assert code in (0, 1)
    assert seen == [(10_000, 100, 10)] and gc.get_threshold() == (700, 10, 10)
    gc.set_threshold(700, 200, 10)  # a caller's own larger setting is kept
    with redirect_stdout(io.StringIO()):
        app.main(["audit", str(NOTEBOOK), "--format", "json", "--no-cache"])
    assert seen[1] == (10_000, 200, 10) and gc.get_threshold() == (700, 200, 10)
