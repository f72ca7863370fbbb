"""The per-notebook screens (audit/screens.py, docs/benchmarks.md twentieth round) skip a rule only
where the rule itself reports nothing: on every fixture notebook a screen turns away, the rule run
directly (no screen in between) yields no hit, and the engine's result with the screens equals its
result without them. Each test of a screen is shown able to fail: broken variants of the screen
(a fall of the counts let through, counts read in the wrong order or only
in part) turn away notebooks on which the rule reports, and the same check catches them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from nbrefactor.audit import screens
from nbrefactor.audit.analysis import analyse_notebook
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.loader import parse_notebook
from nbrefactor.audit.project import ProjectContext
from nbrefactor.audit.rules import RuleContext, rule_by_code
from nbrefactor.audit.types import Notebook
from nbrefactor.config import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def _fixture_notebooks() -> list[Notebook]:
    found = []
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        outcome = read_notebook(path, str(path.relative_to(FIXTURES)))
        if isinstance(outcome, Notebook):  # fixtures include broken files on purpose
            found.append(outcome)
    return found


NOTEBOOKS = _fixture_notebooks()
CATALOG = load_catalog()


def _rule_hits(code: str, notebook: Notebook) -> list:
    """The rule's own hits, run directly as the engine runs it (no screen in between)."""
    ctx = RuleContext(analyse_notebook(notebook), CATALOG, ProjectContext(), Settings())
    return list(rule_by_code(code)().check(ctx))


_HITS: dict[tuple[str, str], int] = {}


def _hits(code: str, notebook: Notebook) -> int:
    key = (code, notebook.path)
    if key not in _HITS:
        _HITS[key] = len(_rule_hits(code, notebook))
    return _HITS[key]


def _missed(code: str, screen: Callable[[Notebook], bool]) -> list[str]:
    """Fixture (and `WRITTEN`) notebooks `screen` turns away although the rule reports on them."""
    return [nb.path for nb in (*NOTEBOOKS, *WRITTEN) if not screen(nb) and _hits(code, nb)]


def _notebook(*cells: tuple[str, object], path: str = "nb.ipynb") -> Notebook:
    data = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "cells": [
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": count, "source": source}
            if count != "md" else {"cell_type": "markdown", "metadata": {}, "source": source}
            for source, count in cells
        ],
    }
    nb = parse_notebook(path, json.dumps(data).encode("utf-8"))
    assert isinstance(nb, Notebook)
    return nb


# Edge cases the fixtures may lack, checked with them: a cell run as [0] below a never-run one
# (Colab, output-clearing tools), and a never-run cell with only the last cell run below it.
WRITTEN = (
    _notebook(("rows = load()\nprint(rows)", None), ("total = sum(rows)\nprint(total)", 0), path="written/zero-below-unrun.ipynb"),
    _notebook(("rows = load()\nprint(rows)", None), ("## text", "md"), ("total = sum(rows)\nprint(total)", 7),
              path="written/last-cell-run.ipynb"),
)


def test_every_screened_rule_exists_and_is_screened_from_the_model_only():
    for code in screens.SCREENS:
        assert rule_by_code(code) is not None
    assert set(screens.SCREENS) == {"HID001"}  # a new screen needs its own test below


def test_hid001_screen_skips_only_notebooks_it_reports_nothing_on():
    screened = [nb for nb in NOTEBOOKS if not screens.may_report("HID001", nb)]
    kept = [nb for nb in NOTEBOOKS if screens.may_report("HID001", nb)]
    # Not vacuous: most fixtures are turned away, and HID001 reports on some that are kept.
    assert len(screened) > 200 and sum(1 for nb in kept if _hits("HID001", nb)) >= 20
    assert _missed("HID001", screens.SCREENS["HID001"]) == []


@pytest.mark.parametrize("broken", [
    # one fall of the counts let through (a single cell re-run late)
    lambda nb: sum(1 for a, b in _pairs(nb) if b < a) > 1,
    # a fall of one step let through ([5] above [4]: the two cells swapped)
    lambda nb: any(b < a - 1 for a, b in _pairs(nb)),
    # the counts read bottom to top
    lambda nb: not _rises([c.execution_count for c in nb.cells if c.cell_type == "code" and c.execution_count][::-1]),
    # only the first half of the notebook looked at
    lambda nb: not _rises([c.execution_count for c in nb.cells[: len(nb.cells) // 2] if c.cell_type == "code" and c.execution_count]),
])
def test_a_broken_hid001_screen_fails_the_check(broken):
    assert _missed("HID001", broken)


def _rises(counts: list) -> bool:
    return all(a <= b for a, b in zip(counts, counts[1:]))


def _pairs(nb: Notebook) -> list:
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code" and c.execution_count]
    return list(zip(counts, counts[1:]))


@pytest.mark.parametrize("cells, rises", [
    ((("a = 1", 1), ("b = a", 2), ("c = b", 5)), True),
    ((("a = 1", 1), ("## text", "md"), ("b = a", 2)), True),
    ((("a = 1", 1), ("b = a", None), ("c = b", 0), ("d = c", 3)), True),  # never run, or 0: no run's number
    ((("a = 1", 2), ("b = a", 1)), False),
    ((("a = 1", 1), ("b = a", 1)), True),  # a tie (Colab saves some so): no order, no session
    ((("a = 1", 3), ("b = a", None), ("c = b", 3)), True),
    ((("a = 1", 3), ("b = a", 4), ("c = b", 3)), False),  # a repeated count apart: several sessions
    ((), True),
])
def test_counts_never_fall_on_written_notebooks(cells, rises):
    nb = _notebook(*cells)
    assert screens.counts_never_fall(nb) is rises
    assert rises is False or not _rule_hits("HID001", nb)


def test_hid001_reports_on_written_notebooks_the_screen_keeps():
    late = _notebook(("x = 1", 1), ("y = x + 1", 3), ("x = 5", 2), ("print(y)", 4))
    assert screens.may_report("HID001", late) and _rule_hits("HID001", late)
    ordered = _notebook(("x = 1", 1), ("y = x + 1", 2), ("x = 5", 3), ("print(y)", 4))
    assert not screens.may_report("HID001", ordered) and not _rule_hits("HID001", ordered)


def test_the_engine_gives_the_same_results_with_and_without_the_screens(monkeypatch):
    settings = Settings()
    sample = [nb for nb in NOTEBOOKS if not all(screens.may_report(code, nb) for code in screens.SCREENS)][::4]
    with_screens = [audit_notebook(nb, settings, ProjectContext(), CATALOG).result for nb in sample]
    monkeypatch.setattr(screens, "SCREENS", {})
    without = [audit_notebook(nb, settings, ProjectContext(), CATALOG).result for nb in sample]
    assert with_screens == without

