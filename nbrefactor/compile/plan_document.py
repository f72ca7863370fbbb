"""The plan as plain data: one serialiser for `.nbrefactor/plan.json`, `migrate --dry-run`'s text,
the migration report's steps and config, and `nbrefactor verify`'s reading of a package.

`ModelPlan.to_dict()` (compile/plan.py) builds a `PlanDocument` and writes it with `to_dict()`;
`PlanDocument.from_dict()` reads it back. Standard library only: `verify` imports this module without
the compiler's dependencies (libcst, black, jinja2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

SCHEMA = "nbrefactor-plan/1"


class PlanFormatError(ValueError):
    """plan.json does not have the expected shape."""


@dataclass(frozen=True)
class StepRecord:
    name: str
    module: str  # dotted: `<package>.<stage module>`
    function: str
    notebook: str
    cells: tuple[int, ...]  # 1-based over all cells of the notebook
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    title: str = ""

    @property
    def stage_module(self) -> str:
        """The module's name inside the package (`steps`, or one per notebook of a grouped model)."""
        return self.module.rpartition(".")[2]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "module": self.module,
            "function": self.function,
            "notebook": self.notebook,
            "cells": list(self.cells),
            "inputs": list(self.inputs),
            "outputs": list(self.outputs),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "StepRecord":
        return cls(
            name=str(raw["name"]),
            module=str(raw.get("module", "")),
            function=str(raw.get("function", "")),
            notebook=str(raw["notebook"]),
            cells=tuple(int(c) for c in raw["cells"]),
            inputs=tuple(str(n) for n in raw.get("inputs", ())),
            outputs=tuple(str(n) for n in raw.get("outputs", ())),
            title=str(raw.get("title", "")),
        )


@dataclass(frozen=True)
class ConfigRecord:
    name: str
    type: str  # str | int | float | bool
    default: Any
    kind: str  # path | url | seed | secret | parameter | random_state …
    direction: str  # read | write | ""
    origins: tuple[tuple[str, int, int], ...]  # (notebook, cell, line)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "kind": self.kind,
            "direction": self.direction,
            "origins": [{"notebook": o[0], "cell": o[1], "line": o[2]} for o in self.origins],
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "ConfigRecord":
        return cls(
            name=str(raw["name"]),
            type=str(raw.get("type", "str")),
            default=raw.get("default"),
            kind=str(raw.get("kind", "")),
            direction=str(raw.get("direction", "")),
            origins=tuple((str(o["notebook"]), int(o["cell"]), int(o["line"])) for o in raw.get("origins", ())),
        )


@dataclass(frozen=True)
class PlanDocument:
    model: str
    package: str
    notebooks: tuple[str, ...]
    steps: tuple[StepRecord, ...]
    final: tuple[str, ...]
    config: tuple[ConfigRecord, ...] = ()
    generator: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "model": self.model,
            "package": self.package,
            "notebooks": list(self.notebooks),
            "steps": [s.to_dict() for s in self.steps],
            "final": list(self.final),
            "config": [c.to_dict() for c in self.config],
            "generator": self.generator,
        }

    @classmethod
    def from_dict(cls, raw: Any) -> "PlanDocument":
        """Read a plan back. Raises `PlanFormatError` naming what is wrong; optional keys (title,
        module, function, notebooks, final, config, generator) may be missing."""
        if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
            found = raw.get("schema") if isinstance(raw, dict) else type(raw).__name__
            raise PlanFormatError(f"expected schema {SCHEMA!r}, found {found!r}")
        try:
            steps = tuple(StepRecord.from_dict(s) for s in raw["steps"])
            document = cls(
                model=str(raw.get("model", raw["package"])),
                package=str(raw["package"]),
                notebooks=tuple(str(n) for n in raw.get("notebooks", ())) or tuple(dict.fromkeys(s.notebook for s in steps)),
                steps=steps,
                final=tuple(str(n) for n in raw.get("final", ())),
                config=tuple(ConfigRecord.from_dict(c) for c in raw.get("config", ())),
                generator=str(raw.get("generator", "")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PlanFormatError(f"malformed plan: {exc!r}") from None
        names = [s.name for s in document.steps]
        if len(set(names)) != len(names):
            raise PlanFormatError(f"step names are not unique: {names}")
        return document

    def describe(self, review: tuple[tuple[str, Optional[int], str], ...] = ()) -> str:
        """The `--dry-run` text: steps with their inputs and outputs, config fields, review items
        (notebook, cell, what — review items are not part of plan.json)."""
        lines = [f"model {self.model} → package {self.package}"]
        for step in self.steps:
            lines.append(
                f"  step {step.name} ({step.notebook} cells {', '.join(map(str, step.cells))}): "
                f"takes {', '.join(step.inputs) or '—'}; returns {', '.join(step.outputs) or '—'}"
            )
        for f in self.config:
            lines.append(f"  config {f.name} = {f.default!r} ({f.kind}{', ' + f.direction if f.direction else ''})")
        for notebook, cell, what in review:
            lines.append(f"  review {notebook}{f' cell {cell}' if cell is not None else ''}: {what}")
        return "\n".join(lines)
