"""The CI gate: baselines, and auditing only the notebooks a change touched.

A repository that adopts nbrefactor usually has many notebooks with findings already. A baseline
file records today's findings by fingerprint (`Diagnostic.fingerprint`: code, path, the
offending line's text or the rule's key, and the occurrence among equals — no cell number, no
execution count), so `nbrefactor audit --baseline FILE` fails only on findings that are not in
it, even after cells were moved, added above or re-executed. `baseline update` prunes the
entries whose finding was fixed. `--diff REF` / `--changed` narrow the audit to the notebooks
that `git` says changed.

The baseline format (`nbrefactor-baseline/1`, documented in docs/ci.md) is sorted JSON:

    {
      "schema": "nbrefactor-baseline/1",
      "run_from": ".",                   # where nbrefactor ran, relative to the project root
      "findings": [{"code", "fingerprint", "notebook", "path", "cell", "line", "message"}, ...],
      "unreadable": [{"notebook", "problem"}, ...]
    }

`cell`, `line` and `message` are for the human reading a diff of the file; matching uses the
fingerprint alone (and notebook + problem for unreadable files). Fingerprints contain paths as
nbrefactor shows them, relative to the working directory, hence `run_from`: the working directory
relative to the project root (the nearest folder above it holding `.git` or a pyproject.toml with
[tool.nbrefactor]), so the file can be written anywhere and moved anywhere. Outside any project,
and in baselines written before `run_from`, `working_directory` records it relative to the file.

Pure functions only; reading files, arguments and `git` is `nbrefactor.cli.ci`'s job.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from nbrefactor.config import ConfigError, Settings
from nbrefactor.audit.types import AuditResult, Diagnostic, LoadError, NotebookResult

SCHEMA = "nbrefactor-baseline/1"
DEFAULT_BASELINE = ".nbrefactor-baseline.json"
# Load errors that are about the command line or nbrefactor itself, never about a known-broken
# notebook: they are never recorded in a baseline and always fail the run.
_NEVER_BASELINED = ("no such file", "internal error")


class UsageError(ConfigError):
    """A usage problem found after parsing (bad git ref, missing baseline): exit code 2."""


# --- the baseline, pure ----------------------------------------------------------------------


@dataclass(frozen=True)
class BaselineEntry:
    """A finding recorded in a baseline file, known by its fingerprint."""

    code: str
    fingerprint: str
    notebook: str  # the audited notebook the finding belongs to
    path: str  # where the finding is: the notebook, or a manifest beside it
    cell: int | None = None
    line: int | None = None
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "fingerprint": self.fingerprint,
            "notebook": self.notebook,
            "path": self.path,
            "cell": self.cell,
            "line": self.line,
            "message": self.message,
        }

    def sort_key(self) -> tuple:
        return (self.notebook, self.path, self.code, self.fingerprint)


@dataclass(frozen=True)
class UnreadableEntry:
    """A notebook a baseline recorded as unreadable, and why."""

    notebook: str
    problem: str

    def to_dict(self) -> dict[str, Any]:
        return {"notebook": self.notebook, "problem": self.problem}


@dataclass(frozen=True)
class Baseline:
    """The findings and unreadable notebooks a baseline file records."""

    findings: tuple[BaselineEntry, ...] = ()
    unreadable: tuple[UnreadableEntry, ...] = ()
    # Where nbrefactor ran: relative to the project root (`run_from`) when it ran inside a
    # project, else relative to the baseline file's folder (`working_directory`, the old format).
    working_directory: str | None = "."
    run_from: str | None = None

    @property
    def notebooks(self) -> tuple[str, ...]:
        return tuple(sorted({e.notebook for e in self.findings} | {u.notebook for u in self.unreadable}))

    def to_json(self) -> str:
        where = {"run_from": self.run_from} if self.run_from is not None else {"working_directory": self.working_directory or "."}
        data = {
            "schema": SCHEMA,
            **where,
            "findings": [e.to_dict() for e in sorted(self.findings, key=BaselineEntry.sort_key)],
            "unreadable": [u.to_dict() for u in sorted(self.unreadable, key=lambda u: (u.notebook, u.problem))],
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def baselineable(error: LoadError) -> bool:
    return not error.problem.startswith(_NEVER_BASELINED)


def entry_for(notebook: str, d: Diagnostic) -> BaselineEntry:
    return BaselineEntry(d.code, d.fingerprint, notebook, d.location.path, d.location.cell, d.location.line, d.message)


def baseline_from(result: AuditResult, working_directory: str = ".", run_from: str | None = None) -> Baseline:
    findings = {(nb.path, d.fingerprint): entry_for(nb.path, d) for nb in result.notebooks for d in nb.diagnostics}
    unreadable = {
        (nb.error.path, nb.error.problem): UnreadableEntry(nb.error.path, nb.error.problem)
        for nb in result.notebooks
        if nb.error is not None and baselineable(nb.error)
    }
    if run_from is not None:
        return Baseline(tuple(findings.values()), tuple(unreadable.values()), None, run_from)
    return Baseline(tuple(findings.values()), tuple(unreadable.values()), working_directory)


def parse_baseline(text: str, source: str) -> Baseline:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{source}: not a baseline file (invalid JSON at line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise UsageError(f"{source}: not a baseline file (expected \"schema\": \"{SCHEMA}\")")
    try:
        findings = tuple(
            BaselineEntry(
                code=str(e["code"]),
                fingerprint=str(e["fingerprint"]),
                notebook=str(e["notebook"]),
                path=str(e.get("path", e["notebook"])),
                cell=e.get("cell"),
                line=e.get("line"),
                message=str(e.get("message", "")),
            )
            for e in data.get("findings", [])
        )
        unreadable = tuple(UnreadableEntry(str(u["notebook"]), str(u["problem"])) for u in data.get("unreadable", []))
    except (KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"{source}: malformed baseline entry ({exc})") from exc
    if "run_from" in data:
        return Baseline(findings, unreadable, None, str(data["run_from"]))
    return Baseline(findings, unreadable, str(data.get("working_directory", ".")))


@dataclass(frozen=True)
class Comparison:
    """An audit seen through a baseline."""

    result: AuditResult  # what is left to report: new findings, unreadable files not baselined
    new: tuple[Diagnostic, ...]
    baselined: int  # findings matched by the baseline
    baselined_unreadable: int  # unreadable notebooks the baseline knows as such
    stale: tuple[BaselineEntry | UnreadableEntry, ...]  # entries whose finding is gone
    kept: Baseline  # the baseline without its stale entries, locations refreshed


def compare_with_baseline(
    result: AuditResult,
    baseline: Baseline,
    exists: Callable[[str], bool] = lambda p: True,
    checked: Callable[[str, str], bool] = lambda code, notebook: True,
) -> Comparison:
    """Split an audit into what the baseline knows and what is new. An entry is stale when its
    notebook was audited with its rule enabled (`checked(code, notebook)`) and the finding is
    gone, or when its notebook no longer exists; entries of notebooks or rules outside this audit
    (a `--diff` run, a narrower path, `--select`) are kept untouched."""
    known = {(e.notebook, e.fingerprint): e for e in baseline.findings}
    known_unreadable = {(u.notebook, u.problem) for u in baseline.unreadable}
    audited = {nb.path for nb in result.notebooks}
    matched: set[tuple[str, str]] = set()
    matched_unreadable: set[tuple[str, str]] = set()
    refreshed: dict[tuple[str, str], BaselineEntry] = {}
    notebooks: list[NotebookResult] = []
    new: list[Diagnostic] = []
    baselined = baselined_unreadable = 0
    for nb in result.notebooks:
        fresh = []
        for d in nb.diagnostics:
            key = (nb.path, d.fingerprint)
            if key in known:
                matched.add(key)
                refreshed[key] = entry_for(nb.path, d)
                baselined += 1
            else:
                fresh.append(d)
        error = nb.error
        if error is not None and (nb.path, error.problem) in known_unreadable and baselineable(error):
            matched_unreadable.add((nb.path, error.problem))
            baselined_unreadable += 1
            error = None
        new.extend(fresh)
        notebooks.append(replace(nb, diagnostics=tuple(fresh), error=error))

    def is_stale(notebook: str, key: tuple[str, str], seen: set[tuple[str, str]], code: str | None) -> bool:
        if notebook not in audited:
            return not exists(notebook)
        return key not in seen and (code is None or checked(code, notebook))

    stale: list[BaselineEntry | UnreadableEntry] = []
    kept_findings: list[BaselineEntry] = []
    for entry in baseline.findings:
        key = (entry.notebook, entry.fingerprint)
        if is_stale(entry.notebook, key, matched, entry.code):
            stale.append(entry)
        else:
            kept_findings.append(refreshed.get(key, entry))
    kept_unreadable: list[UnreadableEntry] = []
    for u in baseline.unreadable:
        if is_stale(u.notebook, (u.notebook, u.problem), matched_unreadable, None):
            stale.append(u)
        else:
            kept_unreadable.append(u)
    kept = replace(baseline, findings=tuple(kept_findings), unreadable=tuple(kept_unreadable))
    return Comparison(AuditResult(tuple(notebooks)), tuple(new), baselined, baselined_unreadable, tuple(stale), kept)
