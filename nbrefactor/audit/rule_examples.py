"""Run a rule's embedded examples (used by the test suite and by `nbrefactor rules --check`)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Optional

from nbrefactor.audit.catalog import load_catalog
from nbrefactor.config import load_settings
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.loader import parse_notebook
from nbrefactor.audit.types import Diagnostic, LoadError, Location
from nbrefactor.audit.project import discover_project, with_downloads_present, with_seed_helpers, with_star_packages, with_working_folders
from nbrefactor.audit.rules import Example, ExampleCell, Rule


def run_example(rule: type[Rule], example: Example, workdir: Path) -> list[Diagnostic]:
    """Write the example as a notebook (and its neighbouring files) under `workdir`, a project root
    of its own so manifest discovery never wanders above it, and audit it with `rule` alone, under
    the settings of the example's pyproject.toml (`[tool.nbrefactor]`, empty unless it has one)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "pyproject.toml").write_text("[tool.nbrefactor]\n", encoding="utf-8")
    for name, text in example.files.items():
        target = workdir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    path = workdir / example.path
    path.parent.mkdir(parents=True, exist_ok=True)  # `notebooks/setup.ipynb`: a notebook in a folder
    raw = json.dumps(example.notebook_json(), indent=1).encode("utf-8")
    path.write_bytes(raw)
    notebook = parse_notebook(example.path, raw)
    if isinstance(notebook, LoadError):
        raise AssertionError(str(notebook))
    settings = load_settings(workdir / "pyproject.toml")
    project = with_working_folders(discover_project(path), path, (c.source for c in notebook.code_cells))
    project = with_downloads_present(project, path, (c.source for c in notebook.code_cells))
    project = with_seed_helpers(project, path, (c.source for c in notebook.code_cells))
    project = with_star_packages(project, path, (c.source for c in notebook.code_cells))
    analysis = audit_notebook(notebook, settings, project, load_catalog(), rules=[rule])
    notice = analysis.result.not_analysed
    if rule.notice and notice is not None and notice.code == rule.code:
        # A notice rule (STR002) fires as the run's "not analysed" notice, not a finding: shown to
        # the examples' checks as the notebook-level hit it is, so "it fires here" stays testable.
        return [Diagnostic(rule.code, rule.name, rule.family, rule.severity, notice.reason, Location(notice.path))]
    return [d for d in analysis.result.diagnostics if d.code == rule.code]


def positions(diagnostics: list[Diagnostic]) -> list[tuple[Optional[int], Optional[int]]]:
    return sorted(
        ((d.location.cell, d.location.line) for d in diagnostics),
        key=lambda p: (p[0] if p[0] is not None else -1, p[1] if p[1] is not None else -1),
    )


_CELL_MARK = re.compile(r"^# \[(?P<count>\d*| )\]")


def snippet_example(snippet: str) -> Example:
    """A rule's documentation snippet (`example` / `use_instead`) as a notebook. The docs draw a
    notebook as `# [n]` lines (execution counts; `# [ ]` never ran) each starting a cell; a snippet
    without them is one cell."""
    cells: list[ExampleCell] = []
    source: list[str] = []
    count: Optional[int] = None
    marked = False
    for line in snippet.splitlines():
        mark = _CELL_MARK.match(line)
        if mark is None:
            source.append(line)
            continue
        if marked or any(s.strip() for s in source):
            cells.append(ExampleCell("\n".join(source).strip("\n"), count=count))
        marked = True
        source = []
        count = int(mark.group("count")) if mark.group("count").strip() else None
    cells.append(ExampleCell("\n".join(source).strip("\n"), count=count))
    return Example(cells=tuple(cells))
