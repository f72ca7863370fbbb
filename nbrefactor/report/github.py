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


def render(result: AuditResult, root: Path | None = None) -> str:
    here = Path.cwd()
    locator = Locator(root if root is not None else repository_root(here), here)
    lines: list[str] = []
    for error in sorted(result.errors, key=lambda e: e.path):
        lines.append(command("error", error.problem, file=_file(locator, error.path), title="nbrefactor: unreadable notebook"))
    diagnostics = sorted(result.diagnostics, key=Diagnostic.sort_key)
    for d in diagnostics:
        line, column = locator.position(d.location)
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
    lines.append(
        f"nbrefactor: {notebooks} notebook{'s' if notebooks != 1 else ''} audited, "
        f"{len(diagnostics)} finding{'s' if len(diagnostics) != 1 else ''}"
        + (f", {len(result.errors)} unreadable" if result.errors else "")
    )
    return "\n".join(lines) + "\n"
