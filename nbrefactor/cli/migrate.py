"""`nbrefactor migrate` (the compiler over a whole tree, in parallel, with a cache and the report)
and `nbrefactor report` (re-render the report from migration-report.json)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Optional, Sequence, TextIO

from nbrefactor.migrate import DEFAULT_TIMEOUT

EPILOG = """\
examples:
  nbrefactor migrate notebooks/ --out build/packages
  nbrefactor migrate notebooks/ --out build -j 4 --timeout 120
  nbrefactor migrate prep.ipynb train.ipynb --model churn=prep.ipynb,train.ipynb --out build
  nbrefactor migrate notebooks/ --out build --dry-run      # print the plan, write nothing
  nbrefactor report build/migration-report.json            # re-render the report

Each model becomes DIR/<package>/: a src-layout package with a config that replaces hardcoded
paths, steps whose parameters and returns come from data-flow analysis, pytest tests, pinned
requirements.txt and environment.yml, README.md and MIGRATION.md. A notebook that cannot run top
to bottom (a name used before it is defined) is not compiled unless --allow-hidden-state.

The batch also writes DIR/migration-report.json (schema nbrefactor-migration/2) and the HTML
report DIR/report/index.html, and keeps DIR/.nbrefactor-cache.json: a re-run skips every model
whose notebooks, data, manifests, settings and nbrefactor version are unchanged. --dry-run
writes nothing at all (no package, no report, no cache).

Then each written package climbs the proof ladder (docs/compiler.md): 1 emitted, 2 installs
(into an environment of its own: --prove-env clean from the package index, current offline from
the environment nbrefactor runs in), 3 imports, 4 tests pass, 5 runs as a pipeline (each step in
its own process through the kfp artifact serialisation, equal to the in-process run), 6 verified
(`verify` against the notebook, where its data and packages exist). "migrated" means rung 5 at
least, with a value compared (by rung 5, or by a passed rung 6: steps that return nothing are not
proven by running); below it a model is "emitted, not proven: <rung> failed: <reason>". --no-prove (or
NBREFACTOR_PROVE=0) skips rungs 2-6: no model is then "migrated"; every written package is
"emitted, not proven (--no-prove)" in the terminal, the JSON (status "emitted", proof.skipped) and
the HTML, with its review items, and its readiness score lies in the emitted band (40-59).

