"""SARIF 2.1.0 report, for GitHub code scanning and any other SARIF viewer.

Every rule goes into `tool.driver.rules` with its documentation (help text and markdown are the
rule's generated docs page, `helpUri` points at `docs/rules/<CODE>-<name>.md`). Each result's
physical location is the line *of the `.ipynb` file* where the offending cell line is stored
(see `nbrefactor.report.ipynb_lines`), so annotations land on the cell's source in a pull request's
diff; the notebook coordinates (cell number, cell id, execution count, line and column in the
cell) travel in the result's `properties` and a logical location named after the cell.
`partialFingerprints` carry the engine's fingerprint, which survives cells being moved, added
above or re-executed. Unreadable inputs (level error) and notebooks not analysed (STR002, a kernel
that is not Python; level note) are `toolExecutionNotifications` of the invocation.

Deterministic: sorted rules and results, no timestamps, no absolute paths.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from nbrefactor import __version__
from nbrefactor.report.ipynb_lines import NotebookLineMap, map_notebook_lines
from nbrefactor.audit.loader import parse_notebook
from nbrefactor.audit.types import AuditResult, Diagnostic, LoadError, Location, NotAnalysed, Severity

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# Where the rule pages are published; `--docs-url` or NBREFACTOR_DOCS_URL point elsewhere (a fork,
# an internal mirror). The rule page name is appended: `<base>/<CODE>-<name>.md`.
DEFAULT_DOCS_URL = "https://github.com/nbrefactor/nbrefactor/blob/main/docs/rules"
INFORMATION_URI = "https://github.com/nbrefactor/nbrefactor"
FINGERPRINT_KEY = "nbrefactorFingerprint/v1"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub ranks security alerts by this property (a CVSS-like score as a string).
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}


# --- the edge: reading notebooks to find physical lines -------------------------------------


def repository_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` holding `.git` (a checkout or a worktree); the
    start folder itself when there is none. URIs are relative to it, as code scanning expects."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


@dataclass
class Locator:
    """Turns a finding's notebook coordinates into a file URI and a region of the file. Reads each
    notebook once; a file that cannot be read again simply falls back to line 1."""

    root: Path
    cwd: Path = field(default_factory=Path.cwd)
    _maps: dict[str, NotebookLineMap | None] = field(default_factory=dict)

    def relative(self, path: str) -> str | None:
        """The path relative to the repository root (POSIX), or None when it lies outside."""
        absolute = Path(os.path.abspath(self.cwd / path))
        try:
            return absolute.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError):
            return None

    def uri(self, path: str) -> str:
        relative = self.relative(path)
        if relative is None:
            return Path(os.path.abspath(self.cwd / path)).as_uri()
        return quote(relative, safe="/")

    def line_map(self, path: str) -> NotebookLineMap | None:
        if path not in self._maps:
            self._maps[path] = self._read(path)
        return self._maps[path]

    def _read(self, path: str) -> NotebookLineMap | None:
        if not path.lower().endswith(".ipynb"):
            return None
        try:
            raw = (self.cwd / path).read_bytes()
            text = raw.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None
        notebook = parse_notebook(path, raw)
        if isinstance(notebook, LoadError):
            return None
        return map_notebook_lines(text, notebook.cells)

    def position(self, loc: Location) -> tuple[int, int | None]:
        """(line, column) in the file, 1-based; column None when the finding has none."""
        if loc.cell is None:
            # A notebook-level finding points at line 1; a finding in another file (a manifest)
            # already carries that file's own line.
            return (loc.line or 1), (loc.column if loc.line else None)
        line_map = self.line_map(loc.path)
        found = line_map.position(loc.cell, loc.line, loc.column) if line_map is not None else None
        if found is None:
            return 1, None
        return found[0], (found[1] if loc.column is not None else None)


# --- rules -----------------------------------------------------------------------------------


def _docs_base(docs_url: str | None) -> str:
    base = docs_url or os.environ.get("NBREFACTOR_DOCS_URL") or DEFAULT_DOCS_URL
    return base.rstrip("/")


def _help_text(rule: Any) -> str:
    return (
        f"{rule.summary}\n\nWhat it does: {rule.what_it_does}\n\nWhy is this bad? {rule.why_bad}\n\n"
        f"Example:\n{rule.example}\n\nUse instead:\n{rule.use_instead}\n\n"
        f"Suppress one line with `# nbrefactor: ignore[{rule.code}]`."
    )


def _rule_descriptor(rule: Any, docs_base: str) -> dict[str, Any]:
    from nbrefactor.report.rule_docs import rule_markdown

    tags = ["nbrefactor", "notebook", rule.family.value]
    properties: dict[str, Any] = {"tags": tags, "family": rule.family.value, "precision": "high"}
    if rule.family.value == "security":
        # GitHub lists alerts tagged "security" under security, ranked by security-severity.
        properties["security-severity"] = _SECURITY_SEVERITY[rule.severity]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.what_it_does},
        "help": {"text": _help_text(rule), "markdown": rule_markdown(rule)},
        "helpUri": f"{docs_base}/{quote(rule.doc_slug())}.md",
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": properties,
    }


def _unknown_rule_descriptor(d: Diagnostic) -> dict[str, Any]:
    """A code that is not (or no longer) a registered rule still gets a descriptor, so every
    result's ruleIndex points somewhere."""
    return {
        "id": d.code,
        "name": d.name,
        "shortDescription": {"text": d.name},
        "defaultConfiguration": {"level": _LEVEL[d.severity]},
        "properties": {"tags": ["nbrefactor", "notebook", d.family.value], "family": d.family.value},
    }


