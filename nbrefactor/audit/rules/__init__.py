"""Rules: small classes, each with its code, documentation and passing/failing examples.

A rule reads the notebook's facts (never the disk) and yields `Hit`s; the engine turns hits into
located `Diagnostic`s, applies suppressions and redacts secrets. Rules are discovered from the
modules of this package, not listed by hand; `tests/test_rule_examples.py` runs every example.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Callable, ClassVar, Iterator, Mapping, Optional, Sequence, TypeVar

from nbrefactor.audit.analysis import CellAnalysis, NameLoad, NotebookFacts, PlainAssignment, index_name_loads, index_single_assignments
from nbrefactor.audit.catalog import Catalog
from nbrefactor.audit.hosted import OwnFolderBootstrap, own_folder_bootstraps
from nbrefactor.audit.types import Cell, Family, Severity
from nbrefactor.audit.project import ProjectContext
from nbrefactor.config import Settings

T = TypeVar("T")


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
    # Other places of the same root cause, as (cell, line, column): reported as related locations.
    related: tuple[tuple[Cell, Optional[int], Optional[int]], ...] = ()
    # Other places of the same root cause in files other than the notebook, as (path, line): a
    # manifest line that the same action settles (DEP004: last year's edition of an environment file).
    related_files: tuple[tuple[str, int], ...] = ()
    data: tuple[tuple[str, str], ...] = ()  # facts as data for the JSON report (Diagnostic.data)
    # The rule's severity unless this finding folds in findings of a graver rule (a never-run
    # sketch's HID002 standing for the HID003 errors it replaces): a CI gate on errors still fails.
    severity: Optional[Severity] = None
    # The code of another rule's finding that stands for this one in the report (PTH007's download
    # for the root of a `download=True` dataset, fair check 14): not reported, but handed to the
    # compiler, which still fixes it (lifts its literals into the config). Folding a finding to cut
    # the report's noise must not change the generated package.
    folded_into: str = ""


@dataclass(frozen=True)
class RuleContext:
    """What a rule reads: the notebook's facts, the catalogue, the project and the settings."""

    facts: NotebookFacts
    catalog: Catalog
    project: ProjectContext
    settings: Settings = field(default_factory=Settings)  # for the rule options of [tool.nbrefactor.<family>]

    # What several rules derive from the same facts (randomness facts, …), computed once per
    # notebook: `shared(name, compute)`.
    _shared: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def cells(self) -> tuple[CellAnalysis, ...]:
        return self.facts.cells

    @property
    def analysis_at(self) -> Mapping[int, CellAnalysis]:
        """Cell index → the analysis of that code cell (read-only, built once per notebook)."""
        return self.shared("analysis_at", lambda: MappingProxyType({ca.cell.index: ca for ca in self.facts.cells}))

    @property
    def code_cell_at(self) -> Mapping[int, Cell]:
        """Cell index → that code cell (read-only, built once per notebook)."""
        return self.shared("code_cell_at", lambda: MappingProxyType({ca.cell.index: ca.cell for ca in self.facts.cells}))

    def shared(self, name: str, compute: Callable[[], T]) -> T:
        """`compute()`, once per notebook for every rule that asks for `name` (pure derivations
        of the facts only)."""
        if name not in self._shared:
            self._shared[name] = compute()
        return self._shared[name]


def name_loads(ctx: RuleContext) -> Mapping[str, tuple[NameLoad, ...]]:
    """Every read of a name in the notebook, by name (`analysis.index_name_loads`), indexed once
    per notebook: RND001 (a drawn value read only in resource names) and PTH001 (a constant read
    only in Kubernetes manifests) both count all the reads of a name."""
    return ctx.shared("name_loads", lambda: index_name_loads(ctx.facts))


def single_assignments(ctx: RuleContext) -> Mapping[str, tuple[PlainAssignment, ...]]:
    """The names bound only by plain assignments, with those statements
    (`analysis.index_single_assignments`), computed once per notebook: RND002 (`transform = TSNE`,
    a class under another name) and DEP005 (what made a method's receiver) each walked every cell
    for them, with its own idea of "bound any other way"."""
    return ctx.shared("single_assignments", lambda: index_single_assignments(ctx.facts))