exit codes: 0 every model migrated (proven to rung 5 at least), 1 a model was blocked, failed or
emitted but not proven because its proof failed or compared nothing (or could not be written),
2 usage error or an unreadable notebook (the rest of the batch is still migrated),
130 interrupted (complete packages are kept, nothing half-written is left).
With --no-prove the exit code says whether the batch compiled, not whether it works: 0 every
model's package was written (nothing was installed, imported, tested or run), 1 a model was
blocked or failed; a CI job that needs proof must not pass --no-prove.
"""


def register_commands(sub: argparse._SubParsersAction) -> None:
    from nbrefactor.cli.common import job_count as _jobs, seconds_limit

    parser = sub.add_parser(
        "migrate",
        help="compile notebooks into Python packages",
        description="Compile each model's notebooks into a tested Python package.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="notebooks or folders (recursive)")
    parser.add_argument("--out", "-o", type=Path, required=True, metavar="DIR", help="where the packages are written")
    parser.add_argument("--model", action="append", default=[], metavar="NAME=NB1,NB2", help="group notebooks into one model, compiled in order (repeatable)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan (steps, inputs, outputs, config, review items); write nothing")
    parser.add_argument("--force", action="store_true", help="overwrite output folders nbrefactor did not write, or generated files edited since")
    parser.add_argument("--allow-hidden-state", action="store_true", help="compile notebooks with names used before definition; the gaps are listed in MIGRATION.md")
    parser.add_argument("--config", type=Path, help="pyproject.toml to read [tool.nbrefactor] from (default: nearest)")
    parser.add_argument("-j", "--jobs", type=_jobs, default=0, metavar="N", help="models migrated in parallel by N processes (default 0: one per core); output is the same for any N")
    parser.add_argument("--timeout", type=seconds_limit, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"time limit per notebook (default {DEFAULT_TIMEOUT:g}; 0: none); a model over it is recorded as failed and the batch goes on")
    parser.add_argument("--no-cache", action="store_true", help="rebuild and prove every model again, ignoring DIR/.nbrefactor-cache.json and the proof cache (both still updated)")
    parser.add_argument("--progress", choices=("auto", "bar", "lines"), default="auto", help="a progress bar (terminal) or one line per model (default: bar on a terminal)")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="terminal colours")
    parser.add_argument("--no-prove", action="store_true", help="skip the proof ladder's rungs 2-6 (install, import, tests, pipeline, verify): every written package is then "
                        "'emitted, not proven', never 'migrated', and the exit code only says whether the batch compiled (see below)")
    parser.add_argument("--prove-env", choices=("clean", "current"), default=None,
                        help="rung 2: 'clean' installs each requirement set from the package index into a new environment (default); "
                        "'current' works offline: an environment layered on this one, pins checked against what is installed (default from NBREFACTOR_PROVE_ENV)")
    parser.add_argument("--no-verify-rung", action="store_true", help="stop the ladder at rung 5 (do not run `verify` against the notebooks)")
    parser.add_argument("--pipeline-runner", choices=("steps", "kfp", "auto"), default="steps",
                        help="rung 5: 'steps' runs each step in its own process through the package's runtime.run_step, what every kfp component calls (default); "
                        "'kfp' runs the generated kfp pipeline with kfp.local's SubprocessRunner (every component, slower); 'auto': kfp where installed")
    parser.set_defaults(handler=run_migrate)

    report = sub.add_parser(
        "report",
        help="re-render the migration report from migration-report.json",
        description="Print the migration summary and re-render the HTML report from a migration-report.json, without analysing anything.",
        epilog="exit codes: as `migrate` for the models recorded (0 all migrated, or written by a --no-prove run; 1 blocked, failed or "
        "emitted because its proof failed; 2 unreadable), 2 for a file that is not a migration report. A report written by an older "
        "nbrefactor (schema nbrefactor-migration/1) is read as version 2 records it: a --no-prove package is emitted, not migrated.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument("report", type=Path, metavar="MIGRATION_REPORT_JSON", help="the file `migrate` wrote (DIR/migration-report.json), or its folder")
    report.add_argument("--html", type=Path, metavar="DIR", help="where the HTML goes (default: report/ beside the JSON)")
    report.add_argument("--no-html", action="store_true", help="print the summary only")
    report.add_argument("--force", action="store_true", help="replace an HTML folder nbrefactor did not write")
    report.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="terminal colours")
    report.set_defaults(handler=run_report)


def _models(values: list[str]) -> dict[str, list[str]]:
    models: dict[str, list[str]] = {}
    for value in values:
        name, sep, members = value.partition("=")
        if not sep or not name.strip() or not members.strip():
            raise SystemExit(f"nbrefactor: --model takes NAME=NB1,NB2, not {value!r}")
        models[name.strip()] = [m.strip() for m in members.split(",") if m.strip()]
    return models


def _color(args: argparse.Namespace, stream: TextIO) -> Optional[bool]:
    choice = {"always": True, "never": False}.get(args.color)
    return choice if choice is not None else (True if stream.isatty() else False)


class Display:
    """Progress: a rich bar naming the notebook in hand on a terminal, else one plain line per
    finished model. Per-model result lines go to standard output either way."""

    def __init__(self, bar: bool, color: Optional[bool], dry_run: bool) -> None:
        self.bar = bar
        self.dry_run = dry_run
        self.color = color
        self.count = 0
        self.models = 0
        self.inflight: dict[str, tuple[str, ...]] = {}
        self.progress: Any = None
        self.task: Any = None

    # Events
    def total(self, models: int, notebooks: int) -> None:
        self.models = models
        if self.bar and models:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
            from rich.table import Column

            console = Console(file=sys.stdout, force_terminal=True, no_color=self.color is False, highlight=False)
            # Count, elapsed time and the estimate never wrap or shrink; the bar is short and the
            # notebook name takes what is left (cut with …), so at 80 columns the line still reads
            # "migrating ━━━━ 3/40 0:00:12 eta 0:02:31 churn.ipynb".
            fixed = dict(table_column=Column(no_wrap=True))
            self.progress = Progress(
                SpinnerColumn(), TextColumn("[bold]migrating[/]", **fixed), BarColumn(bar_width=12), MofNCompleteColumn(**fixed),
                TimeElapsedColumn(**fixed), TextColumn("eta", **fixed), TimeRemainingColumn(**fixed),
                TextColumn("{task.description}", table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis", min_width=0)),
                console=console, transient=True, expand=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("", total=models)

    def started(self, job: Any) -> None:
        self.inflight[job.model] = job.notebooks
        self._describe()

    def finished(self, done: Any) -> None:
        from rich.markup import escape

        self.inflight.pop(done.model, None)
        self.count += 1
        record = done.record
        status = done.run_status
        # Compiling a model writes its package; "migrated" is the proof ladder's word (rung 5),
        # which runs after the batch: this line must not claim it for a package still unproven.
        label = {"cached": "unchanged (cached)", "migrated": "emitted", "migrated-with-review": "emitted-with-review"}.get(status, status)
        if self.dry_run:
            label = "would be " + record["status"]
        where = f" → {done.out_dir}" if done.out_dir and record["status"] in ("migrated", "migrated-with-review") else ""
        lines = []
        if done.plan_text:
            lines.append(done.plan_text)
        prefix = "" if self.bar else f"[{self.count}/{self.models}] "
        lines.append(f"{prefix}{label:<21} {record['name']} ({', '.join(record['notebooks'])}){where}")
        lines.extend(f"    {p}" for p in record["problems"])
        from nbrefactor.report.text import printable

        lines = [printable(line) if not (done.plan_text and line == done.plan_text) else "\n".join(printable(l) for l in line.split("\n")) for line in lines]
        if self.progress is not None:
            for line in lines:
                self.progress.console.print(escape(line), soft_wrap=True)
            self.progress.update(self.task, advance=1)
            self._describe()
        else:
            for line in lines:
                print(line, flush=True)

    def _describe(self) -> None:
        if self.progress is None:
            return
        names = [nb for notebooks in self.inflight.values() for nb in notebooks]
        text = names[-1] if names else ""
        if len(names) > 1:
            text += f" (+{len(names) - 1} more)"
        from rich.markup import escape

        self.progress.update(self.task, description=escape(text))

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def run_migrate(args: argparse.Namespace) -> int:
    from nbrefactor.migrate.batch import BatchOptions, run_batch
    from nbrefactor.cli.common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, settings_for
    from nbrefactor.fileio import WriteRefused
    from nbrefactor.migrate.one_model import MigrateOptions
    from nbrefactor.report.migration import REPORT_DIR, REPORT_FILE, build_document, print_summary

    settings = settings_for(args)
    options = MigrateOptions(out=args.out, dry_run=args.dry_run, force=args.force, allow_hidden_state=args.allow_hidden_state, models=_models(args.model))
    bar = args.progress == "bar" or (args.progress == "auto" and sys.stdout.isatty())
    display = Display(bar, _color(args, sys.stdout), args.dry_run)
    try:
        outcome = run_batch(args.paths, settings, options, BatchOptions(jobs=args.jobs, timeout=args.timeout, use_cache=not args.no_cache), display)
    finally:
        display.stop()
    from nbrefactor.report.text import printable

    for error in outcome.missing:
        print(f"error: {printable(str(error))}", file=sys.stderr)
    for line in outcome.unwritten:
        print(f"error: {printable(line)}", file=sys.stderr)
    if outcome.interrupted:
        print(
            f"nbrefactor: interrupted after {len(outcome.done)} of {outcome.models} models; the output folder holds only "
            "complete packages, and a re-run continues from the cache",
            file=sys.stderr,
        )
        return 130
    records = outcome.records
    extra = []
    if not args.dry_run:
        records = _prove(records, args, extra, outcome.files)
    document = build_document(records, outcome.missing)
    where = None
    unwritten: list[str] = []
    if not args.dry_run:
        if outcome.reused or outcome.rebuilt:
            extra.append(f"cache: {len(outcome.reused)} model{'s' if len(outcome.reused) != 1 else ''} unchanged and reused, {len(outcome.rebuilt)} analysed")
        try:
            write_report(document, args.out, force=args.force)
            where = str(args.out / REPORT_DIR / "index.html")
            extra.append(f"data: {args.out / REPORT_FILE}")
        except (WriteRefused, OSError, ValueError) as exc:
            # Said in one line; the summary below still prints (it is the only report left).
            reason = (exc.strerror if isinstance(exc, OSError) and exc.strerror else " ".join(str(exc).split())[:300])
            unwritten.append(f"the report was not written ({reason}); the summary below is all there is")
    else:
        extra.append("dry run: nothing was written (no packages, no report, no cache)")
    for line in unwritten:
        print(f"error: {line}", file=sys.stderr)
    print_summary(document, sys.stdout, color=_color(args, sys.stdout), where=where, extra=extra, dry_run=args.dry_run)
    code = _exit_code(document, EXIT_OK, EXIT_FINDINGS, EXIT_ERROR)
    return EXIT_ERROR if unwritten or outcome.unwritten else code


def _exit_code(document: dict[str, Any], ok: int, findings: int, error: int) -> int:
    status = document["summary"]["status"]
    if document["errors"] or status.get("unreadable"):
        return error
    # A package "emitted" because its proof failed fails the run; one "emitted" because the proof
    # was not run (--no-prove) does not: that run asked whether the batch compiles, and it did.
    proof_failed = any(m["status"] == "emitted" and not (m.get("proof") or {}).get("skipped") for m in document["models"])
    return findings if status.get("blocked") or status.get("failed") or proof_failed else ok


def _prove(records: list[dict[str, Any]], args: argparse.Namespace, extra: list[str], files: dict[str, Sequence[str]]) -> list[dict[str, Any]]:
    """The proof ladder over the written packages (migrate/prove.py); one line per model."""
    import os
    import threading
    import time

    from nbrefactor.migrate.batch import default_jobs
    from nbrefactor.migrate.prove import ENV_MODE_VARIABLE, PROVE_VARIABLE, RUNGS, ProveOptions, prove_records, skip_records

    if args.no_prove or os.environ.get(PROVE_VARIABLE) == "0":
        extra.append("proof ladder not run (--no-prove): the packages were emitted, not proven to install, import, pass their tests or run")
        return skip_records(records)
    mode = args.prove_env or os.environ.get(ENV_MODE_VARIABLE) or "clean"
    if mode not in ("clean", "current"):
        raise SystemExit(f"nbrefactor: {ENV_MODE_VARIABLE} must be clean or current, not {mode!r}")
    options = ProveOptions(env_mode=mode, timeout=max(args.timeout, 60.0) if args.timeout else 600.0, verify=not args.no_verify_rung, pipeline_runner=args.pipeline_runner, use_cache=not args.no_cache)
    # The notebooks as files (what rung 6 runs), not the records' display paths: those are
    # relative to the folder holding the batch's notebooks, not to the working directory.
    notebooks = {r["name"]: [Path(n) for n in files.get(r["name"], r["notebooks"])] for r in records}
    lock = threading.Lock()

    def on_proof(record: dict[str, Any], proof: Any) -> None:
        times = ", ".join(f"{RUNGS[r.rung - 1]} {r.seconds:.1f} s" for r in proof.rungs if r.status != "not run" and r.rung > 1)
        with lock:
            how = "cached: unchanged package, notebooks and environment; --no-cache proves again" if getattr(proof, "cached", False) else times
            print(f"proof  {record['name']}: {proof.label()}" + (f" ({how})" if how else ""), flush=True)

    started = time.monotonic()
    jobs = args.jobs if args.jobs > 0 else default_jobs()
    proved, _ = prove_records(records, args.out, notebooks, options, jobs=jobs, on_proof=on_proof)
    extra.append(f"proof ladder ({mode} environments): {time.monotonic() - started:.1f} s")
    return proved


def write_report(document: dict[str, Any], out: Path, force: bool = False, html_dir: Optional[Path] = None) -> None:
    """migration-report.json (only rewritten when its bytes change) and the HTML folder."""
    from nbrefactor.fileio import write_if_changed as _write_if_changed
    from nbrefactor.report.html import write_html
    from nbrefactor.report.migration import REPORT_DIR, REPORT_FILE, render_json

    import hashlib
    import json

    from nbrefactor.fileio import MANIFEST

    out.mkdir(parents=True, exist_ok=True)
    data = render_json(document).encode("utf-8")
    _write_if_changed(out / REPORT_FILE, data)
    # OUT itself is marked as written by nbrefactor (the marker packages carry), so a later batch
    # whose notebooks sit above OUT never takes the report for the notebooks' data.
    marker = {"generator": "nbrefactor", "files": {REPORT_FILE: hashlib.sha256(data).hexdigest()}}
    _write_if_changed(out / MANIFEST, (json.dumps(marker, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    write_html(document, html_dir or out / REPORT_DIR, force=force, out=out)


def run_report(args: argparse.Namespace) -> int:
    from nbrefactor.cli.common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
    from nbrefactor.fileio import WriteRefused
    from nbrefactor.report.html import write_html
    from nbrefactor.report.migration import REPORT_DIR, REPORT_FILE, ReportError, load_document, model_line, print_summary

    path: Path = args.report
    if path.is_dir():
        path = path / REPORT_FILE
    try:
        document = load_document(path)
    except ReportError as exc:
        print(f"nbrefactor: {exc}", file=sys.stderr)
        return EXIT_ERROR
    for record in document["models"]:
        print(model_line(record))
        for problem in record["problems"]:
            print(f"    {problem}")
    where = None
    if not args.no_html:
        folder = args.html or path.parent / REPORT_DIR
        try:
            write_html(document, folder, force=args.force, out=path.parent)
        except (WriteRefused, OSError) as exc:
            print(f"error: the report was not written: {exc}", file=sys.stderr)
            return EXIT_ERROR
        where = str(folder / "index.html")
    print_summary(document, sys.stdout, color=_color(args, sys.stdout), where=where)
    return _exit_code(document, EXIT_OK, EXIT_FINDINGS, EXIT_ERROR)
