"""Diagnose: run the selected rules over a notebook's facts, then locate, suppress, redact and
fingerprint their hits. `audit_notebook` is pure; `audit_paths` is the edge that finds and reads
files, and the one place a per-notebook failure becomes a result instead of a crash.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from nbrefactor.audit.analysis import NotebookFacts, analyse_notebook
from nbrefactor.audit.catalog import Catalog, load_catalog
from nbrefactor.config import Settings, rule_enabled
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.types import AuditResult, Diagnostic, LoadError, Location, Notebook, NotebookResult
from nbrefactor.audit.project import ProjectContext, discover_project
from nbrefactor.audit.rules import Hit, Rule, RuleContext, all_rules, is_suppressed
from nbrefactor.audit.secrets import notebook_secrets, redact



@dataclass(frozen=True)
class Analysis:
    """Everything known about one notebook after diagnosis; later stages (plan, emit) start here."""

    facts: NotebookFacts
    result: NotebookResult


def audit_notebook(
    notebook: Notebook,
    settings: Settings,
    project: ProjectContext,
    catalog: Catalog,
    rules: Optional[Sequence[type[Rule]]] = None,
) -> Analysis:
    facts = analyse_notebook(notebook)
    ctx = RuleContext(facts, catalog, project)
    chosen = [
        r for r in (rules if rules is not None else all_rules())
        if rule_enabled(settings, r.code, r.name, r.family.value, notebook.path)
    ]
    if not notebook.is_python:
        # Another language's cells would be a wall of syntax errors: only structure rules speak.
        chosen = [r for r in chosen if getattr(r, "applies_to_any_language", False)]
    diagnostics: list[Diagnostic] = []
    suppressed = 0
    # Secret values found anywhere in the notebook's code are masked in every finding, even where
    # they reappear on a line no pattern would recognise (`print(user, "hunter2!")`).
    known = notebook_secrets((c.source for c in notebook.code_cells), catalog)
    for rule_cls in chosen:
        rule = rule_cls()
        for hit in rule.check(ctx):
            if _is_suppressed(hit, rule_cls.code):
                suppressed += 1
                continue
            diagnostics.append(_diagnostic(rule_cls, hit, notebook, catalog, known))
    diagnostics.sort(key=Diagnostic.sort_key)
    fingerprinted = _fingerprint(diagnostics)
    return Analysis(facts, NotebookResult(notebook.path, tuple(fingerprinted), None, suppressed))


def _is_suppressed(hit: Hit, code: str) -> bool:
    return is_suppressed(hit.cell, hit.line, hit.end_line, code)


def _diagnostic(rule: type[Rule], hit: Hit, notebook: Notebook, catalog: Catalog, known: frozenset[str] = frozenset()) -> Diagnostic:
    cell = hit.cell
    snippet = hit.snippet
    if snippet is None and cell is not None and hit.line:
        lines = cell.source.split("\n")
        snippet = lines[hit.line - 1] if 0 < hit.line <= len(lines) else ""
    location = Location(
        path=hit.path or notebook.path,
        cell=cell.index if cell is not None else None,
        line=hit.line,
        column=hit.column,
        end_line=hit.end_line,
        end_column=hit.end_column,
        cell_id=cell.cell_id if cell is not None else None,
        execution_count=cell.execution_count if cell is not None else None,
    )
    return Diagnostic(
        code=rule.code,
        name=rule.name,
        family=rule.family,
        severity=rule.severity,
        message=redact(hit.message, catalog, known),
        location=location,
        snippet=redact(snippet or "", catalog, known),
        fix=redact(hit.fix, catalog, known),  # a fix may quote the offending text too
        fingerprint=hit.key,
        related=tuple(
            Location(
                path=notebook.path, cell=c.index, line=line, column=column,
                cell_id=c.cell_id, execution_count=c.execution_count,
            )
            for c, line, column in hit.related
        ),
    )


def _fingerprint(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Stable identity: code, file, the rule's key (or the offending line's text) and the
    occurrence number among equals. Cell index and execution count are left out on purpose, so a
    finding keeps its fingerprint when cells are added above it, moved or re-executed."""
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for d in diagnostics:
        basis = d.fingerprint or " ".join(d.snippet.split()) or d.message
        key = (d.code, d.location.path, basis)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        digest = hashlib.sha256("\x1f".join([*key, str(occurrence)]).encode("utf-8")).hexdigest()[:20]
        out.append(Diagnostic(**{**d.__dict__, "fingerprint": digest}))
    return out


