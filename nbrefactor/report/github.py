"""GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` line per finding,
annotating the `.ipynb` file at the physical line where the cell's source is stored (the same
mapping as the SARIF report), so the annotation shows on the notebook in the pull request's
"Files changed" view. Paths are relative to the repository root, as GitHub expects.

Escaping follows GitHub's toolkit (`@actions/core` `issueCommand`): in the message `%`, `\\r` and
`\\n` become `%25`, `%0D`, `%0A`; property values (file, title) also escape `:` and `,` as `%3A`
and `%2C`.
"""

from __future__ import annotations

from pathlib import Path

from nbrefactor.audit.types import AuditResult, Diagnostic, Severity
from nbrefactor.report.sarif import Locator, repository_root

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{kind}{' ' + props if props else ''}::{escape_data(message)}"


def _where(d: Diagnostic) -> str:
    loc = d.location
    if loc.cell is None:
        return "notebook" if loc.line is None else f"line {loc.line}"
    parts = [f"cell {loc.cell}"]
    if loc.execution_count is not None:
        parts.append(f"[{loc.execution_count}]")
    if loc.line is not None:
        parts.append(f"line {loc.line}" + (f":{loc.column}" if loc.column else ""))
    return " ".join(parts)


def _file(locator: Locator, path: str) -> str:
    relative = locator.relative(path)
    return relative if relative is not None else str(Path(path).resolve().as_posix())


# GitHub shows at most 10 annotations of each type (error, warning, notice) per step; the rest of
# a step's annotations are dropped silently. So the most important ones go first and the others
# are listed in the job summary ($GITHUB_STEP_SUMMARY) instead.
ANNOTATIONS_PER_TYPE = 10
# A step summary may hold 1 MiB; rows past this many are counted, not listed.
SUMMARY_ROWS = 500
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def ordered(diagnostics) -> list[Diagnostic]:
    """Errors first, then warnings, then notices; each by notebook, cell and line."""
    return sorted(diagnostics, key=lambda d: (_ORDER[d.severity], d.sort_key()))


def split_for_annotations(result: AuditResult, limit: int = ANNOTATIONS_PER_TYPE) -> tuple[list, list[Diagnostic], list[Diagnostic]]:
    """(unreadable files, findings annotated, findings left for the summary). Unreadable files are
    errors and are annotated before any finding; each type keeps at most `limit` annotations."""
    errors = sorted(result.errors, key=lambda e: e.path)
    used = {"error": min(len(errors), limit), "warning": 0, "notice": 0}
    shown_errors = errors[:limit]
    annotated: list[Diagnostic] = []
    rest: list[Diagnostic] = []
    for d in ordered(result.diagnostics):
        kind = _COMMAND[d.severity]
        if used[kind] < limit:
            used[kind] += 1
            annotated.append(d)
        else:
            rest.append(d)
    return shown_errors, annotated, rest


def position(locator: Locator, loc) -> tuple[int, int | None]:
    """The finding's line and column in the `.ipynb` file. A finding in a cell always gets a
    column, even when the rule gave none: in a notebook stored on one line (as Colab saves them)
    line 1 is the whole file, and only the column tells which cell is meant."""
    if loc.cell is not None:
        line_map = locator.line_map(loc.path)
        found = line_map.position(loc.cell, loc.line or 1, loc.column or 1) if line_map is not None else None
        if found is not None:
            return found
    return locator.position(loc)


def _md_cell(text: str) -> str:
    """Text for a markdown table cell: HTML and table syntax escaped, one line."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def step_summary(result: AuditResult, limit: int = ANNOTATIONS_PER_TYPE, rows: int = SUMMARY_ROWS) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: the counts, then a table of the findings that were not
    annotated (errors first), at most `rows` of them."""
    from nbrefactor.report.text import count, kernel_of, severity_counts

    unreadable, annotated, rest = split_for_annotations(result, limit)
    diagnostics = result.diagnostics
    counts = severity_counts(diagnostics)
    lines = [
        "## nbrefactor audit",
        "",
        f"{count(len(result.notebooks), 'notebook')} audited: {count(len(diagnostics), 'finding')}"
        + (f" ({counts})" if counts else "")
        + (f", {len(result.errors)} unreadable" if result.errors else "")
        + ".",
    ]
    if result.errors:
        lines += ["", "| unreadable notebook | problem |", "| --- | --- |"]
        lines += [f"| {_md_cell(e.path)} | {_md_cell(e.problem)} |" for e in sorted(result.errors, key=lambda e: e.path)]
    if result.not_analysed:
        # Not findings (nothing to fix in them): listed, never annotated on the files.
        lines += ["", f"Not analysed ({count(len(result.not_analysed), 'notebook')}; nbrefactor analyses Python only, "
                  "their execution counts were checked; STR002):", "",
                  "| notebook not analysed | kernel |", "| --- | --- |"]
        lines += [f"| {_md_cell(n.path)} | {_md_cell(kernel_of(n))} |" for n in result.not_analysed[:rows]]
    if rest:
        lines += [
            "",
            f"{count(len(annotated) + len(unreadable), 'annotation')} on the files (GitHub shows {limit} of each type per step); "
            f"the other {count(len(rest), 'finding')}:",
            "",
            "| severity | rule | notebook | where | message |",
            "| --- | --- | --- | --- | --- |",
        ]
        for d in rest[:rows]:
            lines.append(
                f"| {d.severity.value} | {d.code} {d.name} | {_md_cell(d.location.path)} | {_where(d)} | {_md_cell(d.message)} |"
            )
        if len(rest) > rows:
            lines += ["", f"… and {len(rest) - rows} more: run `nbrefactor audit` locally for the full list."]
    return "\n".join(lines) + "\n"


def render(result: AuditResult, root: Path | None = None, limit: int = ANNOTATIONS_PER_TYPE) -> str:
    here = Path.cwd()
    locator = Locator(root if root is not None else repository_root(here), here)
    lines: list[str] = []
    unreadable, annotated, rest = split_for_annotations(result, limit)
    for error in unreadable:
        lines.append(command("error", error.problem, file=_file(locator, error.path), title="nbrefactor: unreadable notebook"))
    diagnostics = result.diagnostics
    for d in annotated:
        line, column = position(locator, d.location)
        message = f"{d.message} ({_where(d)})"
        if d.fix:
            message += f"\nFix: {d.fix}"
        lines.append(
            command(
                _COMMAND[d.severity],
                message,
                file=_file(locator, d.location.path),
                line=line,
                col=column,
                title=f"{d.code} {d.name}",
            )
        )
    notebooks = len(result.notebooks)
    left = len(rest) + len(result.errors) - len(unreadable)
    lines.append(
        f"nbrefactor: {notebooks} notebook{'s' if notebooks != 1 else ''} audited, "
        f"{len(diagnostics)} finding{'s' if len(diagnostics) != 1 else ''}"
        + (f", {len(result.errors)} unreadable" if result.errors else "")
        + (f"; {left} not annotated (GitHub shows {limit} per type), listed in the job summary" if left else "")
    )
    if result.not_analysed:
        from nbrefactor.report.text import not_analysed_line

        lines.append(f"nbrefactor: {not_analysed_line(result.not_analysed)}")
    return "\n".join(lines) + "\n"
