"""Rules: small classes, each with its code, documentation and passing/failing examples.

A rule reads the notebook's facts (never the disk) and yields `Hit`s; the engine turns hits into
located `Diagnostic`s, applies suppressions and redacts secrets. Rules are discovered from the
modules of this package, not listed by hand; `tests/test_rule_examples.py` runs every example.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar, Iterator, Mapping, Optional

from nbrefactor.audit.analysis import CellAnalysis, NotebookFacts
from nbrefactor.audit.catalog import Catalog
from nbrefactor.audit.types import Cell, Family, Severity
from nbrefactor.audit.project import ProjectContext


@dataclass(frozen=True)
class Hit:
    """One finding of one rule, before the engine gives it a location and a fingerprint."""

    cell: Optional[Cell]  # None for findings about the notebook as a whole or another file
    line: Optional[int]
    column: Optional[int]
    message: str
    end_line: Optional[int] = None
    end_column: Optional[int] = None
    path: Optional[str] = None  # a file other than the notebook (a manifest), with `cell=None`
    snippet: Optional[str] = None  # what to show instead of the source line (already redacted)
    fix: str = ""
    key: str = ""  # what makes this finding itself, for fingerprints (a name, a module)


@dataclass(frozen=True)
class RuleContext:
    facts: NotebookFacts
    catalog: Catalog
    project: ProjectContext

    @property
    def cells(self) -> tuple[CellAnalysis, ...]:
        return self.facts.cells


# --- examples --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExampleCell:
    source: str
    kind: str = "code"
    count: Optional[int] = None  # execution count
    tags: tuple[str, ...] = ()
    outputs: tuple[Mapping, ...] = ()  # nbformat v4 output dicts


def code(source: str, count: Optional[int] = None, tags: tuple[str, ...] = (), outputs: tuple[Mapping, ...] = ()) -> ExampleCell:
    return ExampleCell(source, "code", count, tags, outputs)


def md(source: str) -> ExampleCell:
    return ExampleCell(source, "markdown")


@dataclass(frozen=True)
class Example:
    """A notebook in miniature. `expect` lists the (cell, line) of each finding of the rule, with
    cells numbered from 1 among all cells, as in reports."""

    cells: tuple[ExampleCell | str, ...]
    expect: tuple[tuple[Optional[int], Optional[int]], ...] = ()
    files: Mapping[str, str] = field(default_factory=dict)  # files beside the notebook
    kernel: str = "python3"
    language: str = "python"

    def notebook_json(self) -> dict:
        cells = []
        for i, c in enumerate(self.cells):
            cell = c if isinstance(c, ExampleCell) else ExampleCell(c)
            raw: dict = {"cell_type": cell.kind, "id": f"c{i + 1}", "metadata": {"tags": list(cell.tags)}, "source": cell.source}
            if cell.kind == "code":
                raw["execution_count"] = cell.count
                raw["outputs"] = [dict(o) for o in cell.outputs]
            cells.append(raw)
        return {
            "cells": cells,
            "metadata": {"kernelspec": {"name": self.kernel, "language": self.language, "display_name": self.kernel}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }


# --- the rule base class ---------------------------------------------------------------------


class Rule:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    family: ClassVar[Family]
    severity: ClassVar[Severity] = Severity.WARNING
    summary: ClassVar[str] = ""  # one line: what is wrong
    what_it_does: ClassVar[str] = ""
    why_bad: ClassVar[str] = ""
    example: ClassVar[str] = ""
    use_instead: ClassVar[str] = ""
    passing: ClassVar[tuple[Example, ...]] = ()
    failing: ClassVar[tuple[Example, ...]] = ()
    # What a finding means to the compiler (`migrate`), read by compile/plan.py and compile/emit.py:
    # blocks_compile: the package would not compute what the notebook did, so the model is not
    #   compiled (unless --allow-hidden-state; then it is a review item);
    # compile_fix: how the package fixes it — "config" (the literal becomes a config field; fixed
    #   only where the literal was replaced), "secret" (a config field read from the environment),
    #   "requirements" (the install moves to requirements.txt); "" when the compiler does not fix it.
    blocks_compile: ClassVar[bool] = False
    compile_fix: ClassVar[str] = ""

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        raise NotImplementedError

    @classmethod
    def doc_slug(cls) -> str:
        return f"{cls.code}-{cls.name}"


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every `Rule` subclass defined in this package's modules, sorted by code; codes unique."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    found: dict[str, type[Rule]] = {}
    stack = list(Rule.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.code:
            continue
        if cls.code in found and found[cls.code] is not cls:
            raise RuntimeError(f"rule code {cls.code} used twice: {found[cls.code].__name__}, {cls.__name__}")
        found[cls.code] = cls
    return tuple(found[c] for c in sorted(found))


def rule_by_code(code: str) -> type[Rule]:
    for rule in all_rules():
        if rule.code == code:
            return rule
    raise KeyError(code)