# --- the edge: files in, results out ---------------------------------------------------------


def collect_notebooks(paths: Sequence[str], settings: Settings) -> tuple[list[tuple[Path, str]], list[LoadError]]:
    """Files named explicitly are always taken; folders are searched recursively for `*.ipynb`,
    skipping checkpoints and the configured excludes. Sorted, so output order never depends on
    the file system."""
    found: dict[str, Path] = {}
    errors: list[LoadError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for file in path.rglob("*.ipynb"):
                relative = file.relative_to(path).as_posix()
                if settings.is_excluded(relative):
                    continue
                found[_display(file)] = file
        elif path.exists() or path.is_symlink():
            found[_display(path)] = path
        else:
            errors.append(LoadError(Path(raw).as_posix(), "no such file or directory"))
    return sorted(((p, d) for d, p in found.items()), key=lambda pd: pd[1]), errors


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def audit_file(file: Path, display: str, settings: Settings, catalog: Catalog) -> NotebookResult:
    loaded = read_notebook(file, display)
    if isinstance(loaded, LoadError):
        return NotebookResult(display, (), loaded)
    try:
        project = discover_project(file)
        return audit_notebook(loaded, settings, project, catalog).result
    except Exception as exc:  # noqa: BLE001 - one notebook never stops the batch
        where = traceback.extract_tb(exc.__traceback__)[-1]
        detail = " ".join(str(exc).split())[:300]  # one line, whatever the exception's text holds
        problem = f"internal error while auditing ({type(exc).__name__}: {detail} at {Path(where.filename).name}:{where.lineno}); please report it"
        return NotebookResult(display, (), LoadError(display, problem))


def audit_paths(
    paths: Sequence[str],
    settings: Settings,
    on_result: Optional[Callable[[NotebookResult], None]] = None,
    jobs: Optional[int] = 1,
) -> AuditResult:
    """Audit every notebook under `paths`. `jobs` > 1 spreads the notebooks over a process pool
    (`None` or 0: one process per core); results are sorted by path, so the output is the same
    whatever the number of jobs."""
    files, missing = collect_notebooks(paths, settings)
    results = [NotebookResult(e.path, (), e) for e in missing]
    workers = default_jobs() if not jobs or jobs < 1 else jobs
    workers = min(workers, len(files))
    if workers > 1:
        audited = _audit_in_pool(files, settings, workers, on_result)
    else:
        catalog = load_catalog(settings.rules_dirs)
        audited = []
        for file, display in files:
            result = audit_file(file, display, settings, catalog)
            audited.append(result)
            if on_result is not None:
                on_result(result)
    results.extend(audited)
    results.sort(key=lambda r: r.path)
    return AuditResult(tuple(results))


def _audit_job(job: tuple[str, str, Settings]) -> NotebookResult:
    """One notebook in a worker process. The catalogue is cached per process (lru_cache)."""
    file, display, settings = job
    return audit_file(Path(file), display, settings, load_catalog(settings.rules_dirs))


def _audit_in_pool(
    files: Sequence[tuple[Path, str]],
    settings: Settings,
    workers: int,
    on_result: Optional[Callable[[NotebookResult], None]],
) -> list[NotebookResult]:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    jobs = [(str(file), display, settings) for file, display in files]
    # Big chunks keep the inter-process traffic low; four per worker keep the load balanced.
    chunksize = max(1, len(jobs) // (workers * 4))
    done: list[NotebookResult] = []
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(_audit_job, jobs, chunksize=chunksize):
                done.append(result)
                if on_result is not None:
                    on_result(result)
    except (BrokenProcessPool, OSError):
        # A worker killed (out of memory, signal) or no way to start processes: finish in this
        # process, so one bad notebook or a locked-down machine still gets a complete report.
        catalog = load_catalog(settings.rules_dirs)
        for file, display in files[len(done):]:
            result = audit_file(file, display, settings, catalog)
            done.append(result)
            if on_result is not None:
                on_result(result)
    return done


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
