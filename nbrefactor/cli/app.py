"""Command line: the edge where arguments, files and the terminal meet the pipeline.

Exit codes (docs/exit-codes.md), decided in `exit_code` alone:
  0  no finding at or above --fail-on, every input read
  1  at least one finding at or above --fail-on
  2  usage or configuration error, or an input that could not be read as a notebook
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import Optional, Sequence

from nbrefactor import __version__
from nbrefactor.config import ConfigError, Settings, find_pyproject, load_settings, with_overrides
from nbrefactor.audit.types import AuditResult
from nbrefactor.audit.guards import DEFAULT_TIMEOUT
from nbrefactor.cli.common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, codes_list, exit_code, job_count, seconds_limit, settings_for


FORMATS = ("text", "concise", "json", "sarif", "github")
# The formats a person reads in a terminal: only these get a progress bar (on standard error).
TERMINAL_FORMATS = ("text", "concise")

DESCRIPTION = """\
nbrefactor audits Jupyter notebooks for the anti-patterns that block a migration to production
(hardcoded paths, hidden state, undeclared dependencies, unseeded randomness, secrets) and
reports each finding with notebook, cell and line. Notebooks are only read, never executed
or modified.
"""

EPILOG = """\
examples:
  nbrefactor audit notebooks/                      audit a folder, terminal report
  nbrefactor audit nb.ipynb --format json          machine-readable findings
  nbrefactor audit . --format sarif > out.sarif    for GitHub code scanning
  nbrefactor audit . --select PTH,RND --fail-on error
  nbrefactor rules                                 list every rule
  nbrefactor rules PTH001                          explain one rule

configuration: [tool.nbrefactor] in pyproject.toml (select, ignore, per-file-ignores,
fail-on, exclude, rules-dirs); command-line flags win. Suppress one line with
`# nbrefactor: ignore[PTH001]` (or `# noqa: PTH001`), a whole cell with the tag
`nbrefactor:ignore` or `nbrefactor:ignore:PTH001`.

exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error or unreadable input.
"""


def build_parser(only: Optional[str] = None) -> argparse.ArgumentParser:
    """`only="audit"`: the parser of `nbrefactor audit ...` alone, without importing the modules
    of the other commands (migrate, verify, report): an audit answered from the cache is mostly
    interpreter start-up and imports."""
    parser = argparse.ArgumentParser(
        prog="nbrefactor",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"nbrefactor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    audit = sub.add_parser(
        "audit",
        help="report anti-patterns in notebooks (read-only)",
        description="Audit notebooks and report findings by notebook, cell and line. Cells are numbered "
        "from 1 and every cell counts (markdown too), as Jupyter shows them.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    audit.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="notebooks or folders (recursive; checkpoints skipped)")
    audit.add_argument(
        "--format", choices=FORMATS, default="text",
        help="output format (default: text, grouped by notebook and rule; concise: one line per finding)",
    )
    audit.add_argument("--statistics", action="store_true", help="text formats: print the number of findings per rule instead of the findings")
    audit.add_argument(
        "--progress", choices=("auto", "never"), default="auto",
        help="a progress bar on standard error while auditing (auto: text formats on a terminal only)",
    )
    audit.add_argument("--select", type=codes_list, help="comma-separated codes, prefixes (PTH), families (paths) or names to check")
    audit.add_argument("--ignore", type=codes_list, help="comma-separated codes, prefixes, families or names to skip")
    audit.add_argument("--fail-on", choices=("error", "warning", "info", "never"), help="lowest severity that fails (default: warning)")
    audit.add_argument("--config", type=Path, help="pyproject.toml to read [tool.nbrefactor] from (default: nearest)")
    audit.add_argument("--output", "-o", type=Path, help="write the report to this file instead of standard output")
    audit.add_argument(
        "--sarif", type=Path, metavar="FILE",
        help="also write the SARIF report to FILE (one audit, two outputs: e.g. --format github for annotations plus SARIF for code scanning)",
    )
    audit.add_argument("--no-source", action="store_true", help="text format: do not show the offending lines")
    audit.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="text format colours")
    audit.add_argument(
        "-j", "--jobs", type=job_count, default=0, metavar="N",
        help="notebooks audited in parallel by N processes (default: one per core; 1: no subprocess); output is the same for any N",
    )
    audit.add_argument(
        "--timeout", type=seconds_limit, default=DEFAULT_TIMEOUT, metavar="SECONDS",
        help=f"time limit per notebook, reading included (default {DEFAULT_TIMEOUT:g}; 0: none); a notebook over it is reported as not audited and the others go on",
    )
    audit.add_argument(
        "--no-cache", action="store_true",
        help="audit every notebook afresh, neither reading nor writing the result cache (~/.cache/nbrefactor, or $NBREFACTOR_CACHE_DIR), nor replaying an unchanged run's output",
    )
    _add_ci_arguments(audit)

    rules = sub.add_parser("rules", help="list the rules, or explain one", description="List every rule, or show one rule's documentation.")
    rules.add_argument("code", nargs="?", help="a rule code (PTH001) or name (absolute-path)")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    if only != "audit":
        _add_more_commands(sub)
    return parser


def _add_ci_arguments(audit: argparse.ArgumentParser) -> None:
    """Hook for the CI gate (baseline, --diff); extended in `nbrefactor.cli.ci`."""
    try:
        from nbrefactor.cli.ci import add_audit_arguments
    except ImportError:
        return
    add_audit_arguments(audit)


def _add_more_commands(sub: argparse._SubParsersAction) -> None:
    """Later stages (baseline, migrate, verify, report) register their subcommands here."""
    import importlib

    for module in ("cli.ci", "cli.migrate", "verify.runner"):
        try:
            mod = importlib.import_module(f"nbrefactor.{module}")
        except ImportError:
            continue
        register = getattr(mod, "register_commands", None)
        if register is not None:
            register(sub)


def main(argv: Optional[Sequence[str]] = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(only="audit" if words[:1] == ["audit"] else None)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    try:
        handler = getattr(args, "handler", None)
        if handler is not None:
            return int(handler(args))
        if args.command == "audit":
            return run_audit(args)
        if args.command == "rules":
            return run_rules(args)
    except ConfigError as exc:
        print(f"nbrefactor: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("nbrefactor: interrupted", file=sys.stderr)
        return 130
    parser.error(f"unknown command {args.command}")
    return EXIT_ERROR


def run_audit(args: argparse.Namespace) -> int:
    from nbrefactor.audit.engine import audit_paths

    settings = settings_for(args)
    paths = args.paths
    try:
        from nbrefactor.cli.ci import select_paths  # --diff / --changed
    except ImportError:
        select_paths = None
    if select_paths is not None:
        paths = select_paths(args, settings)
    if getattr(args, "statistics", False) and args.format not in TERMINAL_FORMATS:
        print(f"nbrefactor: --statistics works with --format text or concise, not {args.format}", file=sys.stderr)
        return EXIT_ERROR
    cache = None
    if not getattr(args, "no_cache", False):
        from nbrefactor.audit.cache import open_cache

        cache = open_cache(settings)
    # Each cell's trees are built and dropped: with fewer young-generation collections the
    # garbage collector's share of a 100-notebook audit halves (0.045 -> 0.02 s of CPU, measured
    # with gc.callbacks). Pool workers inherit the setting; restored for in-process callers.
    # The middle generation's collections fewer too (`gc_thresholds.audit_gc_thresholds`).
    from nbrefactor.cli.gc_thresholds import audit_gc_thresholds

    thresholds = gc.get_threshold()
    gc.set_threshold(*audit_gc_thresholds(thresholds))
    try:
        with _AuditProgress.for_args(args) as progress:
            result = audit_paths(
                paths, settings, on_result=progress.advance, on_start=progress.start, jobs=getattr(args, "jobs", 1),
                timeout=getattr(args, "timeout", DEFAULT_TIMEOUT), cache=cache,
            )
    finally:
        gc.set_threshold(*thresholds)
    new_findings = None
    render_result = result
    try:
        from nbrefactor.cli.ci import apply_baseline
    except ImportError:
        apply_baseline = None
    if apply_baseline is not None:
        render_result, new_findings = apply_baseline(result, settings, args)
    text = render_report(render_result, args)
    if text is not None:
        if args.output:
            from nbrefactor.fileio import write_text_atomic

            write_text_atomic(args.output, text)
        else:
            sys.stdout.write(text)
    if getattr(args, "sarif", None) is not None:
        from nbrefactor.fileio import write_text_atomic
        from nbrefactor.report.sarif import render as render_sarif

        write_text_atomic(args.sarif, render_sarif(render_result, docs_url=getattr(args, "docs_url", None)))
    if args.format == "github":
        _write_step_summary(render_result)
    # Unreadable files are named on stderr too, so they stand out of a JSON/SARIF stream.
    # (`render_result` drops only the unreadable notebooks a baseline records as known-broken.)
    if args.format not in TERMINAL_FORMATS and render_result.errors:
        from nbrefactor.report.text import printable  # imports rich: only when there is something to print

        for error in render_result.errors:
            print(f"error: {printable(str(error))}", file=sys.stderr)
    return exit_code(render_result, settings, new_findings)


def _write_step_summary(result: AuditResult) -> None:
    """In GitHub Actions: append the job summary (counts, and the findings beyond the annotations
    GitHub shows) to the file $GITHUB_STEP_SUMMARY names. Appending is GitHub's protocol: other
    steps write to the same file."""
    import os

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from nbrefactor.report.github import step_summary

    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(step_summary(result))
    except OSError as exc:
        print(f"nbrefactor: could not write the job summary to {target}: {exc}", file=sys.stderr)


def render_report(result: AuditResult, args: argparse.Namespace) -> Optional[str]:
    fmt = args.format
    if fmt == "json":
        from nbrefactor.report.json_report import render

        return render(result)
    if fmt == "sarif":
        from nbrefactor.report.sarif import render as render_sarif

        return render_sarif(result, docs_url=getattr(args, "docs_url", None))
    if fmt == "github":
        from nbrefactor.report.github import render as render_github

        return render_github(result)
    import io

    from nbrefactor.report.text import render as render_text, render_concise, render_statistics

    color = {"always": True, "never": False}.get(args.color)
    if args.output:
        color = False
    color = color if color is not None else (sys.stdout.isatty() or None)
    buffer = io.StringIO()
    if getattr(args, "statistics", False):
        render_statistics(result, buffer, color=color)
    elif fmt == "concise":
        render_concise(result, buffer, color=color)
    else:
        render_text(result, buffer, color=color, show_source=not args.no_source)
    return buffer.getvalue()


class _AuditProgress:
    """A transient rich bar on standard error (count, elapsed, time left, notebook in hand) while
    notebooks are audited; only for the text formats and only when standard error is a terminal,
    so JSON, SARIF, GitHub output and pipes never carry it. It appears once the engine knows how
    many notebooks there are (`on_start`)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
        from rich.table import Column

        self.progress = Progress(
            TextColumn("auditing"),
            BarColumn(bar_width=16),
            MofNCompleteColumn(table_column=Column(no_wrap=True)),
            TimeElapsedColumn(table_column=Column(no_wrap=True)),
            TextColumn("eta", table_column=Column(no_wrap=True)),
            TimeRemainingColumn(table_column=Column(no_wrap=True)),
            TextColumn("{task.description}", table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis", min_width=0)),
            console=Console(file=sys.stderr, highlight=False),
            transient=True,
            expand=True,
        )
        self.task = None

    @staticmethod
    def for_args(args: argparse.Namespace) -> "_AuditProgress | _NoProgress":
        if args.format not in TERMINAL_FORMATS or getattr(args, "progress", "auto") == "never" or not sys.stderr.isatty():
            return _NoProgress()
        return _AuditProgress()

    def start(self, total: int) -> None:
        if total:
            self.task = self.progress.add_task("", total=total)
            self.progress.start()

    def advance(self, result) -> None:
        from rich.markup import escape

        if self.task is not None:
            self.progress.update(self.task, advance=1, description=escape(result.path))

    def __enter__(self) -> "_AuditProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.task is not None:
            self.progress.stop()


class _NoProgress:
    advance = None
    start = None

    def __enter__(self) -> "_NoProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def run_rules(args: argparse.Namespace) -> int:
    from nbrefactor.audit.rules import all_rules

    rules = all_rules()
    if args.code:
        wanted = args.code.strip()
        match = [r for r in rules if r.code == wanted.upper() or r.name == wanted.lower()]
        if not match:
            print(f"nbrefactor: no rule {wanted!r}; `nbrefactor rules` lists them", file=sys.stderr)
            return EXIT_ERROR
        from nbrefactor.report.rule_docs import rule_markdown

        sys.stdout.write(rule_markdown(match[0]))
        return EXIT_OK
    if args.format == "json":
        import json

        rows = [
            {"code": r.code, "name": r.name, "family": r.family.value, "severity": r.severity.value, "summary": r.summary}
            for r in rules
        ]
        sys.stdout.write(json.dumps(rows, indent=2, sort_keys=True) + "\n")
        return EXIT_OK
    for r in rules:
        print(f"{r.code}  {r.name:<32} {r.family.value:<13} {r.severity.value:<8} {r.summary}")
    return EXIT_OK
