"""What every command shares: exit codes, list and count arguments, settings from arguments."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Optional, Sequence

from nbrefactor.audit.catalog import check_catalogue_folders
from nbrefactor.audit.types import AuditResult
from nbrefactor.config import ConfigError, Settings, check_selectors, find_pyproject, load_settings, with_overrides

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def codes_list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def job_count(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of processes, got {value!r}") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError("must be 0 (one per core) or more")
    return jobs


def seconds_limit(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {value!r}") from None
    if not seconds >= 0 or seconds == float("inf"):  # NaN compares false
        raise argparse.ArgumentTypeError("must be 0 (no limit) or a finite number of seconds")
    return seconds


def settings_for(args: argparse.Namespace) -> Settings:
    config_path = getattr(args, "config", None)
    if config_path is not None and not config_path.is_file():
        raise ConfigError(f"{config_path}: no such configuration file")
    start = Path(args.paths[0]) if getattr(args, "paths", None) else Path.cwd()
    pyproject = config_path or find_pyproject(start if start.exists() else Path.cwd())
    settings = load_settings(pyproject)
    settings = with_overrides(settings, select=getattr(args, "select", None), ignore=getattr(args, "ignore", None), fail_on=getattr(args, "fail_on", None))
    # Before any notebook is read: a missing catalogue is one line and exit 2, not an audit that
    # silently finds less (or the same error once per notebook in the workers).
    check_catalogue_folders(settings.rules_dirs)
    selectors = [*settings.select, *settings.extend_select, *settings.ignore, *(s for _, group in settings.per_file_ignores for s in group)]
    if any(s.strip() and s.strip().upper() != "ALL" for s in selectors):
        # Only then (ALL and blanks are always valid): the rules import libcst, which a run
        # answered from the cache never needs.
        from nbrefactor.audit.rules import all_rules

        check_selectors(settings, ((r.code, r.name, r.family.value) for r in all_rules()))
    return settings


def exit_code(result: AuditResult, settings: Settings, new_findings: Optional[Sequence] = None) -> int:
    if result.errors:
        return EXIT_ERROR
    threshold = settings.fail_threshold()
    if threshold is None:
        return EXIT_OK
    findings = result.diagnostics if new_findings is None else new_findings
    return EXIT_FINDINGS if any(d.severity.rank >= threshold.rank for d in findings) else EXIT_OK


