"""Run a rule's embedded examples (used by the test suite and by `nbrefactor rules --check`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from nbrefactor.audit.catalog import load_catalog
from nbrefactor.config import Settings
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.loader import parse_notebook
from nbrefactor.audit.types import Diagnostic, LoadError
from nbrefactor.audit.project import discover_project
from nbrefactor.audit.rules import Example, Rule


def run_example(rule: type[Rule], example: Example, workdir: Path) -> list[Diagnostic]:
    """Write the example as a notebook (and its neighbouring files) under `workdir`, a project root
    of its own so manifest discovery never wanders above it, and audit it with `rule` alone."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "pyproject.toml").write_text("[tool.nbrefactor]\n", encoding="utf-8")
    for name, text in example.files.items():
        target = workdir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    path = workdir / "example.ipynb"
    raw = json.dumps(example.notebook_json(), indent=1).encode("utf-8")
    path.write_bytes(raw)
    notebook = parse_notebook("example.ipynb", raw)
    if isinstance(notebook, LoadError):
        raise AssertionError(str(notebook))
    analysis = audit_notebook(notebook, Settings(), discover_project(path), load_catalog(), rules=[rule])
    return [d for d in analysis.result.diagnostics if d.code == rule.code]


def positions(diagnostics: list[Diagnostic]) -> list[tuple[Optional[int], Optional[int]]]:
    return sorted(
        ((d.location.cell, d.location.line) for d in diagnostics),
        key=lambda p: (p[0] if p[0] is not None else -1, p[1] if p[1] is not None else -1),
    )