def own_folder_bootstraps_of(ctx: RuleContext) -> tuple[OwnFolderBootstrap, ...]:
    """The notebook's hosted set-up cells that, when the folder they test for is missing, clone the
    notebook's repository and enter its own folder there (`hosted.own_folder_bootstraps`), found once
    per notebook: PTH004 (the change), PTH006 (paths under that folder), PTH007 (the clone), DEP003
    and HID002 read them (fair check 43)."""
    return ctx.shared("own_folder_bootstraps", lambda: own_folder_bootstraps(ctx.facts.notebook.path, ctx.cells))


# --- suppressions --------------------------------------------------------------------------------

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]*(?:\s*,\s*[A-Z]+[0-9]*)*))?", re.IGNORECASE)
_NBR_IGNORE = re.compile(r"#\s*nbrefactor:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)


def and_listed(items: Sequence[object]) -> str:
    """`7`, `7 and 9`, `3, 5 and 8`: cell or line numbers (or names) in a message."""
    shown = [str(item) for item in items]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _codes_match(codes: Optional[str], code: str) -> bool:
    if codes is None or not codes.strip():
        return True
    return any(code.startswith(c.strip().upper()) for c in codes.split(",") if c.strip())


def is_suppressed(cell: Optional[Cell], line: Optional[int], end_line: Optional[int], code: str) -> bool:
    """A cell tag (`nbrefactor:ignore[:CODES]`) or a `# noqa[: CODES]` / `# nbrefactor: ignore[CODES]`
    comment on a line of the span silences `code` there. The engine applies it to every hit; a
    rule that folds many places into one finding applies it to each place first."""
    if cell is None:
        return False
    for tag in cell.tags:
        low = tag.strip()
        if low.lower() == "nbrefactor:ignore":
            return True
        for prefix in ("nbrefactor:ignore:", "nbrefactor:ignore="):
            if low.lower().startswith(prefix) and _codes_match(low[len(prefix):], code):
                return True
    if line is None:
        return False
    lines = cell.source.split("\n")
    last = end_line or line
    for number in range(line, min(last, len(lines)) + 1):
        text = lines[number - 1]
        for pattern in (_NOQA, _NBR_IGNORE):
            m = pattern.search(text)
            if m and _codes_match(m.group("codes"), code):
                return True
    return False


# --- examples --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExampleCell:
    """A cell of a rule's example notebook."""

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
    language_version: str = ""  # `language_info.version` when set: the Python the kernel ran (`"3.5.4"`)
    path: str = "example.ipynb"  # the notebook's file name (`Lesson_2.ipynb`: a part of a split notebook)

    def notebook_json(self) -> dict:
        cells = []
        for i, c in enumerate(self.cells):
            cell = c if isinstance(c, ExampleCell) else ExampleCell(c)
            raw: dict = {"cell_type": cell.kind, "id": f"c{i + 1}", "metadata": {"tags": list(cell.tags)}, "source": cell.source}
            if cell.kind == "code":
                raw["execution_count"] = cell.count
                raw["outputs"] = [dict(o) for o in cell.outputs]
            cells.append(raw)
        metadata: dict = {"kernelspec": {"name": self.kernel, "language": self.language, "display_name": self.kernel}}
        if self.language_version:
            metadata["language_info"] = {"name": self.language, "version": self.language_version}
        return {
            "cells": cells,
            "metadata": metadata,
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
    # A per-line operational rule (a path, a download, an install) whose findings say nothing in a
    # never-run reference sheet (`structure.reference_sheet`): its snippets are the lesson (`curl
    # -O url`, `cd /path/to/my/repo`, `conda install x`), not a program's steps; the engine skips
    # such rules there (STR001 reports the sheet once).
    quiet_in_reference_sheets: ClassVar[bool] = False
    # A notice of the run, not a finding: the rule says a notebook was not analysed (STR002, a kernel
    # that is not Python). Nothing in the notebook is there to fix, so the engine turns its hit into
    # the result's `not_analysed` notice (reported as SARIF's toolExecutionNotifications, a summary
    # line, JSON's `not_analysed`): never counted by --fail-on, never in a baseline. Selecting or
    # ignoring the code still turns the notice on or off.
    notice: ClassVar[bool] = False

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
        # Only this package's rules: a subclass defined elsewhere (a test's deliberately broken
        # rule) must not join every later audit of the process, whichever test asked first.
        if not cls.code or not cls.__module__.startswith(__name__ + "."):
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
