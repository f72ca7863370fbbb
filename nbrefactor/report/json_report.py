"""JSON report: sorted, no timestamps, byte-identical for the same input.

Schema `nbrefactor-audit/1` is documented in docs/json-schema.md.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from nbrefactor import __version__
from nbrefactor.audit.types import AuditResult, Diagnostic, Location

SCHEMA = "nbrefactor-audit/1"


def _location_dict(loc: Location) -> dict[str, Any]:
    return {
        "path": loc.path,
        "cell": loc.cell,
        "cell_id": loc.cell_id,
        "execution_count": loc.execution_count,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
    }


def diagnostic_to_dict(d: Diagnostic) -> dict[str, Any]:
    return {
        "code": d.code,
        "name": d.name,
        "family": d.family.value,
        "severity": d.severity.value,
        "message": d.message,
        "fix": d.fix,
        "snippet": d.snippet,
        "fingerprint": d.fingerprint,
        "location": _location_dict(d.location),
        "related": [_location_dict(r) for r in d.related],
        "data": dict(d.data),
    }


def to_dict(result: AuditResult) -> dict[str, Any]:
    diagnostics = sorted(result.diagnostics, key=Diagnostic.sort_key)
    return {
        "schema": SCHEMA,
        "tool": {"name": "nbrefactor", "version": __version__},
        "summary": {
            "notebooks": len(result.notebooks),
            "unreadable": len(result.errors),
            "not_analysed": len(result.not_analysed),
            "findings": len(diagnostics),
            "by_severity": dict(sorted(Counter(d.severity.value for d in diagnostics).items())),
            "by_family": dict(sorted(Counter(d.family.value for d in diagnostics).items())),
            "by_code": dict(sorted(Counter(d.code for d in diagnostics).items())),
        },
        "errors": [{"path": e.path, "problem": e.problem} for e in sorted(result.errors, key=lambda e: e.path)],
        "findings": [diagnostic_to_dict(d) for d in diagnostics],
        # Notebooks read but not analysed (STR002): notices of the run, not findings.
        "not_analysed": [
            {"path": n.path, "kernel": n.kernel, "language": n.language, "code": n.code, "reason": n.reason}
            for n in result.not_analysed
        ],
    }


def render(result: AuditResult) -> str:
    return json.dumps(to_dict(result), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
