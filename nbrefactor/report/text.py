"""Terminal report (rich): findings grouped by notebook, each with the offending line."""

from __future__ import annotations

import re
from collections import Counter
from itertools import groupby
from typing import IO

from rich.console import Console
from rich.markup import escape

from nbrefactor.audit.types import AuditResult, Diagnostic, Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}

# Control characters (escape sequences that clear the screen, move the cursor or fake a line) and
# bidirectional overrides from a notebook are shown as `\x1b`-style escapes, never sent as such.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` safe for a terminal: its control characters written out as escapes."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _safe(text: str) -> str:
    return escape(printable(text))


def where(d: Diagnostic) -> str:
    loc = d.location
    parts = []
    if loc.cell is not None:
        parts.append(f"cell {loc.cell}")
        if loc.execution_count is not None:
            parts.append(f"[{loc.execution_count}]")
    if loc.line is not None:
        parts.append(f"line {loc.line}" + (f":{loc.column}" if loc.column else ""))
    return " ".join(parts) if parts else "notebook"


def render(result: AuditResult, stream: IO[str], color: bool | None = None, show_source: bool = True) -> None:
    console = Console(file=stream, force_terminal=color, no_color=color is False, highlight=False, soft_wrap=True)
    diagnostics = sorted(result.diagnostics, key=Diagnostic.sort_key)
    for error in sorted(result.errors, key=lambda e: e.path):
        console.print(f"[bold red]error[/]: {_safe(str(error))}")
    for path, group in groupby(diagnostics, key=lambda d: d.location.path):
        items = list(group)
        console.print(f"\n[bold underline]{_safe(path)}[/]  ({len(items)} finding{'s' if len(items) != 1 else ''})")
        for d in items:
            style = _STYLE[d.severity]
            console.print(
                f"  {_safe(where(d))}  [{style}]{d.code}[/] {_safe(d.message)}  [dim]({d.name}, {d.severity.value})[/]"
            )
            if show_source and d.snippet.strip():
                console.print(f"    [dim]│[/] {_safe(d.snippet.rstrip())}")
            if d.fix:
                console.print(f"    [dim]└ fix:[/] {_safe(d.fix)}")
    counts = Counter(d.severity for d in diagnostics)
    summary = ", ".join(f"{counts[s]} {s.value}{'s' if counts[s] != 1 else ''}" for s in Severity if counts[s])
    console.print(
        f"\n[bold]{len(result.notebooks)} notebook{'s' if len(result.notebooks) != 1 else ''} audited[/]: "
        f"{len(diagnostics)} finding{'s' if len(diagnostics) != 1 else ''}"
        + (f" ({summary})" if summary else "")
        + (f", [red]{len(result.errors)} unreadable[/]" if result.errors else "")
    )
