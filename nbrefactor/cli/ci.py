"""The CI commands' edge: `audit --baseline/--diff/--changed` arguments, `baseline create/update`,
reading and writing baseline files, and asking `git` which notebooks changed.

The baseline itself (format, fingerprints, comparison) is pure and lives in `nbrefactor.audit.baseline`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from nbrefactor.config import ConfigError, Settings
from nbrefactor.audit.types import AuditResult, Diagnostic, LoadError, NotebookResult
from nbrefactor.audit.baseline import (
    Baseline,
    BaselineEntry,
    DEFAULT_BASELINE,
    UsageError,
    baseline_from,
    baselineable,
    compare_with_baseline,
    parse_baseline,
)


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

    create = actions.add_parser(
        "create",
        help="write a baseline of the current findings",
        description="Audit PATHS and write every finding (and every unreadable notebook) to a baseline file. "
        "Fingerprints hold notebook paths as shown, relative to the directory nbrefactor runs in, so the file records "
        "that directory relative to the project root (the nearest folder above it with .git or a pyproject.toml with "
        "[tool.nbrefactor]): the file may be written anywhere and copied or moved anywhere, and `audit --baseline` "
        "matches it when run from the same directory of the project (usually its root). Outside any project it records "
        "the directory relative to the file instead. See docs/ci.md.",
    )
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
    from nbrefactor.cli.common import codes_list as _codes, job_count as _jobs

    parser.add_argument("--select", type=_codes, help="comma-separated codes, prefixes, families or names (as for audit)")
    parser.add_argument("--ignore", type=_codes, help="comma-separated codes, prefixes, families or names to skip")
    parser.add_argument("--config", type=Path, help="pyproject.toml to read [tool.nbrefactor] from (default: nearest)")
    parser.add_argument("-j", "--jobs", type=_jobs, default=0, metavar="N", help="notebooks audited in parallel by N processes (default: one per core)")
    parser.add_argument("--no-cache", action="store_true", help="audit every notebook afresh, neither reading nor writing the result cache (as for audit)")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _say(message: str) -> None:
    print(f"nbrefactor: {message}", file=sys.stderr)


def working_directory_for(baseline_file: Path, cwd: Path | None = None) -> str:
    """The old record of where nbrefactor ran: relative to the baseline file's folder (kept for
    baselines made outside any project, and read from those written before `run_from`)."""
    here = (cwd or Path.cwd()).resolve()
    folder = baseline_file.resolve().parent
    return Path(os.path.relpath(here, folder)).as_posix()


def project_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding `.git` or a pyproject.toml with
    [tool.nbrefactor] (the audit's own notion of a project root), or None."""
    from nbrefactor.audit.project import is_project_root

    here = start.resolve()
    return next((folder for folder in (here, *here.parents) if is_project_root(folder)), None)


def run_from(cwd: Path | None = None) -> tuple[str, Path] | None:
    """Where nbrefactor runs, relative to its project root, and that root; None outside any
    project. A baseline records this rather than a path relative to itself, so it may be written
    anywhere (`--output /tmp/b.json`) and copied or moved anywhere: only where nbrefactor runs
    decides the paths in the fingerprints."""
    here = (cwd or Path.cwd()).resolve()
    root = project_root(here)
    if root is None:
        return None
    return Path(os.path.relpath(here, root)).as_posix(), root


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
    if baseline.run_from is not None:
        found = run_from()
        if found is None:
            raise UsageError(
                f"{path.as_posix()} was recorded with nbrefactor running in {baseline.run_from!r} of a project, but no "
                "project root (a folder with .git or a pyproject.toml with [tool.nbrefactor]) is at or above "
                f"{Path.cwd().resolve().as_posix()}; run nbrefactor from the directory the baseline was created in"
            )
        here, root = found
        if baseline.run_from != here:
            raise UsageError(
                f"{path.as_posix()} was recorded with nbrefactor running in {baseline.run_from!r} (relative to the project "
                f"root {root.as_posix()}), but it runs in {here!r} now; fingerprints hold notebook paths as shown, so "
                "run nbrefactor from the directory the baseline was created in"
            )
        return baseline
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
    from nbrefactor.config import rule_enabled
    from nbrefactor.audit.rules import rule_by_code

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
    comparison = compare_with_baseline(result, read_baseline(path), _exists, _checker(settings))
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
    if not isinstance(ref, str):  # argparse hands `--diff=--` over as an empty list
        ref = "--"
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
    from nbrefactor.cli.common import settings_for

    return settings_for(args)


def _audit(paths: Sequence[str], settings: Settings, args: argparse.Namespace) -> AuditResult:
    """As `nbrefactor audit` does it: through the result cache (unless --no-cache), in parallel:
    a baseline made right after an audit costs no second analysis."""
    from nbrefactor.audit.engine import audit_paths

    cache = None
    if not getattr(args, "no_cache", False):
        from nbrefactor.audit.cache import open_cache

        cache = open_cache(settings)
    return audit_paths(paths, settings, jobs=getattr(args, "jobs", 0), cache=cache)


def _unauditable(result: AuditResult, verb: str) -> bool:
    """True, with the errors and why nothing is `verb` ("written", "updated"), when an input could
    not be audited for a reason a baseline never records (a missing file, an internal error)."""
    fatal = [e for e in result.errors if not baselineable(e)]
    for error in fatal:
        print(f"error: {error}", file=sys.stderr)
    if fatal:
        _say(f"baseline not {verb}: {len(fatal)} input{'s' if len(fatal) != 1 else ''} could not be audited")
    return bool(fatal)


def run_create(args: argparse.Namespace) -> int:
    from nbrefactor.fileio import write_text_atomic

    settings = _selection_settings(args)
    target = args.output or configured_baseline(settings) or Path(DEFAULT_BASELINE)
    if target.exists() and not args.force:
        _say(f"{target.as_posix()} exists; pass --force to overwrite it (or `nbrefactor baseline update` to prune it)")
        return 2
    result = _audit(args.paths, settings, args)
    if _unauditable(result, "written"):
        return 2
    found = run_from()
    baseline = baseline_from(result, working_directory_for(target), run_from=found[0] if found else None)
    write_text_atomic(target, baseline.to_json())
    _say(
        f"wrote {target.as_posix()}: {len(baseline.findings)} finding{'s' if len(baseline.findings) != 1 else ''} "
        f"in {len(result.notebooks)} notebook{'s' if len(result.notebooks) != 1 else ''}"
        + (f", {len(baseline.unreadable)} unreadable notebook{'s' if len(baseline.unreadable) != 1 else ''}" if baseline.unreadable else "")
    )
    return 0


def run_update(args: argparse.Namespace) -> int:
    from nbrefactor.fileio import write_text_atomic

    settings = _selection_settings(args)
    target = args.baseline or configured_baseline(settings) or Path(DEFAULT_BASELINE)
    baseline = read_baseline(target)
    paths = list(args.paths) or [p for p in baseline.notebooks if Path(p).exists()]
    result = _audit(paths, settings, args) if paths else AuditResult()
    if _unauditable(result, "updated"):
        return 2
    comparison = compare_with_baseline(result, baseline, _exists, _checker(settings))
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
