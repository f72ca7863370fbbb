"""Terminal reports (rich).

- `render`: findings grouped by notebook, then by rule: a rule that fires several times in one
  notebook gets one heading, its findings one line each, and its fix once (each distinct fix once).
- `render_concise`: one line per finding, `path:cell_N:LINE:COL: CODE message`, the form editors
  and terminals make clickable (as nbQA's `nb.ipynb:cell_3:1:1`).
- `render_statistics`: the count per rule, most frequent first (as ruff's `--statistics`).
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import groupby
from typing import IO, Iterable

from rich.console import Console
from rich.markup import escape

from nbrefactor.audit.types import AuditResult, Diagnostic, NotAnalysed, Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
# "info" is a mass noun: "3 info", never "3 infos".
_UNCOUNTABLE = frozenset({"info"})


def count(n: int, noun: str) -> str:
    """`1 error`, `7 warnings`, `0 findings`, `2 info`."""
    return f"{n} {noun}" if n == 1 or noun in _UNCOUNTABLE else f"{n} {noun}s"


def severity_counts(diagnostics: Iterable[Diagnostic]) -> str:
    """`1 error, 7 warnings` (severities with no finding left out), or `` when there is none."""
    counts = Counter(d.severity for d in diagnostics)
    return ", ".join(count(counts[s], s.value) for s in Severity if counts[s])

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


def concise_location(d: Diagnostic) -> str:
    """`path:cell_3:1:5`; a finding in a cell with no line: `path:cell_3`; notebook-level:
    `path:LINE:COL` (a line of the file itself, e.g. a manifest) or just `path`."""
    loc = d.location
    parts = [loc.path]
    if loc.cell is not None:
        parts.append(f"cell_{loc.cell}")
    if loc.line is not None:
        parts.append(str(loc.line))
        if loc.column:
            parts.append(str(loc.column))
    return ":".join(parts)


def kernel_of(notice: NotAnalysed) -> str:
    """`R kernel`, `Julia kernel`, or the kernelspec's name when no language is declared."""
    return f"{notice.language} kernel" if notice.language else f"kernel {notice.kernel or 'unknown'!r}"


def not_analysed_line(notices: Iterable[NotAnalysed], shown: int = 3) -> str:
    """`not analysed: 2 notebooks (R kernel: a.ipynb, b.ipynb)` — the notebooks the run read but did
    not analyse (STR002), a notice of the run like a linter's skipped files; `` when there is none."""
    notices = list(notices)
    if not notices:
        return ""
    by_kernel: dict[str, list[str]] = {}
    for n in notices:
        by_kernel.setdefault(kernel_of(n), []).append(n.path)
    parts = []
    for kernel, paths in by_kernel.items():
        more = f" and {len(paths) - shown} more" if len(paths) > shown else ""
        parts.append(f"{kernel}: {', '.join(paths[:shown])}{more}")
    return (f"not analysed: {count(len(notices), 'notebook')} ({'; '.join(parts)}); "
            "nbrefactor analyses Python only, their execution counts were checked (STR002)")


def _console(stream: IO[str], color: bool | None) -> Console:
    return Console(file=stream, force_terminal=color, no_color=color is False, highlight=False, soft_wrap=True)


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v not in seen:
            seen[v] = None
    return list(seen)


def _summary_line(result: AuditResult, diagnostics: list[Diagnostic]) -> str:
    severities = severity_counts(diagnostics)
    return (
        f"[bold]{count(len(result.notebooks), 'notebook')} audited[/]: {count(len(diagnostics), 'finding')}"
        + (f" ({severities})" if severities else "")
        + (f", [red]{len(result.errors)} unreadable[/]" if result.errors else "")
        + (f"\n[dim]{_safe(not_analysed_line(result.not_analysed))}[/]" if result.not_analysed else "")
    )


def render(result: AuditResult, stream: IO[str], color: bool | None = None, show_source: bool = True) -> None:
    console = _console(stream, color)
    diagnostics = sorted(result.diagnostics, key=Diagnostic.sort_key)
    for error in sorted(result.errors, key=lambda e: e.path):
        console.print(f"[bold red]error[/]: {_safe(str(error))}")
    for path, group in groupby(diagnostics, key=lambda d: d.location.path):
        items = list(group)
        console.print(f"\n[bold underline]{_safe(path)}[/]  ({count(len(items), 'finding')}: {severity_counts(items)})")
        # Rules in the order they first fire in the notebook; each rule's findings in cell order.
        by_rule: dict[str, list[Diagnostic]] = {}
        for d in items:
            by_rule.setdefault(d.code, []).append(d)
        for code, findings in by_rule.items():
            first = findings[0]
            style = _STYLE[first.severity]
            fixes = _unique(d.fix for d in findings)
            if len(findings) == 1:
                console.print(
                    f"  {_safe(where(first))}  [{style}]{code}[/] {_safe(first.message)}  [dim]({first.name}, {first.severity.value})[/]"
                )
                if show_source and first.snippet.strip():
                    console.print(f"    [dim]│[/] {_safe(first.snippet.rstrip())}")
            else:
                console.print(f"  [{style}]{code}[/] {first.name} [dim]({first.severity.value})[/] × {len(findings)}")
                shown: set[str] = set()
                for d in findings:
                    console.print(f"    {_safe(where(d))}  {_safe(d.message)}")
                    if show_source and d.snippet.strip():
                        console.print(f"      [dim]│[/] {_safe(d.snippet.rstrip())}")
                    # Fixes that differ per finding stay under their finding, each printed once.
                    if len(fixes) > 1 and d.fix and d.fix not in shown:
                        shown.add(d.fix)
                        console.print(f"      [dim]└ fix:[/] {_safe(d.fix)}")
            if len(fixes) == 1:
                console.print(f"    [dim]└ fix:[/] {_safe(fixes[0])}")
    console.print("\n" + _summary_line(result, diagnostics))


def render_concise(result: AuditResult, stream: IO[str], color: bool | None = None) -> None:
    console = _console(stream, color)
    for error in sorted(result.errors, key=lambda e: e.path):
        console.print(f"{_safe(error.path)}: [bold red]error[/]: {_safe(error.problem)}")
    diagnostics = sorted(result.diagnostics, key=Diagnostic.sort_key)
    for d in diagnostics:
        console.print(f"{_safe(concise_location(d))}: [{_STYLE[d.severity]}]{d.code}[/] {_safe(d.message)}")
    console.print(_summary_line(result, diagnostics))


def render_statistics(result: AuditResult, stream: IO[str], color: bool | None = None) -> None:
    """One row per rule that fired: count, code, name, severity; most frequent first."""
    console = _console(stream, color)
    diagnostics = sorted(result.diagnostics, key=Diagnostic.sort_key)
    for error in sorted(result.errors, key=lambda e: e.path):
        console.print(f"[bold red]error[/]: {_safe(str(error))}")
    counts = Counter(d.code for d in diagnostics)
    first = {}
    for d in diagnostics:
        first.setdefault(d.code, d)
    width = max((len(str(n)) for n in counts.values()), default=1)
    for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        d = first[code]
        console.print(f"{n:>{width}}  [{_STYLE[d.severity]}]{code:<7}[/] {d.name:<32} {d.severity.value}")
    console.print(_summary_line(result, diagnostics))
