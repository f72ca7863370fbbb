"""JSON report: sorted, no timestamps, byte-identical for the same input.

Schema `nbrefactor-audit/1` is documented in docs/json-schema.md.
"""

from __future__ import annotations

import json
from collections import Counter
from json.encoder import encode_basestring  # (`_json`'s, in C, as `json.dumps` uses with ensure_ascii=False)
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
    return dumps_indented(to_dict(result)) + "\n"


def dumps_indented(value: Any) -> str:
    """`json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)`, the same text, made without
    the pure-Python encoder's generators (`json` encodes in C only without `indent`): the report of
    an audit is rendered by the pool's parent after the workers are done, on the run's critical path
    (issue 15, twenty-eighth round: PDSH's 121,008 bytes, ~31 M instructions under valgrind). Only
    the exact types `to_dict` builds are written here (`str`, `int`, `float`, `bool`, None, `list`,
    `tuple`, `dict` with `str` keys); anything else, a subclass included, and a structure nested too
    deeply (or circular), is handed to `json.dumps` whole, which answers or raises as before."""
    out: list[str] = []
    try:
        _encode(value, "\n", out)
    except (_Unusual, RecursionError):
        return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return "".join(out)


class _Unusual(Exception):
    """A value `dumps_indented` leaves to `json.dumps`."""


_INFINITY = float("inf")


def _encode(value: Any, newline: str, out: list[str]) -> None:
    """`value` appended to `out` as `json.encoder._make_iterencode` yields it (`newline`: a line
    break and the indent of the line `value` is on)."""
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float:  # (json's `floatstr` with allow_nan)
        out.append("NaN" if value != value else "Infinity" if value == _INFINITY else "-Infinity" if value == -_INFINITY
                   else float.__repr__(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in sorted(value.items()):
            if type(key) is not str:
                raise _Unusual
            out.append(separator)
            out.append(encode_basestring(key))
            out.append(": ")
            _encode(item, inner, out)
            separator = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _encode(item, inner, out)
            separator = "," + inner
        out.append(newline + "]")
    else:
        raise _Unusual
