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
      "working_directory": ".",          # where nbrefactor ran, relative to this file
      "findings": [{"code", "fingerprint", "notebook", "path", "cell", "line", "message"}, ...],
      "unreadable": [{"notebook", "problem"}, ...]
    }

`cell`, `line` and `message` are for the human reading a diff of the file; matching uses the
fingerprint alone (and notebook + problem for unreadable files). Fingerprints contain paths as
nbrefactor shows them, relative to the working directory, hence `working_directory`.

Pure functions build and apply baselines; the functions at the bottom (argument parsing, files,
`git`) are the edge.
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

from .config import ConfigError, Settings
from .model import AuditResult, Diagnostic, LoadError, NotebookResult

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
    notebook: str
    problem: str

    def to_dict(self) -> dict[str, Any]:
        return {"notebook": self.notebook, "problem": self.problem}


@dataclass(frozen=True)
class Baseline:
    findings: tuple[BaselineEntry, ...] = ()
    unreadable: tuple[UnreadableEntry, ...] = ()
    working_directory: str = "."

    @property
    def notebooks(self) -> tuple[str, ...]:
        return tuple(sorted({e.notebook for e in self.findings} | {u.notebook for u in self.unreadable}))

    def to_json(self) -> str:
        data = {
            "schema": SCHEMA,
            "working_directory": self.working_directory,
            "findings": [e.to_dict() for e in sorted(self.findings, key=BaselineEntry.sort_key)],
            "unreadable": [u.to_dict() for u in sorted(self.unreadable, key=lambda u: (u.notebook, u.problem))],
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def baselineable(error: LoadError) -> bool:
    return not error.problem.startswith(_NEVER_BASELINED)


def entry_for(notebook: str, d: Diagnostic) -> BaselineEntry:
    return BaselineEntry(d.code, d.fingerprint, notebook, d.location.path, d.location.cell, d.location.line, d.message)


def baseline_from(result: AuditResult, working_directory: str = ".") -> Baseline:
    findings = {(nb.path, d.fingerprint): entry_for(nb.path, d) for nb in result.notebooks for d in nb.diagnostics}
    unreadable = {
        (nb.error.path, nb.error.problem): UnreadableEntry(nb.error.path, nb.error.problem)
        for nb in result.notebooks
        if nb.error is not None and baselineable(nb.error)
    }
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


def compare(
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
    kept = Baseline(tuple(kept_findings), tuple(kept_unreadable), baseline.working_directory)
    return Comparison(AuditResult(tuple(notebooks)), tuple(new), baselined, baselined_unreadable, tuple(stale), kept)


# --- the edge: arguments, files, git ---------------------------------------------------------


def add_audit_arguments(audit: argparse.ArgumentParser) -> None:
    group = audit.add_argument_group("CI gate")
    group.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="fail only on findings not recorded in this baseline file (default: `baseline` in [tool.nbrefactor])",
    )
    group.add_argument("--no-baseline", action="store_true", help="ignore the baseline configured in pyproject.toml")
    changed = group.add_mutually_exclusive_group()
    changed.add_argument("--diff", metavar="REF", help="audit only notebooks changed since the merge base with this git ref (e.g. origin/main)")
    changed.add_argument("--changed", action="store_true", help="audit only notebooks changed against HEAD, untracked ones included")
    group.add_argument(
        "--docs-url",
        metavar="URL",
        help="sarif format: base URL of the rule pages (docs/rules/) for helpUri (default: $NBREFACTOR_DOCS_URL or the project's)",
    )


def register_commands(sub: argparse._SubParsersAction) -> None:
    baseline = sub.add_parser(
        "baseline",
        help="record today's findings so CI fails only on new ones",
        description="Record the findings of today in a baseline file (create), or prune the entries whose "
        "finding was fixed (update). `nbrefactor audit --baseline FILE` then fails only on findings "
        "that are not in it. See docs/ci.md.",
    )
    baseline.set_defaults(handler=lambda args: _usage(baseline))
    actions = baseline.add_subparsers(dest="baseline_command", metavar="ACTION")

    create = actions.add_parser("create", help="write a baseline of the current findings", description="Audit PATHS and write every finding (and every unreadable notebook) to a baseline file.")
    create.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="notebooks or folders (default: .)")
    create.add_argument("--output", "-o", type=Path, metavar="FILE", help=f"baseline file to write (default: `baseline` in [tool.nbrefactor], else {DEFAULT_BASELINE})")
    create.add_argument("--force", action="store_true", help="overwrite an existing baseline file")
    _add_selection(create)
    create.set_defaults(handler=run_create)

    update = actions.add_parser(
        "update",
        help="prune baseline entries whose finding was fixed",
        description="Re-audit the notebooks of a baseline (or PATHS) and remove the entries whose finding is gone. "
        "New findings are never added: fix them, or re-create the baseline with `create --force`.",
    )
    update.add_argument("paths", nargs="*", metavar="PATH", help="notebooks or folders to re-audit (default: the notebooks named in the baseline)")
    update.add_argument("--baseline", type=Path, metavar="FILE", help=f"baseline file (default: `baseline` in [tool.nbrefactor], else {DEFAULT_BASELINE})")
    _add_selection(update)
    update.set_defaults(handler=run_update)


