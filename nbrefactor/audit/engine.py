"""Diagnose: run the selected rules over a notebook's facts, then locate, suppress, redact and
fingerprint their hits. `audit_notebook` is pure; `audit_paths` is the edge that finds and reads
files, and the one place a per-notebook failure becomes a result instead of a crash.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
import re
import stat
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional, Sequence

from nbrefactor.audit.catalog import Catalog, load_catalog
from nbrefactor.audit.guards import DEFAULT_TIMEOUT, TimeLimit, deep_recursion, die_with_parent, seconds_text, time_limit
from nbrefactor.config import Settings, rule_enabled
from nbrefactor.audit.loader import code_cell_sources, lean_bytes, notebook_json, parse_notebook, read_notebook
from nbrefactor.audit.types import AuditResult, Diagnostic, LoadError, Location, NotAnalysed, Notebook, NotebookResult
from nbrefactor.audit.project import (
    ProjectContext, discover_project, resolved_path, with_downloads_present, with_image_packages,
    scoped_to_workspace, with_installed_requirements, with_kernel_environment, with_seed_helpers, with_star_packages, with_working_folders,
)

if TYPE_CHECKING:  # imported where used: a run answered from the cache never loads libcst
    from nbrefactor.audit.analysis import NotebookFacts
    from nbrefactor.audit.cache import ResultCache
    from nbrefactor.audit.rules import Hit, Rule


@dataclass(frozen=True)
class Analysis:
    """Everything known about one notebook after diagnosis; later stages (plan, emit) start here."""

    facts: NotebookFacts
    result: NotebookResult
    # Findings a rule folded into another rule's finding for the report (`Hit.folded_into`): in no
    # report, count or baseline, but the compiler still fixes them (`plan_model(folded=…)`).
    folded: tuple[Diagnostic, ...] = ()


def audit_notebook(
    notebook: Notebook,
    settings: Settings,
    project: ProjectContext,
    catalog: Catalog,
    rules: Optional[Sequence[type[Rule]]] = None,
) -> Analysis:
    with deep_recursion():  # a 150-deep list or a 500-term sum is valid Python, analysed as such
        return _audit_notebook(notebook, settings, project, catalog, rules)


def _audit_notebook(
    notebook: Notebook,
    settings: Settings,
    project: ProjectContext,
    catalog: Catalog,
    rules: Optional[Sequence[type[Rule]]],
) -> Analysis:
    from nbrefactor.audit.analysis import analyse_notebook
    from nbrefactor.audit.rules import RuleContext, all_rules
    from nbrefactor.audit.rules.structure import plain_python_under_superset, reference_sheet
    from nbrefactor.audit.screens import may_report
    from nbrefactor.audit.secrets import notebook_secrets

    facts = analyse_notebook(notebook)
    if not notebook.is_python and plain_python_under_superset(facts):
        # A Coconut kernelspec on cells that are all plain Python: analysed as the Python it is.
        notebook = dataclasses.replace(notebook, plain_python_cells=True)
        facts = dataclasses.replace(facts, notebook=notebook)
    # A Dockerfile elsewhere in the repository that builds the environment the kernelspec names is the notebook's.
    project = with_kernel_environment(project, notebook.kernel_name, notebook.kernel_display_name)
    # A Dockerfile's docker-stacks base image declares the packages the catalogue lists for it.
    project = with_image_packages(project, catalog.table("distributions", "docker_stacks", {}) or {},
                                  (catalog.table("distributions", "docker_release_tags", {}) or {}).get("images", ()))
    # A uv workspace's lock is the environment of the notebooks that import the workspace's packages.
    project = scoped_to_workspace(project, (imp.module for _, imp in facts.imports))
    ctx = RuleContext(facts, catalog, project, settings)
    chosen = [
        r for r in (rules if rules is not None else all_rules())
        if rule_enabled(settings, r.code, r.name, r.family.value, notebook.path)
    ]
    if not notebook.is_python:
        # Another language's cells would be a wall of syntax errors: only structure rules speak.
        chosen = [r for r in chosen if getattr(r, "applies_to_any_language", False)]
    elif any(r.quiet_in_reference_sheets for r in chosen) and reference_sheet(facts):
        # A never-run cheat sheet: its paths, downloads and installs are the lesson, not steps to fix.
        chosen = [r for r in chosen if not r.quiet_in_reference_sheets]
    # A rule that provably reports nothing on this notebook is not run (audit/screens.py: HID001
    # built its order analysis for every notebook, and 132 of PythonDataScienceHandbook's 136 have
    # counts that never go down, on which it can report nothing).
    chosen = [r for r in chosen if may_report(r.code, notebook)]
    diagnostics: list[Diagnostic] = []
    folded: list[Diagnostic] = []
    suppressed = 0
    # Secret values found anywhere in the notebook's code are masked in every finding, even where
    # they reappear on a line no pattern would recognise (`print(user, "hunter2!")`).
    known = notebook_secrets((c.source for c in notebook.code_cells), catalog)
    crashed: list[str] = []
    notice: Optional[NotAnalysed] = None
    for rule_cls in chosen:
        rule = rule_cls()
        found: list[Diagnostic] = []
        found_folded: list[Diagnostic] = []
        try:
            for hit in rule.check(ctx):
                if _is_suppressed(hit, rule_cls.code):
                    suppressed += 1
                    continue
                if rule_cls.notice:  # "not analysed": a notice of the run, not a finding
                    notice = NotAnalysed(notebook.path, notebook.kernel_name, notebook.kernel_language, hit.message, rule_cls.code)
                    continue
                (found_folded if hit.folded_into else found).append(_diagnostic(rule_cls, hit, notebook, catalog, known))
        except Exception as exc:  # noqa: BLE001 - one rule's bug never hides the other rules' findings
            crashed.append(internal_error(f"running {rule_cls.code} ({rule_cls.name})", exc))
            continue  # none of its findings: a rule stopped half way may have reported half a root cause
        diagnostics.extend(found)
        folded.extend(found_folded)
    diagnostics.sort(key=Diagnostic.sort_key)
    folded.sort(key=Diagnostic.sort_key)
    fingerprinted = _fingerprint(diagnostics)
    # The notebook's other findings are kept; the crash is its error line (an internal error: the
    # exit code says so, the cache never stores the result and a baseline never absorbs it).
    error = LoadError(notebook.path, "; ".join(crashed)) if crashed else None
    return Analysis(facts, NotebookResult(notebook.path, tuple(fingerprinted), error, suppressed, notice), tuple(folded))


def _is_suppressed(hit: Hit, code: str) -> bool:
    from nbrefactor.audit.rules import is_suppressed

    return is_suppressed(hit.cell, hit.line, hit.end_line, code)


def _diagnostic(rule: type[Rule], hit: Hit, notebook: Notebook, catalog: Catalog, known: frozenset[str] = frozenset()) -> Diagnostic:
    from nbrefactor.audit.secrets import redact  # (here: a run answered from the cache never loads it)

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
        severity=hit.severity or rule.severity,
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
        ) + tuple(Location(path=path, line=line) for path, line in hit.related_files),
        # A folded finding (in no report) says which rule's finding stands for it: MIGRATION.md,
        # which lists its literal as lifted into the config, names that finding, not this code.
        data=hit.data + ((("folded_into", hit.folded_into),) if hit.folded_into else ()),
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
    the file system. A folder that cannot be listed (permission denied) is named once, as a
    `LoadError`; its siblings are collected as usual."""
    found: dict[str, Path] = {}
    errors: list[LoadError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            folders: dict[str, str] = {}
            for file in _notebooks_under(path, errors):
                relative = file.relative_to(path).as_posix()
                if settings.is_excluded(relative):
                    continue
                found[_display(file, _listed_real_path(file, folders))] = file
        elif path.exists() or path.is_symlink():
            found[_display(path)] = path
        else:
            errors.append(LoadError(printable_path(Path(raw).as_posix()), "no such file or directory"))
    return sorted(((p, d) for d, p in found.items()), key=lambda pd: pd[1]), errors


def _notebooks_under(folder: Path, errors: list[LoadError]) -> Iterator[Path]:
    """`folder.rglob("*.ipynb")` (symlinked folders not followed), except that a folder which
    cannot be listed is reported instead of silently skipped or raised from a sibling."""

    def unlistable(exc: OSError) -> None:
        where = _display(Path(exc.filename)) if exc.filename else _display(folder)
        reason = "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or type(exc).__name__)
        errors.append(LoadError(where, f"cannot list the folder ({reason}); the notebooks in it were not read"))

    for top, dirs, files in os.walk(folder, onerror=unlistable):
        dirs.sort()
        for name in sorted(files + [d for d in dirs if d.endswith(".ipynb")]):
            if name.endswith(".ipynb"):
                yield Path(top) / name


def printable_path(text: str) -> str:
    """A path as it can be printed and written: bytes of a file name that are not UTF-8 (kept by
    Python as lone surrogates, which no UTF-8 writer accepts) shown as `\\xe9` escapes."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", errors="backslashreplace")


def _listed_real_path(file: Path, folders: dict[str, str]) -> Optional[str]:
    """`resolved_path(file)` for a file `os.walk` listed that is no symbolic link: its folder's
    real path (`os.path.realpath`, once per folder in `folders`) joined with its name, which is
    `os.path.realpath`'s own answer (it resolves the components one after the other, and a last
    component that is no link is joined as it is). `os.path.realpath` reads every component of
    every path with `lstat` (PDSH: 136 notebooks, ~6 system calls each through the replay's
    watch, in the pool's parent before the workers start); now one `lstat` and the `stat` that
    `resolved_path` makes. None (resolved in full, as before) for a link, a file gone, a symlink
    loop, or on a system whose separator is not `/` (`_display` resolves with pathlib there)."""
    if os.sep != "/":
        return None
    folder, name = os.path.split(os.fspath(file))
    real = folders.get(folder)
    if real is None:
        real = folders[folder] = os.path.realpath(folder)
    try:
        if stat.S_ISLNK(os.lstat(file).st_mode):
            return None
        joined = os.path.join(real, name)
        os.stat(joined)  # (`resolved_path`'s check for a symlink loop: gone or looping, resolved in full)
    except OSError:
        return None
    return joined


def _display(path: Path, real: Optional[str] = None) -> str:
    """How a notebook is shown: relative to the working directory when under it. `real`: the
    notebook's `resolved_path`, when the caller has it (`_listed_real_path`)."""
    try:
        if os.sep != "/":
            shown = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
        else:  # the same answer from strings (pathlib's parsing was most of a cached audit's path handling)
            real, cwd = resolved_path(path) if real is None else real, _resolved_cwd()
            if real == cwd:
                shown = "."
            elif real.startswith(cwd.rstrip("/") + "/"):
                shown = real[len(cwd.rstrip("/")) + 1:]
            else:
                raise ValueError(real)
    except (ValueError, OSError):
        shown = path.as_posix()
    return printable_path(shown)


_CWD: dict[str, str] = {}


def _resolved_cwd() -> str:
    here = os.getcwd()
    if here not in _CWD:
        _CWD.clear()
        _CWD[here] = resolved_path(here)
    return _CWD[here]


def audit_file(
    file: Path, display: str, settings: Settings, catalog: Catalog, timeout: float = 0, raw: Optional[bytes] = None,
) -> NotebookResult:
    """One notebook, read and audited under a time limit (`timeout` seconds, 0: none); any
    failure becomes this notebook's one-line `LoadError`, never the batch's. `raw`: the file's
    bytes when the caller has read them already (to key the cache: `_audit_and_store`), audited
    as `read_notebook` would have read them from a regular file."""
    try:
        with time_limit(timeout) as deadline:
            loaded = read_notebook(file, display) if raw is None else parse_notebook(display or file.as_posix(), raw)
            if isinstance(loaded, LoadError):
                return NotebookResult(display, (), loaded)
            project = with_working_folders(discover_project(file), file, (c.source for c in loaded.code_cells))
            project = with_installed_requirements(project, file, (c.source for c in loaded.code_cells))
            project = with_downloads_present(project, file, (c.source for c in loaded.code_cells))
            project = with_seed_helpers(project, file, (c.source for c in loaded.code_cells))
            project = with_star_packages(project, file, (c.source for c in loaded.code_cells))
            return audit_notebook(loaded, settings, project, catalog).result
    except TimeLimit:
        pass
    except Exception as exc:  # noqa: BLE001 - one notebook never stops the batch
        if not deadline.expired:  # (a library's `finally:` may turn the time limit into another error)
            return NotebookResult(display, (), LoadError(display, internal_error("auditing", exc)))
    problem = f"stopped: the audit took longer than the time limit of {seconds_text(timeout)} (--timeout)"
    return NotebookResult(display, (), LoadError(display, problem))


def internal_error(doing: str, exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    detail = " ".join(str(exc).split())[:300]  # one line, whatever the exception's text holds
    at = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
    return f"internal error while {doing} ({type(exc).__name__}: {detail}{at}); please report it"


def audit_paths(
    paths: Sequence[str],
    settings: Settings,
    on_result: Optional[Callable[[NotebookResult], None]] = None,
    jobs: Optional[int] = 1,
    timeout: float = DEFAULT_TIMEOUT,
    cache: Optional[ResultCache] = None,
    on_start: Optional[Callable[[int], None]] = None,
) -> AuditResult:
    """Audit every notebook under `paths`. `jobs` > 1 spreads the notebooks over a process pool
    (`None` or 0: one process per core; fewer when there is too little work to pay for a pool);
    results are sorted by path, so the output is the same whatever the number of jobs.
    `timeout`: seconds per notebook (0: no limit). With a `cache` (audit/cache.py), unchanged
    notebooks are answered from it and new results stored. `on_start(total)` is called once the
    notebooks are known, `on_result` after each one (progress display hooks; the engine itself
    prints nothing)."""
    files, missing = collect_notebooks(paths, settings)
    results = [NotebookResult(e.path, (), e) for e in missing]
    if on_start is not None:
        on_start(len(files))
    audited: list[NotebookResult] = []
    todo: list[tuple[Path, str, Optional[str]]] = [(file, display, None) for file, display in files]
    if cache is not None:
        if cache.holds_entries():
            audited, todo = _answer_from_cache(files, cache, on_result)
        else:
            # An empty cache (a first run, a CI job that keeps none) answers nothing: each
            # notebook's key is made where it is audited, before its audit (`_audit_and_store`),
            # in the pool's workers side by side instead of here one after the other before
            # the pool starts (PythonDataScienceHandbook: ~0.1 s of the parent's serial time).
            todo = [(file, display, KEY_WHERE_AUDITED) for file, display in files]
    if not jobs or jobs < 1:  # automatic: as many workers as the work keeps busy
        workers = min(default_jobs(), pool_size(len(todo)))
    else:  # asked for: honoured (a pool also isolates a notebook that crashes its process)
        workers = min(jobs, len(todo))
    restore = _keep_installed_distributions_in(cache) if cache is not None and todo else None
    try:
        if workers > 1:
            audited.extend(_audit_in_pool(todo, settings, workers, on_result, cache, timeout))
        elif todo:
            catalog = load_catalog(settings.rules_dirs)
            # As before forking a pool: the modules, the rules and the catalogue, loaded for the
            # whole run, are left out of the collections the audits' garbage starts (otherwise
            # the first collections walk what the imports left young, then the older ones walk it
            # again: PDSH -j 1 --no-cache, the collector 206.6 -> 175.8 M; peak RSS as before).
            from nbrefactor.audit.rules import all_rules

            all_rules()
            gc.freeze()
            try:
                for file, display, key in todo:
                    result = _audit_and_store(file, display, settings, catalog, cache, key, timeout)
                    audited.append(result)
                    if on_result is not None:
                        on_result(result)
            finally:
                gc.unfreeze()  # (a library caller's later garbage is collected as usual)
    finally:
        if restore is not None:
            restore()
    if cache is not None and todo:  # this run wrote entries: the cache grows, so it is pruned (once a day)
        cache.maybe_prune()
    results.extend(audited)
    results.sort(key=lambda r: r.path)
    return AuditResult(tuple(results))


def _audit_job(job: tuple[str, str, Settings, Optional[ResultCache], Optional[str], float]) -> NotebookResult:
    """One notebook in a worker process. The catalogue is cached per process (lru_cache)."""
    file, display, settings, cache, key, timeout = job
    return _audit_and_store(Path(file), display, settings, load_catalog(settings.rules_dirs), cache, key, timeout)


# --- cache and pool sizing (audit/cache.py holds the cache itself) ---------------------------------

# Below this many notebooks per worker a process pool costs more than it saves: forking, and
# each worker's first notebook, take longer than auditing a handful of notebooks in this process.
MIN_NOTEBOOKS_PER_WORKER = 8


def pool_size(notebooks: int) -> int:
    """How many workers `notebooks` notebooks can keep busy."""
    return max(1, notebooks // MIN_NOTEBOOKS_PER_WORKER)


def _answer_from_cache(
    files: Sequence[tuple[Path, str]],
    cache: ResultCache,
    on_result: Optional[Callable[[NotebookResult], None]],
) -> tuple[list[NotebookResult], list[tuple[Path, str, Optional[str]]]]:
    """The cached results, and the notebooks still to audit with their cache keys."""
    answered: list[NotebookResult] = []
    todo: list[tuple[Path, str, Optional[str]]] = []
    for file, display in files:
        key = _cache_key(file, display, cache)
        cached = cache.get(key) if key is not None else None
        if cached is None:
            todo.append((file, display, key))
            continue
        answered.append(cached)
        if on_result is not None:
            on_result(cached)
    return answered, todo


def _keep_installed_distributions_in(cache: ResultCache) -> Callable[[], None]:
    """Listing the installed distributions costs ~0.1-0.4 s a run: with the cache on, keep the
    list in it (keyed by the environment's digest) for the length of this audit."""
    from nbrefactor.audit import distributions

    previous = distributions.INSTALLED_STORE
    distributions.INSTALLED_STORE = cache.installed_store()

    def restore() -> None:
        distributions.INSTALLED_STORE = previous

    return restore


def _cache_key(file: Path, display: str, cache: ResultCache) -> Optional[str]:
    keyed = _keyed_bytes(file)
    return None if keyed is None else _key_of(file, display, cache, *keyed)


def _keyed_bytes(file: Path) -> Optional[tuple[bytes, bytes]]:
    """The bytes of a notebook the cache may hold, and the SHA-256 of their lean bytes
    (`loader.lean_bytes`); None for a file it never
    holds (not a regular file, too large, unreadable: audited and reported the usual way)."""
    from nbrefactor.audit.cache import MAX_CACHED_BYTES

    try:
        status = file.stat()
        # Only regular files: reading a FIFO or a device to key it would wait forever (the
        # audit proper skips those with one line).
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_CACHED_BYTES:
            return None
        raw = file.read_bytes()
    except (OSError, ValueError):
        return None
    # The digest of the bytes the audit depends on: the image payloads the loader never reads left
    # out (`loader.lean_bytes`: two notebooks with the same lean bytes load as the same notebook).
    # Hashing the payloads was ~0.6 G instructions of each worker's ~7.3 G on PDSH under valgrind.
    return raw, hashlib.sha256(lean_bytes(raw)).digest()


def _key_of(file: Path, display: str, cache: ResultCache, raw: bytes, raw_digest: bytes) -> Optional[str]:
    """The cache key of the notebook `file` whose bytes are `raw`: its bytes, shown path and project."""
    try:
        project = _key_project(file, _key_sources(raw, raw_digest))
    except (OSError, ValueError, TypeError, RecursionError, MemoryError):
        # unreadable, a cell source that is not text (`[null, ...]`), or JSON nested deeper than
        # the parser's stack (test_fuzz: 5,000 `[`):
        # audited (and reported) the usual way, by the guarded loader, never cached
        return None
    return cache.key(raw, display, project, raw_digest=raw_digest)


def _key_project(file: Path, sources: Sequence[str]) -> ProjectContext:
    """The project as `audit_file` makes it from the code cells: the folders a cell moves into
    or puts on the import path (`with_working_folders`), the requirements files a cell installs
    and the notebook's own `<name>.txt` (`with_installed_requirements`), the downloads a guard
    skips because their file is beside the notebook (`with_downloads_present`), the seeding helpers
    of the project modules it imports (`with_seed_helpers`). Each returns the project unchanged for
    cells that do none of it, after a look at the cells' text."""
    project = with_working_folders(discover_project(file), file, sources)
    if _installs_requirements(sources) or file.with_suffix(".txt").is_file():
        project = with_installed_requirements(project, file, sources)
    return with_star_packages(with_seed_helpers(with_downloads_present(project, file, sources), file, sources), file, sources)


def _installs_requirements(sources: Sequence[str]) -> bool:
    """Whether `with_installed_requirements` can find a file in the cells: it reads only cells
    that name both pip and `install` (the notebook's own `<name>.txt` aside)."""
    return any("pip" in source and "install" in source for source in sources)


def _key_sources(raw: bytes, raw_digest: bytes) -> tuple[str, ...]:
    """`_code_sources(raw)`, remembered by the bytes' digest for the rest of the process: a cold
    audit keys each notebook twice (to look it up, and again after auditing it, to store the
    result only if its project is unchanged: since the nineteenth round from the same bytes,
    read once), and the pool's workers, forked after the lookup, inherit the parent's answers.
    Bounded by the characters of source it holds.

    Before the eighteenth round the key looked for `chdir`, `pip … install -r`, `exists(`, `-nc`
    and the like in the notebook's raw bytes (outputs and images included: ~12 scans of the
    whole file, then its JSON parsed again for half of PythonDataScienceHandbook's notebooks, whose
    images hold such bytes), twice per notebook; now one JSON parse per notebook and run, and
    the screens read the code cells only (what `audit_file` reads)."""
    global _key_sources_chars
    found = _KEY_SOURCES.get(raw_digest)
    if found is None:
        found = tuple(_code_sources(raw))
        size = sum(len(s) for s in found)
        if _key_sources_chars + size > _KEY_SOURCES_CHARS:
            _KEY_SOURCES.clear()
            _key_sources_chars = 0
        _KEY_SOURCES[raw_digest] = found
        _key_sources_chars += size
    return found


_KEY_SOURCES: dict[bytes, tuple[str, ...]] = {}
_key_sources_chars = 0
_KEY_SOURCES_CHARS = 8_000_000  # code cells' text: PythonDataScienceHandbook's 136 notebooks hold ~1.3 M


def _code_sources(raw: bytes) -> list[str]:
    """The code cells' sources of a notebook's bytes, for the cache key; [] when it is not one
    (the audit proper reports that). The JSON is read as the loader reads it (`notebook_json`),
    and that parse is the one `audit_file` then uses for the same bytes."""
    try:
        return code_cell_sources(notebook_json(raw))
    except ValueError:
        return []


# The key a notebook of `todo` carries when it is to be made where the notebook is audited.
KEY_WHERE_AUDITED = "later"  # (a string, so it survives pickling to a worker; never a digest)


def _audit_and_store(
    file: Path, display: str, settings: Settings, catalog: Catalog, cache: Optional[ResultCache], key: Optional[str],
    timeout: float = DEFAULT_TIMEOUT,
) -> NotebookResult:
    if cache is None or key is None:
        return audit_file(file, display, settings, catalog, timeout)
    # The notebook is read once: the bytes keyed are the bytes audited. (Before the nineteenth
    # round each notebook of a cold run with the cache on was read and hashed three times — to
    # key it, to audit it, and to key it again after the audit — and its JSON parsed twice.)
    keyed = _keyed_bytes(file)
    if keyed is None:  # not a file the cache holds (any more): audited the usual way, not stored
        return audit_file(file, display, settings, catalog, timeout)
    raw, raw_digest = keyed
    if key == KEY_WHERE_AUDITED:
        key = _key_of(file, display, cache, raw, raw_digest)
    result = audit_file(file, display, settings, catalog, timeout, raw=raw)
    # Stored only under the key of what was audited: these bytes (the parent's key, made before
    # the pool started, is of the bytes it read then: a file saved since is not stored), and the
    # project made again after the audit (a manifest or module beside the notebook may have
    # changed meanwhile), so an entry always describes the content it is keyed by.
    if key is not None and result.error is None and _key_of(file, display, cache, raw, raw_digest) == key:
        cache.put(key, result)
    return result


def _warm_up(settings: Settings) -> None:
    """Import the analysis and the rules, read the catalogue and list the installed distributions
    before forking: the workers inherit them instead of each paying for them again (listing the
    distributions alone takes ~0.4 s; most real notebooks import something only it resolves)."""
    from nbrefactor.audit.analysis import analyse_cell
    from nbrefactor.audit.distributions import installed_distributions, list_installed_aside, parse_install, pipreqs_mapping
    from nbrefactor.audit.types import Cell

    # The distributions' listing reads ~600 metadata files and needs none of what follows: begun
    # first, in a process of its own, on the core that would otherwise wait for the workers to
    # start, and taken last, it is done by the time the rules are imported and warmed up here.
    list_installed_aside()
    from nbrefactor.audit.rules import all_rules

    all_rules()
    load_catalog(settings.rules_dirs)
    # What the first notebook of each worker would otherwise load on its own: the analysis,
    # `packaging` (pins are validated with it) and pipreqs' mapping (~0.1 s a worker).
    analyse_cell(Cell(index=0, cell_type="code", source="x = 1"))
    # libcst (~0.2-0.4 s of CPU to import) is imported lazily, for the few cells `ast_facts` leaves
    # to it (`analysis.libcst_facts`), and not here: since non-ASCII cells are read from CPython's
    # tree (sixteenth round) those are non-ASCII names, f-strings in non-ASCII cells, `\r` line
    # breaks, `match` and a few literals it cannot place (PythonDataScienceHandbook: none of its
    # 1,505 distinct valid cells; huggingface/notebooks' examples and course: 10 of 2,009). Here
    # it was the largest part of the serial warm-up before the workers start; the worker that
    # meets such a cell imports it itself.
    parse_install("pip install warm-up==1.0")
    pipreqs_mapping()
    # Every rule once, on a small notebook: what rules build on their first use (indexes of the
    # catalogue, compiled patterns: ~30 ms) is then inherited instead of built again in each worker.
    import ctypes  # noqa: F401  (each worker's `die_with_parent` loads it otherwise)

    warm = Notebook("warm-up.ipynb", tuple(Cell(index=i, cell_type="code", source=s) for i, s in enumerate(_WARM_UP_CELLS)))
    try:
        audit_notebook(warm, settings, ProjectContext(), load_catalog(settings.rules_dirs))
    except Exception:  # noqa: BLE001 - an optimisation only: the real audits report their own errors
        pass
    installed_distributions()


_WARM_UP_CELLS = (
    "%matplotlib inline\n!pip install -q lightgbm==4.1.0\nimport os, sys, random\nimport numpy as np\nimport pandas as pd",
    "import torch\nfrom sklearn.model_selection import train_test_split\nfrom sklearn.ensemble import RandomForestClassifier",
    "os.chdir('/content/drive/MyDrive/project')\ndf = pd.read_csv('/home/user/data/train.csv')\nAPI_KEY = 'not-a-real-key-0000'",
    "X_train, X_test, y_train, y_test = train_test_split(df, df['y'], test_size=0.2)\nmodel = RandomForestClassifier()\n"
    "model.fit(X_train, y_train)\nsample = np.random.choice(len(df), 10)\nnet = torch.nn.Linear(3, 2).to('cuda')",
    "import urllib.request\nurllib.request.urlretrieve('https://example.com/helper.py', 'helper.py')\n"
    "def f(frame):\n    global THRESHOLD\n    THRESHOLD = 1\n    return frame\ndf.to_csv('/tmp/out.csv')\nprint x",
)


def _audit_in_pool(
    files: Sequence[tuple[Path, str, Optional[str]]],
    settings: Settings,
    workers: int,
    on_result: Optional[Callable[[NotebookResult], None]],
    cache: Optional[ResultCache] = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[NotebookResult]:
    _warm_up(settings)
    # Everything loaded so far (modules, the catalogue, the distributions listing) is shared with
    # the forked workers copy-on-write; a garbage collection in a worker would walk, and so write
    # to and copy, every page of it. Frozen objects are left out of collections (measured: a
    # sixth less CPU in the workers of a 100-notebook audit).
    gc.freeze()
    try:
        return _map_in_pool(files, settings, workers, on_result, cache, timeout)
    finally:
        gc.unfreeze()  # (a library caller's later garbage is collected as usual)


def _map_in_pool(
    files: Sequence[tuple[Path, str, Optional[str]]],
    settings: Settings,
    workers: int,
    on_result: Optional[Callable[[NotebookResult], None]],
    cache: Optional[ResultCache],
    timeout: float,
) -> list[NotebookResult]:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from nbrefactor.startup_cache import adopt

    # Batches of notebooks with the same file name (copies: a book's editions, a course's
    # exercise and solution folders), largest first, one batch at a time. A worker takes the next
    # batch when it is done with its own, so the workers finish within about one (small) batch of
    # each other; contiguous chunks of the path-sorted list (`len // (workers * 4)` notebooks
    # each, before) left one worker 2 s of CPU behind the other on PythonDataScienceHandbook (136
    # notebooks, two of them a quarter of the work) while the run waited with a core idle. And
    # each worker remembers the cells it analysed (`analysis._remembered_cell`): copies audited
    # by the same worker share them (there, 1,535 cell analyses for 1,520 distinct cells, against
    # 1,955 with the notebooks spread by size alone and 2,042 with the chunks). The file's size
    # stands for the work (rank correlation 0.8 with the CPU each notebook took there); a batch
    # is a few hundred bytes each way. Results are sorted by path afterwards, so the order of the
    # work changes nothing in the output.
    batches = [
        (tuple((str(file), display, key) for file, display, key in batch), settings, cache, timeout)
        for batch in _batches(files, workers)
    ]
    done: list[NotebookResult] = []
    try:
        with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent) as pool:
            for results, news in pool.map(_audit_batch, batches):
                adopt(news)  # the patterns the worker compiled, kept for the next run's workers
                for result in results:
                    done.append(result)
                    if on_result is not None:
                        on_result(result)
    except (BrokenProcessPool, OSError):
        # A worker killed (a crash in an extension module, out of memory, a signal) or no way to
        # start processes. Each notebook left is audited alone, in a process of its own, so the
        # one that kills its process is reported on its own line and the others are complete.
        finished = {r.path for r in done}
        for items, *_ in batches:
            for file, display, key in items:
                if display in finished:
                    continue
                result = _audit_alone((file, display, settings, cache, key, timeout))
                done.append(result)
                if on_result is not None:
                    on_result(result)
    return done


def _audit_batch(
    batch: tuple[tuple[tuple[str, str, Optional[str]], ...], Settings, Optional[ResultCache], float],
) -> tuple[list[NotebookResult], object]:
    """A batch of notebooks, one after the other, in a worker process; with what the worker
    compiled for the start-up file (`startup_cache.worker_news`: a forked worker never writes it)."""
    from nbrefactor.startup_cache import worker_news

    items, settings, cache, timeout = batch
    return [_audit_job((file, display, settings, cache, key, timeout)) for file, display, key in items], worker_news()


def _batches(files: Sequence[tuple[Path, str, Optional[str]]], workers: int) -> list[list[tuple[Path, str, Optional[str]]]]:
    """The notebooks grouped by file name, a group split where it would hold more than a
    `2 * workers`-th of all the bytes (unrelated `Untitled.ipynb`s must not make one worker's
    share); batches by decreasing total size (ties by their first path), notebooks in a batch
    by path. A file that cannot be sized counts 0."""

    def size(item: tuple[Path, str, Optional[str]]) -> int:
        try:
            return os.stat(item[0]).st_size
        except (OSError, ValueError):
            return 0

    sized = [(item, size(item)) for item in sorted(files, key=lambda item: item[1])]
    cap = max(1, sum(n for _, n in sized) // (2 * max(1, workers)))
    groups: dict[str, list[tuple[tuple[Path, str, Optional[str]], int]]] = {}
    for item, n in sized:
        groups.setdefault(os.path.basename(str(item[0])), []).append((item, n))
    batches: list[tuple[int, list[tuple[Path, str, Optional[str]]]]] = []
    for members in groups.values():
        batch: list[tuple[Path, str, Optional[str]]] = []
        held = 0
        for item, n in members:
            if batch and held + n > cap:
                batches.append((held, batch))
                batch, held = [], 0
            batch.append(item)
            held += n
        batches.append((held, batch))
    return [batch for _, batch in sorted(batches, key=lambda b: (-b[0], b[1][0][1]))]


def _audit_alone(job: tuple[str, str, Settings, Optional[ResultCache], Optional[str], float]) -> NotebookResult:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    file, display, settings, cache, key, timeout = job
    try:
        with ProcessPoolExecutor(max_workers=1, initializer=die_with_parent) as pool:
            return pool.submit(_audit_job, job).result()
    except BrokenProcessPool:
        problem = "the process auditing it died (a crash in an extension module, or out of memory); the other notebooks were audited"
        return NotebookResult(display, (), LoadError(display, problem))
    except OSError:  # no way to start a process: here, then
        return _audit_and_store(Path(file), display, settings, load_catalog(settings.rules_dirs), cache, key, timeout)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
