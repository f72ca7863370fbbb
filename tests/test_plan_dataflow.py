"""One data-flow engine: the planner's step inputs and outputs are `audit/dataflow`'s facts.

For every fixture notebook, each step's inputs and outputs are re-derived here from
`def_use(facts, package=True).groups(...)` and `link_groups` plus the compiler's documented policy
(docs/architecture.md: imports, moved definitions and builtins are not data; a function a step
defines again is that step's own; the last step also returns its final values, a step its fitted
models and the numbers it showed). And a change to a dataflow fact shows up in the plan, so the
planner cannot be computing reads and writes of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nbrefactor.compile import random_state
from nbrefactor.audit import dataflow
from nbrefactor.audit.analysis import BUILTIN_NAMES, analyse_notebook
from nbrefactor.audit.dataflow import DefKind, GroupFlow, NameFlow, def_use, link_groups
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.types import Cell, Notebook
from nbrefactor.compile.plan import FIT_METHODS, StagePlan, plan_model

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks"


def _fixture_stages() -> list[StagePlan]:
    stages = []
    for path in sorted(CORPUS.rglob("*.ipynb")):
        notebook = read_notebook(path, path.relative_to(CORPUS).as_posix())
        if not isinstance(notebook, Notebook) or not notebook.is_python:
            continue
        facts = analyse_notebook(notebook)
        stages.extend(plan_model(path.stem, [(facts, ())]).stages)
    return stages


def _expected(stage: StagePlan) -> list[tuple[tuple[str, ...], frozenset[str], frozenset[str]]]:
    """(inputs, outputs, allowed extra outputs) per step, from dataflow and the documented policy."""
    flow = def_use(stage.facts, package=True)
    moved = set(stage.moved_definitions)

    def is_data(name: str) -> bool:
        kinds = {d.kind for d in flow.definitions_of(name)}
        if name in moved or (not kinds and name in BUILTIN_NAMES):
            return False
        return kinds != {DefKind.IMPORT}

    groups = flow.groups([s.cells for s in stage.steps])
    logged = stage.logged or {}
    reads, writes = [], []
    for step, group in zip(stage.steps, groups):
        mine = {logged[c] for c in step.cells if c in logged}
        reads.append([n for n in group.reads if is_data(n) and n not in step.redefined])
        writes.append({n for n in group.writes if is_data(n)} | set(step.redefined) | mine)
    inputs, outputs = link_groups(reads, writes)
    out = []
    cells = {ca.cell.index: ca for ca in stage.facts.cells}
    for i, step in enumerate(stage.steps):
        fitted = {
            c.receiver for n in step.cells for c in cells[n].facts.calls
            if not c.in_function and c.method in FIT_METHODS and c.receiver in writes[i]
        }
        extra = fitted | {logged[c] for c in step.cells if c in logged}
        if i == len(stage.steps) - 1:
            extra |= set(stage.final)
        out.append((inputs[i], outputs[i], frozenset(extra)))
    return out


CARRIED = random_state.PREFIX


def test_every_fixture_steps_inputs_and_outputs_are_dataflows():
    checked = with_inputs = 0
    for stage in _fixture_stages():
        if any(s.redefined for s in stage.steps):
            continue  # globals a redefined function reads are added by the compiler (tested in test_compiler)
        for step, (inputs, outputs, extra) in zip(stage.steps, _expected(stage)):
            where = f"{stage.notebook} step {step.name}"
            # The global random state the compiler carries between a seeding step and the steps
            # that draw (`compile/random_state.py`, tested in test_random_state) is policy, not a
            # name the notebook binds.
            step_inputs = [n for n in step.inputs if not n.startswith(CARRIED)]
            step_outputs = {n for n in step.outputs if not n.startswith(CARRIED)}
            assert sorted(step_inputs) == sorted(inputs), where
            assert outputs <= step_outputs, where
            assert step_outputs - outputs <= extra, where
            checked += 1
            with_inputs += bool(step.inputs)
    # The corpus must exercise this: dozens of steps, many of them with inputs.
    assert checked >= 40 and with_inputs >= 15, (checked, with_inputs)


def _two_steps():
    cells = (Cell(1, "markdown", "# Load"), Cell(2, "code", "data = [1, 2]\nextra = 3"),
             Cell(3, "markdown", "# Use"), Cell(4, "code", "total = sum(data) + extra\nprint(total)"))
    return analyse_notebook(Notebook("nb.ipynb", cells))


def _plan_steps(facts):
    return [(s.name, s.inputs, s.outputs) for s in plan_model("m", [(facts, ())]).steps]


def test_plan_follows_a_changed_dataflow_fact(monkeypatch: pytest.MonkeyPatch):
    facts = _two_steps()
    assert _plan_steps(facts) == [("load", (), ("data", "extra")), ("use", ("data", "extra"), ("total",))]
    real_groups = NameFlow.groups

    def without_read_of_extra(self: NameFlow, groups):
        return tuple(GroupFlow(g.cells, tuple(n for n in g.reads if n != "extra"), g.defines, g.changes) for g in real_groups(self, groups))

    monkeypatch.setattr(dataflow.NameFlow, "groups", without_read_of_extra)
    assert _plan_steps(facts) == [("load", (), ("data",)), ("use", ("data",), ("total",))]

    def data_changed_not_bound(self: NameFlow, groups):
        found = real_groups(self, groups)
        first = found[0]
        return (GroupFlow(first.cells, first.reads, ("extra",), ("data",)), *found[1:])

    # A value the first step only changes in place is still its output (the write is what counts).
    monkeypatch.setattr(dataflow.NameFlow, "groups", data_changed_not_bound)
    assert _plan_steps(facts) == [("load", (), ("data", "extra")), ("use", ("data", "extra"), ("total",))]

    def nothing_written(self: NameFlow, groups):
        return tuple(GroupFlow(g.cells, g.reads, (), ()) if i == 0 else g for i, g in enumerate(real_groups(self, groups)))

    monkeypatch.setattr(dataflow.NameFlow, "groups", nothing_written)
    assert _plan_steps(facts) == [("load", (), ()), ("use", (), ("total",))]


def test_plan_takes_run_names_from_dataflow():
    cells = (Cell(1, "markdown", "# Load"), Cell(2, "code", "%run helpers.py"),
             Cell(3, "markdown", "# Use"), Cell(4, "code", "print(helper_value)"))
    facts = analyse_notebook(Notebook("nb.ipynb", cells))
    stage = plan_model("m", [(facts, ())]).stages[0]
    assert stage.injected == {2: ("helper_value",)} == def_use(facts, package=True).run_bindings()
    assert [(s.inputs, s.outputs) for s in stage.steps] == [((), ("helper_value",)), (("helper_value",), ())]