# --- results ---------------------------------------------------------------------------------


def _result(d: Diagnostic, rule_index: int, locator: Locator) -> dict[str, Any]:
    loc = d.location
    line, column = locator.position(loc)
    region: dict[str, Any] = {"startLine": line}
    if column is not None:
        region["startColumn"] = column
    uri = locator.uri(loc.path)
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
    properties: dict[str, Any] = {"family": d.family.value, "severity": d.severity.value}
    if loc.cell is not None:
        cell_name = f"cell {loc.cell}"
        location["logicalLocations"] = [
            {"name": cell_name, "fullyQualifiedName": f"{uri}#{cell_name}", "kind": "notebookCell"}
        ]
        properties["cell"] = loc.cell
        if loc.cell_id is not None:
            properties["cellId"] = loc.cell_id
        if loc.execution_count is not None:
            properties["executionCount"] = loc.execution_count
    if loc.line is not None:
        properties["lineInCell" if loc.cell is not None else "line"] = loc.line
    if loc.column is not None:
        properties["columnInCell" if loc.cell is not None else "column"] = loc.column
    if d.snippet.strip():
        properties["sourceLine"] = d.snippet
    if d.fix:
        properties["fix"] = d.fix
    if d.data:
        properties["data"] = dict(d.data)
    message = d.message + (f"\nFix: {d.fix}" if d.fix else "")
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[d.severity],
        "message": {"text": message},
        "locations": [location],
        "properties": properties,
    }
    if d.related:
        related = []
        for number, other in enumerate(d.related, start=1):
            other_line, other_column = locator.position(other)
            other_region: dict[str, Any] = {"startLine": other_line}
            if other_column is not None:
                other_region["startColumn"] = other_column
            entry: dict[str, Any] = {
                "id": number,
                "physicalLocation": {"artifactLocation": {"uri": locator.uri(other.path)}, "region": other_region},
            }
            if other.cell is not None:
                entry["message"] = {"text": f"cell {other.cell}" + (f", line {other.line}" if other.line is not None else "")}
            related.append(entry)
        result["relatedLocations"] = related
    if d.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: d.fingerprint}
    return result


def _notification(error: LoadError, locator: Locator) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": f"{error.path}: {error.problem}"},
        "descriptor": {"id": "unreadable-input"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": locator.uri(error.path)}}}],
    }


def _not_analysed_notification(notice: NotAnalysed, locator: Locator, rule_index: dict[str, int]) -> dict[str, Any]:
    """A notebook read but not analysed (STR002): a note of the run, as a linter reports a file it
    skipped, associated with the rule that says why; not a result (nothing in it is to fix)."""
    entry: dict[str, Any] = {
        "level": "note",
        "message": {"text": f"{notice.path}: not analysed: {notice.reason}"},
        "descriptor": {"id": "not-analysed"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": locator.uri(notice.path)}}}],
        "properties": {"kernel": notice.kernel, "language": notice.language},
    }
    if notice.code in rule_index:
        entry["associatedRule"] = {"id": notice.code, "index": rule_index[notice.code]}
    return entry


def to_sarif(result: AuditResult, docs_url: str | None = None, root: Path | None = None, cwd: Path | None = None) -> dict[str, Any]:
    from nbrefactor.audit.rules import all_rules

    here = cwd or Path.cwd()
    locator = Locator(root if root is not None else repository_root(here), here)
    base = _docs_base(docs_url)
    diagnostics = sorted(result.diagnostics, key=Diagnostic.sort_key)
    descriptors = [_rule_descriptor(r, base) for r in all_rules()]
    known = {r["id"] for r in descriptors}
    for d in diagnostics:
        if d.code not in known:
            descriptors.append(_unknown_rule_descriptor(d))
            known.add(d.code)
    descriptors.sort(key=lambda r: r["id"])
    index = {r["id"]: i for i, r in enumerate(descriptors)}
    errors = sorted(result.errors, key=lambda e: e.path)
    invocation: dict[str, Any] = {"executionSuccessful": not errors}
    notifications = [_notification(e, locator) for e in errors]
    notifications += [_not_analysed_notification(n, locator, index) for n in result.not_analysed]
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run = {
        "tool": {
            "driver": {
                "name": "nbrefactor",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, index[d.code], locator) for d in diagnostics],
        "properties": {"notebooks": len(result.notebooks), "unreadable": len(errors), "not_analysed": len(result.not_analysed)},
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: AuditResult, docs_url: str | None = None, root: Path | None = None) -> str:
    return json.dumps(to_sarif(result, docs_url=docs_url, root=root), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