def _add_selection(parser: argparse.ArgumentParser) -> None:
    from .cli import _codes

    parser.add_argument("--select", type=_codes, help="comma-separated codes, prefixes, families or names (as for audit)")
    parser.add_argument("--ignore", type=_codes, help="comma-separated codes, prefixes, families or names to skip")
    parser.add_argument("--config", type=Path, help="pyproject.toml to read [tool.nbrefactor] from (default: nearest)")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _say(message: str) -> None:
    print(f"nbrefactor: {message}", file=sys.stderr)


def working_directory_for(baseline_file: Path, cwd: Path | None = None) -> str:
    here = (cwd or Path.cwd()).resolve()
    folder = baseline_file.resolve().parent
    return Path(os.path.relpath(here, folder)).as_posix()


def configured_baseline(settings: Settings) -> Path | None:
    """`baseline` from [tool.nbrefactor], relative to the pyproject.toml that set it."""
    if not settings.baseline:
        return None
    path = Path(settings.baseline)
    if not path.is_absolute() and settings.config_file and Path(settings.config_file).is_file():
        path = Path(settings.config_file).parent / path
    return _shown(path)


def _shown(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def read_baseline(path: Path) -> Baseline:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"baseline file {path.as_posix()} not found; create it with `nbrefactor baseline create`") from None
    except OSError as exc:
        raise UsageError(f"cannot read baseline file {path.as_posix()}: {exc.strerror or exc}") from exc
    baseline = parse_baseline(text, path.as_posix())
    here = working_directory_for(path)
    if baseline.working_directory != here:
        raise UsageError(
            f"{path.as_posix()} was recorded with nbrefactor running in {baseline.working_directory!r} (relative to the "
            f"baseline file), but it runs in {here!r} now; fingerprints hold notebook paths as shown, so run nbrefactor "
            "from the directory the baseline was created in"
        )
    return baseline


def _exists(path: str) -> bool:
    return Path(path).exists()


def _checker(settings: Settings) -> Callable[[str, str], bool]:
    """Whether this run checked `code` on `notebook`: a finding of a rule left out by --select,
    --ignore or per-file-ignores is not "fixed", just not looked for."""
    from .config import rule_enabled
    from .rules import rule_by_code

    def checked(code: str, notebook: str) -> bool:
        try:
            rule = rule_by_code(code)
        except KeyError:
            return True  # a rule that no longer exists: its entries are stale
        return rule_enabled(settings, rule.code, rule.name, rule.family.value, notebook)

    return checked


def apply_baseline(result: AuditResult, settings: Settings, args: argparse.Namespace) -> tuple[AuditResult, Sequence[Diagnostic] | None]:
    """Hook of `nbrefactor audit`: with a baseline, report and fail only on what is new."""
    if getattr(args, "no_baseline", False):
        return result, None
    path = getattr(args, "baseline", None) or configured_baseline(settings)
    if path is None:
        return result, None
    comparison = compare(result, read_baseline(path), _exists, _checker(settings))
    summary = f"baseline {path.as_posix()}: {comparison.baselined} known finding{'s' if comparison.baselined != 1 else ''} not shown"
    if comparison.baselined_unreadable:
        count = comparison.baselined_unreadable
        summary += f", {count} known-unreadable notebook{'s' if count != 1 else ''} skipped"
    summary += f", {len(comparison.new)} new"
    _say(summary)
    if comparison.stale:
        count = len(comparison.stale)
        _say(
            f"{count} baseline entr{'ies are' if count != 1 else 'y is'} stale (fixed or gone); "
            f"prune {'them' if count != 1 else 'it'} with `nbrefactor baseline update --baseline {path.as_posix()}`"
        )
    return comparison.result, comparison.new


def select_paths(args: argparse.Namespace, settings: Settings) -> list[str]:
    """Hook of `nbrefactor audit`: with `--diff REF` or `--changed`, the changed notebooks under
    the given paths; otherwise the paths as given."""
    ref = "HEAD" if getattr(args, "changed", False) else getattr(args, "diff", None)
    if ref is None:
        return list(args.paths)
    changed = changed_notebooks(ref)
    chosen = sorted({_display(p) for p in changed if _under_any(p, args.paths, settings)})
    what = f"--diff {ref}" if not getattr(args, "changed", False) else "--changed"
    if chosen:
        _say(f"{what}: auditing {len(chosen)} changed notebook{'s' if len(chosen) != 1 else ''}")
    else:
        _say(f"{what}: no notebook changed; nothing to audit")
    return chosen


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _under_any(file: Path, roots: Iterable[str], settings: Settings) -> bool:
    target = file.resolve()
    for raw in roots:
        root = Path(raw).resolve()
        if target == root:
            return True
        try:
            relative = target.relative_to(root).as_posix()
        except ValueError:
            continue
        if not settings.is_excluded(relative):
            return True
    return False


