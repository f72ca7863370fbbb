"""What compiling one model came to: its status, problems and plan, for the report to render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from nbrefactor.audit.types import Diagnostic
from nbrefactor.compile.emit import EmitResult
from nbrefactor.compile.plan import ModelPlan


@dataclass(frozen=True)
class ModelResult:
    model: str
    notebooks: tuple[str, ...]
    # migrated | migrated-with-review | unchanged | skipped | blocked | failed | unreadable: what compiling
    # came to. Whether the written package is proven is decided after writing, by the proof ladder
    # (migrate/prove.py), which turns a record's status into `emitted` below rung 5.
    status: str
    out_dir: Optional[str] = None
    problems: tuple[str, ...] = ()  # one line each
    diagnostics: tuple[Diagnostic, ...] = ()
    plan: Optional[ModelPlan] = None
    emitted: Optional[EmitResult] = None  # what emitting the package did (None: not emitted)

    @property
    def review_items(self) -> int:
        return len(self.emitted.review) if self.emitted is not None else 0

    @property
    def ok(self) -> bool:
        return self.status in ("migrated", "migrated-with-review", "unchanged", "skipped")
