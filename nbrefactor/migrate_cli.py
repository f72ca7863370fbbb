"""`nbrefactor migrate`: the command line of the compiler."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EPILOG = """\
examples:
  nbrefactor migrate notebooks/ --out build/packages
  nbrefactor migrate prep.ipynb train.ipynb --model churn=prep.ipynb,train.ipynb --out build
  nbrefactor migrate notebooks/ --out build --dry-run      # print the plan, write nothing

Each model becomes DIR/<package>/: a src-layout package with a config that replaces hardcoded
paths, steps whose parameters and returns come from data-flow analysis, pytest tests, pinned
requirements.txt and environment.yml, README.md and MIGRATION.md. A notebook that cannot run top
to bottom (a name used before it is defined) is not compiled unless --allow-hidden-state.

exit codes: 0 every model migrated, 1 a model was blocked or could not be written,
2 usage error or an unreadable notebook (the rest of the batch is still migrated).
"""


def register_commands(sub: argparse._SubParsersAction) -> None:
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
    parser.set_defaults(handler=run_migrate)


def _models(values: list[str]) -> dict[str, list[str]]:
    models: dict[str, list[str]] = {}
    for value in values:
        name, sep, members = value.partition("=")
        if not sep or not name.strip() or not members.strip():
            raise SystemExit(f"nbrefactor: --model takes NAME=NB1,NB2, not {value!r}")
        models[name.strip()] = [m.strip() for m in members.split(",") if m.strip()]
    return models


def run_migrate(args: argparse.Namespace) -> int:
    from .cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, settings_for
    from .migrate import MigrateOptions, describe_plan, migrate_paths

    settings = settings_for(args)
    options = MigrateOptions(out=args.out, dry_run=args.dry_run, force=args.force, allow_hidden_state=args.allow_hidden_state, models=_models(args.model))

    def show(result) -> None:  # noqa: ANN001
        if args.dry_run and result.plan is not None and result.status != "blocked":
            print(describe_plan(result.plan))
        where = f" → {result.out_dir}" if result.out_dir and result.ok else ""
        print(f"{('would be ' if args.dry_run else '') + result.status:<21} {result.model} ({', '.join(result.notebooks)}){where}")
        for problem in result.problems:
            print(f"    {problem}")

    results, missing = migrate_paths(args.paths, settings, options, on_result=show)
    for error in missing:
        print(f"error: {error}", file=sys.stderr)
    failed = [r for r in results if not r.ok]
    print(f"{len(results)} model{'s' if len(results) != 1 else ''}: {len(results) - len(failed)} migrated, {len(failed)} blocked or failed")
    if missing or any(r.status == "unreadable" for r in results):
        return EXIT_ERROR
    return EXIT_FINDINGS if failed else EXIT_OK