def _git(args: Sequence[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise UsageError("--diff/--changed need git, and no `git` command was found") from None
    if done.returncode != 0:
        raise UsageError(f"git {' '.join(args[:2])} failed: {done.stderr.strip() or f'exit code {done.returncode}'}")
    return done.stdout


def changed_notebooks(ref: str, cwd: Path | None = None) -> list[Path]:
    """Notebooks (`*.ipynb`) that differ from the merge base of `ref` and HEAD — committed, staged
    or only in the working tree — plus untracked ones; deleted files left out."""
    here = cwd or Path.cwd()
    try:
        probe = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=here, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise UsageError("--diff/--changed need git, and no `git` command was found") from None
    if probe.returncode != 0:
        raise UsageError(f"--diff/--changed need a git repository, and {here.resolve().as_posix()} is not inside one")
    top = Path(probe.stdout.strip())
    if ref.startswith("-"):
        raise UsageError(f"--diff: {ref!r} is not a git ref")
    names = _git(["diff", "--name-only", "-z", "--diff-filter=d", "--merge-base", ref, "--"], top).split("\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split("\0")
    return sorted({top / name for name in names if name.lower().endswith(".ipynb") and (top / name).is_file()})


def _selection_settings(args: argparse.Namespace) -> Settings:
    from .cli import settings_for

    return settings_for(args)


def run_create(args: argparse.Namespace) -> int:
    from .engine import audit_paths
    from .fileio import write_text_atomic

    settings = _selection_settings(args)
    target = args.output or configured_baseline(settings) or Path(DEFAULT_BASELINE)
    if target.exists() and not args.force:
        _say(f"{target.as_posix()} exists; pass --force to overwrite it (or `nbrefactor baseline update` to prune it)")
        return 2
    result = audit_paths(args.paths, settings)
    fatal = [e for e in result.errors if not baselineable(e)]
    if fatal:
        for error in fatal:
            print(f"error: {error}", file=sys.stderr)
        _say(f"baseline not written: {len(fatal)} input{'s' if len(fatal) != 1 else ''} could not be audited")
        return 2
    baseline = baseline_from(result, working_directory_for(target))
    write_text_atomic(target, baseline.to_json())
    _say(
        f"wrote {target.as_posix()}: {len(baseline.findings)} finding{'s' if len(baseline.findings) != 1 else ''} "
        f"in {len(result.notebooks)} notebook{'s' if len(result.notebooks) != 1 else ''}"
        + (f", {len(baseline.unreadable)} unreadable notebook{'s' if len(baseline.unreadable) != 1 else ''}" if baseline.unreadable else "")
    )
    return 0


def run_update(args: argparse.Namespace) -> int:
    from .engine import audit_paths
    from .fileio import write_text_atomic

    settings = _selection_settings(args)
    target = args.baseline or configured_baseline(settings) or Path(DEFAULT_BASELINE)
    baseline = read_baseline(target)
    paths = list(args.paths) or [p for p in baseline.notebooks if Path(p).exists()]
    result = audit_paths(paths, settings) if paths else AuditResult()
    fatal = [e for e in result.errors if not baselineable(e)]
    if fatal:
        for error in fatal:
            print(f"error: {error}", file=sys.stderr)
        _say(f"baseline not updated: {len(fatal)} input{'s' if len(fatal) != 1 else ''} could not be audited")
        return 2
    comparison = compare(result, baseline, _exists, _checker(settings))
    for entry in comparison.stale:
        if isinstance(entry, BaselineEntry):
            where = f"cell {entry.cell}, line {entry.line}" if entry.cell is not None else "notebook"
            print(f"stale: {entry.notebook} {entry.code} ({where} when recorded): {entry.message}", file=sys.stderr)
        else:
            print(f"stale: {entry.notebook} no longer unreadable ({entry.problem})", file=sys.stderr)
    write_text_atomic(target, comparison.kept.to_json())
    count = len(comparison.stale)
    _say(
        f"updated {target.as_posix()}: pruned {count} stale entr{'ies' if count != 1 else 'y'}, kept "
        f"{len(comparison.kept.findings) + len(comparison.kept.unreadable)}"
        + (
            f"; {len(comparison.new)} new finding{'s' if len(comparison.new) != 1 else ''} not added "
            "(fix them, or re-create the baseline with `nbrefactor baseline create --force`)"
            if comparison.new
            else ""
        )
    )
    return 0
