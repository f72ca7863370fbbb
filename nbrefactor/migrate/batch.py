"""Batch migration: many models, in parallel worker processes, with a time limit per notebook, an
incremental cache, and an output folder that never holds a half-written package.

The unit of work stays `migrate.migrate_model` (through `migrate_one`, which turns any failure into
a `failed` result); a worker turns its `ModelResult` into the plain, JSON-ready record of
`report.migration`, so what crosses the process boundary, what the cache stores and what the report
reads are one and the same value.

- Order: records are sorted by model name whatever the number of workers or the finishing order.
- Time limit: `timeout` seconds per notebook of the model. Inside the worker an interval timer
  raises `TimeLimit` (a BaseException, so no broad `except Exception` in analysis code swallows it);
  should the worker be stuck in C code, the parent kills the pool after a grace period, records the
  model as failed and re-submits the other models that were in flight.
- Interruption (Ctrl-C): workers ignore SIGINT, so the parent alone decides. It stops them
  (SIGTERM, then SIGKILL), then `recover_out` removes staging folders and puts back a package whose
  swap was cut between its two renames. Completed packages are kept and cached.
- Cache (`OUT/.nbrefactor-cache.json`): per model, a key over the content of its notebooks, of the
  files beside them (data, local modules: everything under the notebook's folder except other
  notebooks and generated output), of the manifests, module names and code in the folders above up
  to the project root, of the code on folders a cell adds to `sys.path` (the package vendors it), nbrefactor's version and source, the rule catalogue, the settings, the installed
  distributions (the pins come from them) and the migrate options. A hit whose package is intact is
  reused without reading a notebook; anything else is rebuilt. Failed models are never cached.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence

from nbrefactor import __version__
from nbrefactor.audit.catalog import load_catalog, shipped_rules_dir
from nbrefactor.audit.secrets import notebook_secrets, redact
from nbrefactor.audit.guards import TimeLimit, deep_recursion, die_with_parent, time_limit
from nbrefactor.config import Settings
from nbrefactor.migrate import DEFAULT_TIMEOUT
from nbrefactor.fileio import MANIFEST, write_if_changed
from nbrefactor.migrate.one_model import MigrateOptions, describe_plan, find_models, migrate_one
from nbrefactor.audit.types import LoadError
from nbrefactor.audit.project import is_project_root, manifest_candidates
from nbrefactor.report.migration import failed_record, model_record

CACHE_FILE = ".nbrefactor-cache.json"
CACHE_SCHEMA = "nbrefactor-cache/1"
CACHE_SAVE_EVERY = 5.0  # seconds between the cache saves made while the batch runs
KILL_GRACE = 15.0  # seconds past the limit before the parent kills a worker stuck in C code
FULL_HASH_CAP = 16 * 1024 * 1024  # larger files are keyed by size + head + tail
# mkdtemp names used by write_tree: `.<package>.<8 random>.tmp` (staging) and `.old` (swap)
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<rand>[a-z0-9_]{8})\.(?P<kind>tmp|old)$")


@dataclass(frozen=True)
class BatchOptions:
    jobs: int = 0  # 0: one per core
    timeout: float = DEFAULT_TIMEOUT  # seconds per notebook; 0: no limit
    use_cache: bool = True


@dataclass(frozen=True)
class Job:
    model: str
    members: tuple[tuple[str, str], ...]  # (file path, display path)
    key: str  # the cache key ("" when the cache is off)
    attempt: int = 1

    @property
    def notebooks(self) -> tuple[str, ...]:
        return tuple(d for _, d in self.members)


@dataclass(frozen=True)
class Done:
    """One finished model: its record, and what happened in this run (not part of the record)."""

    model: str
    record: dict[str, Any]
    run_status: str  # migrated | migrated-with-review | unchanged | blocked | failed | unreadable | cached
    plan_text: Optional[str] = None  # the dry-run description
    out_dir: Optional[str] = None


@dataclass
class BatchOutcome:
    done: list[Done]
    missing: list[LoadError]
    models: int
    reused: list[str] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)
    interrupted: bool = False
    unwritten: list[str] = field(default_factory=list)  # what could not be written, one line each
    # model -> its notebooks as files on this machine; the records name them by display path
    # (relative to the folder holding them all, so no machine's path reaches a package), which
    # is not a path from the working directory: the proof ladder's rung 6 runs these files.
    files: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def records(self) -> list[dict[str, Any]]:
        return [d.record for d in sorted(self.done, key=lambda d: d.model)]


class Events:
    """What the batch tells its caller (the CLI's progress display); every method is optional."""

    def total(self, models: int, notebooks: int) -> None: ...

    def started(self, job: Job) -> None: ...

    def finished(self, done: Done) -> None: ...


# --- the batch ----------------------------------------------------------------------------------


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def run_batch(paths: Sequence[str], settings: Settings, options: MigrateOptions, batch: BatchOptions = BatchOptions(), events: Optional[Events] = None) -> BatchOutcome:
    events = events or Events()
    out = options.out
    writing = not options.dry_run
    if writing:
        recover_out(out)
    groups, missing = find_models(paths, settings, options)
    events.total(len(groups), sum(len(m) for _, m in groups))
    use_cache = batch.use_cache and writing
    cache = load_cache(out) if use_cache else {}
    outcome = BatchOutcome([], list(missing), len(groups))
    jobs: list[Job] = []
    keys = Keyer(settings, options) if use_cache else None
    for model, members in groups:
        outcome.files[model] = tuple(str(p) for p, _ in members)
        job = Job(model, tuple((str(p), d) for p, d in members), keys.key(model, members) if keys else "")
        hit = cache.get(model)
        if keys is not None and hit is not None and hit.get("key") == job.key and package_intact(out, hit):
            done = Done(model, hit["record"], "cached", out_dir=_out_dir(out, hit["record"]))
            outcome.done.append(done)
            outcome.reused.append(model)
            events.finished(done)
        else:
            jobs.append(job)
    workers = min(batch.jobs if batch.jobs > 0 else default_jobs(), len(jobs))
    fresh: dict[str, Done] = {}

    last_save = time.monotonic()

    def finished(done: Done) -> None:
        nonlocal last_save
        fresh[done.model] = done
        outcome.done.append(done)
        events.finished(done)
        # Saved as the batch goes (at most every few seconds): a run killed outright keeps what it did.
        if use_cache and time.monotonic() - last_save > CACHE_SAVE_EVERY:
            last_save = time.monotonic()
            _save_cache_or_say(out, cache, fresh, jobs, outcome, final=False)

    args = (settings, options, batch.timeout)
    try:
        if workers > 1:
            _run_pool(jobs, workers, args, events, finished)
        else:
            for job in jobs:
                events.started(job)
                finished(_in_process(job, *args))
    except KeyboardInterrupt:
        outcome.interrupted = True
    finally:
        with _no_interrupts():
            if writing:
                recover_out(out)
            outcome.rebuilt = sorted(fresh)
            if use_cache:
                _save_cache_or_say(out, cache, fresh, jobs, outcome, final=True)
    outcome.done.sort(key=lambda d: d.model)
    outcome.reused.sort()
    return outcome


def _out_dir(out: Path, record: dict[str, Any]) -> Optional[str]:
    return str(out / record["package_dir"]) if record.get("package_dir") else None


# --- one model ----------------------------------------------------------------------------------


def _work(job: Job, settings: Settings, options: MigrateOptions, timeout: float) -> Done:
    """One model, in a worker process or in this one."""
    members = [(Path(p), d) for p, d in job.members]
    catalog = load_catalog(settings.rules_dirs)
    limit = timeout * max(1, len(members)) if timeout and timeout > 0 else 0
    deadline = None
    try:
        with time_limit(limit) as deadline, deep_recursion():
            result = migrate_one(job.model, members, settings, catalog, options)
    except TimeLimit:
        pass
    if deadline is None or deadline.expired:
        # Also when the model came back "failed" with another error: a library's `finally:` block
        # (libcst's position provider) can turn the time limit into a KeyError on its way out.
        problem = f"stopped: over the time limit of {_seconds(limit)} ({_seconds(timeout)} per notebook, --timeout)"
        return Done(job.model, failed_record(job.model, members, problem, catalog), "failed")
    record = redact_record(model_record(result, members, options.out, catalog), catalog)
    plan_text = describe_plan(result.plan) if options.dry_run and result.plan is not None and result.status != "blocked" else None
    if plan_text is not None:  # printed as is: config defaults and pipeline parameters hold literals
        plan_text = redact(plan_text, catalog, notebook_secrets((c.source for st in result.plan.stages for c in st.facts.notebook.code_cells), catalog))
    return Done(job.model, record, result.status, plan_text, result.out_dir if result.ok else None)


def redact_record(value: Any, catalog: Any) -> Any:
    """Every string of a report record (its pages quote cells, tags and outputs) with secrets
    masked: the record is what the report, the HTML and the cache write."""
    if isinstance(value, str):
        return redact(value, catalog) if value else value
    if isinstance(value, list):
        return [redact_record(v, catalog) for v in value]
    if isinstance(value, dict):
        return {k: redact_record(v, catalog) for k, v in value.items()}
    return value


def _in_process(job: Job, settings: Settings, options: MigrateOptions, timeout: float) -> Done:
    return _work(job, settings, options, timeout)


def _seconds(value: float) -> str:
    return f"{value:g} s"


# --- the pool -----------------------------------------------------------------------------------


def _init_worker() -> None:
    # Ctrl-C reaches the whole process group; only the parent decides what to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The worker's parent is the forkserver, which exits when this run's process does (even on
    # SIGKILL): the workers go with it instead of running on, orphaned.
    die_with_parent()
    # The parent stops workers with SIGTERM (`_stop`), whose default death runs no atexit hook: the
    # warm kfp compiler a worker started (its own session, so Ctrl-C never reaches it) and the
    # compile it forked would outlive the batch. Kill them first, then die as SIGTERM would.
    signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum: int, frame: Any) -> None:  # noqa: ARG001 - a signal handler's signature
    from nbrefactor.migrate import kfp_compiler

    kfp_compiler.stop_helper()
    os._exit(128 + signum)


def _pool(workers: int):  # noqa: ANN202 - ProcessPoolExecutor
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: workers start from a clean process, never a fork of one whose progress-bar
    # thread may hold a lock; the server imports the compiler once and forks from there.
    try:
        context = multiprocessing.get_context("forkserver")
        # Not kfp: pipelines are compiled in another process (nbrefactor.migrate.kfp_compiler).
        context.set_forkserver_preload(["nbrefactor.migrate.forkserver_guard", "nbrefactor.migrate.batch", "black"])  # missing ones are skipped
    except ValueError:
        context = multiprocessing.get_context()
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker)


def _run_pool(jobs: list[Job], workers: int, args: tuple, events: Events, finished: Callable[[Done], None]) -> None:
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    settings, options, timeout = args
    catalog = None
    pending = deque(jobs)
    pool = _pool(workers)
    # At most `workers` jobs in flight, so a submitted job is a running job and its deadline holds.
    inflight: dict[Any, tuple[Job, float]] = {}

    def fail(job: Job, problem: str) -> None:
        nonlocal catalog
        catalog = catalog or load_catalog(settings.rules_dirs)
        members = [(Path(p), d) for p, d in job.members]
        finished(Done(job.model, failed_record(job.model, members, problem, catalog), "failed"))

    try:
        while pending or inflight:
            broken = False
            while pending and len(inflight) < workers:
                if pending[0].attempt > 1 and inflight:
                    break  # a model whose worker died is retried alone: it cannot take others down
                job = pending[0]
                limit = timeout * max(1, len(job.members)) + KILL_GRACE if timeout and timeout > 0 else float("inf")
                try:
                    future = pool.submit(_work, job, settings, options, timeout)
                except BrokenProcessPool:  # a worker died since the last look: decided below
                    broken = True
                    break
                pending.popleft()
                inflight[future] = (job, time.monotonic() + limit)
                events.started(job)
                if job.attempt > 1:
                    break
            if broken:
                done = {f for f in inflight if f.done()}
            else:
                next_deadline = min(deadline for _, deadline in inflight.values())
                wait_for = None if next_deadline == float("inf") else max(0.05, next_deadline - time.monotonic())
                done, _ = wait(list(inflight), timeout=wait_for, return_when=FIRST_COMPLETED)
            if any(f.done() and f.exception() is not None for f in inflight):
                # Collect every model that finished before the pool broke, not only the first.
                done = set(done) | {f for f in inflight if f.done()}
            for future in done:
                job, _ = inflight.pop(future)
                try:
                    finished(future.result())
                except BrokenProcessPool:
                    broken = True
                    inflight[future] = (job, 0.0)  # decided below, with the others in flight
                except Exception as exc:  # noqa: BLE001 - a record that could not come back
                    fail(job, f"internal error in the worker ({type(exc).__name__}: {' '.join(str(exc).split())[:300]}); please report it")
            now = time.monotonic()
            overdue = {f for f, (_, deadline) in inflight.items() if deadline <= now and deadline > 0.0}
            if broken or overdue:
                _stop(pool)
                for future, (job, _) in sorted(inflight.items(), key=lambda item: item[1][0].model):
                    if future in overdue:
                        limit = timeout * max(1, len(job.members))
                        fail(job, f"stopped: over the time limit of {_seconds(limit)} ({_seconds(timeout)} per notebook, --timeout)")
                    elif job.attempt >= 2:
                        fail(job, f"its worker process died ({_death(future)}), also when it ran alone: out of memory, or a crash in an extension module; the other models are not affected")
                    else:
                        pending.appendleft(dataclasses.replace(job, attempt=job.attempt + 1))
                inflight.clear()
                pool = _pool(workers)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def _death(future: Any) -> str:
    """What the pool says about a dead worker ("terminated abruptly", with the signal when known)."""
    try:
        exc = future.exception(timeout=0)
    except Exception:  # noqa: BLE001 - cancelled or still pending: nothing more to say
        exc = None
    return " ".join(str(exc).split())[:160] if exc is not None else "killed"


def _stop(pool: Any) -> None:
    """Stop every worker now: SIGTERM, then SIGKILL for any still alive after two seconds."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        try:
            process.terminate()
        except (OSError, ValueError, AttributeError):
            pass
    deadline = time.monotonic() + 2.0
    for process in processes:
        try:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1.0)
        except (OSError, ValueError, AttributeError, AssertionError):
            pass
    try:
        pool.shutdown(wait=False, cancel_futures=True)
    except Exception:  # noqa: BLE001 - a broken pool may complain; it is gone either way
        pass


@contextmanager
def _no_interrupts() -> Iterator[None]:
    """A second Ctrl-C must not cut the clean-up short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# --- the output folder --------------------------------------------------------------------------


def recover_out(out: Path) -> list[str]:
    """Leave only complete packages in `out`: remove staging folders of writes that were cut
    short, and put back a package whose swap stopped between its two renames (the previous,
    complete version, kept as `.name.xxxxxxxx.old`). Returns what was done, one line each."""
    actions: list[str] = []
    if not out.is_dir():
        return actions
    for entry in sorted(out.iterdir()):
        match = _LEFTOVER.match(entry.name)
        if match is None or not entry.is_dir() or entry.is_symlink():
            continue
        target = out / match.group("name")
        if match.group("kind") == "old" and not target.exists() and (entry / MANIFEST).is_file():
            os.replace(entry, target)
            actions.append(f"restored {target.name} (its replacement was interrupted)")
        else:
            shutil.rmtree(entry, ignore_errors=True)
            actions.append(f"removed {entry.name}")
    return actions


def package_intact(out: Path, entry: dict[str, Any]) -> bool:
    """The cached package is still on disk exactly as written (blocked models have none)."""
    record = entry.get("record") or {}
    if not record.get("package_dir"):
        return not record.get("files")
    folder = out / record["package_dir"]
    manifest_file = folder / MANIFEST
    try:
        manifest_bytes = manifest_file.read_bytes()
    except OSError:
        return False
    if _sha256(manifest_bytes) != entry.get("manifest"):
        return False
    try:
        files = json.loads(manifest_bytes).get("files", {})
    except ValueError:
        return False
    # Content, not time stamps: the cache file stays byte-identical from run to run.
    for relative, digest in files.items():
        try:
            if _sha256((folder / relative).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True


def _manifest_digest(out: Path, record: dict[str, Any]) -> Optional[str]:
    if not record.get("package_dir"):
        return None
    try:
        return _sha256((out / record["package_dir"] / MANIFEST).read_bytes())
    except OSError:
        return None


# --- the cache ----------------------------------------------------------------------------------


def load_cache(out: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads((out / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("schema") != CACHE_SCHEMA or not isinstance(data.get("entries"), dict):
        return {}
    return data["entries"]


def save_cache(out: Path, cache: dict[str, dict[str, Any]], fresh: dict[str, Done], jobs: Sequence[Job]) -> None:
    """Entries of this run's models are replaced (failed ones dropped); other models' kept."""
    keys = {job.model: job.key for job in jobs}
    entries = dict(cache)
    for model, done in fresh.items():
        entries.pop(model, None)
        if done.run_status == "failed" or not keys.get(model):
            continue
        manifest = _manifest_digest(out, done.record)
        if done.record.get("package_dir") and manifest is None:
            continue  # the package is not on disk as recorded: nothing to reuse
        entries[model] = {"key": keys[model], "manifest": manifest, "record": done.record}
    if not entries and not (out / CACHE_FILE).exists():
        return
    text = json.dumps({"schema": CACHE_SCHEMA, "entries": dict(sorted(entries.items()))}, sort_keys=True, ensure_ascii=False) + "\n"
    write_if_changed(out / CACHE_FILE, text.encode("utf-8"))


def _save_cache_or_say(out: Path, cache: dict[str, dict[str, Any]], fresh: dict[str, Done], jobs: Sequence[Job], outcome: BatchOutcome, final: bool) -> None:
    """`save_cache`, where a full disk or a read-only folder costs the cache, never the summary."""
    try:
        save_cache(out, cache, fresh, jobs)
    except (OSError, ValueError) as exc:
        if final:
            reason = getattr(exc, "strerror", None) or " ".join(str(exc).split())[:200]
            outcome.unwritten.append(f"{out / CACHE_FILE}: the cache was not written ({reason}); the next run analyses every model again")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    """Content hash; a very large file by its size, first and last 1 MiB (data files of many GB
    would otherwise cost the re-run its speed, and the compiler only samples them)."""
    # O_NONBLOCK and a regular-file check: a named pipe called `x.ipynb` must not stop the batch.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    size = info.st_size
    with os.fdopen(fd, "rb") as handle:
        if size <= FULL_HASH_CAP:
            return _sha256(handle.read())
        head = handle.read(1 << 20)
        handle.seek(-(1 << 20), os.SEEK_END)
        tail = handle.read()
    return _sha256(f"{size}:".encode() + head + tail)


class Keyer:
    """Cache keys for one batch: the parts shared by every model computed once, folders memoised."""

    def __init__(self, settings: Settings, options: MigrateOptions) -> None:
        self.out = options.out.resolve()
        self._folders: dict[Path, str] = {}
        self._above: dict[Path, str] = {}
        self._codes: dict[tuple[Path, bool], str] = {}
        shared = {
            "version": __version__,
            "source": _source_digest(),
            "catalog": _catalog_digest(tuple(settings.rules_dirs)),
            "settings": json.dumps(dataclasses.asdict(settings), sort_keys=True, default=repr),
            "distributions": _distributions_digest(),
            "allow_hidden_state": options.allow_hidden_state,
        }
        self.shared = _sha256(json.dumps(shared, sort_keys=True).encode("utf-8"))

    def key(self, model: str, members: Sequence[tuple[Path, str]]) -> str:
        parts = [self.shared, model]
        for path, display in members:
            parts.append(display)
            try:
                parts.append(file_digest(path))
            except OSError as exc:
                parts.append(f"unreadable: {exc.strerror}")
        for folder in dict.fromkeys(Path(p).resolve().parent for p, _ in members):
            parts.append(self._folder(folder))
            parts.append(self._upwards(folder))
        for path, _ in members:  # code on a folder a cell adds to sys.path is vendored too
            for added in _sys_path_literals(path):
                target = (Path(path).resolve().parent / os.path.expanduser(added)).resolve()
                parts.append(f"{added}\x1e{self._code(target, strict=False)}")
        return _sha256("\x1f".join(parts).encode("utf-8"))

    def _code(self, folder: Path, strict: bool) -> str:
        """The content of the code in a folder that the package may vendor (`one_model.local_code`):
        its `.py` modules and its packages' `.py` files (`strict`: only packages with an
        `__init__.py`), walked in name order and cut after CODE_KEY_FILES files (a home folder
        above a notebook is not read whole); names alone would reuse a package whose vendored
        copy of a changed module is stale."""
        key = (folder, strict)
        if key in self._codes:
            return self._codes[key]
        rows: list[str] = []
        for root, dirs, files in os.walk(folder):
            here = Path(root)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("__pycache__", "node_modules", "site-packages", "venv")
                             and (here != folder or not strict or os.path.exists(os.path.join(root, d, "__init__.py"))))
            for name in sorted(files):
                if name.endswith(".py") and len(rows) <= CODE_KEY_FILES:
                    file = here / name
                    try:
                        rows.append(f"{file.relative_to(folder).as_posix()}\x1e{file_digest(file)}")
                    except OSError:
                        rows.append(f"{file.relative_to(folder).as_posix()}\x1eunreadable")
            if len(rows) > CODE_KEY_FILES:
                break
        self._codes[key] = digest = _sha256("\n".join(rows).encode("utf-8"))
        return digest

    def _folder(self, folder: Path) -> str:
        """Every file under the notebook's folder (its data, its local modules), except notebooks
        (each model keys its own), hidden folders and generated output."""
        if folder in self._folders:
            return self._folders[folder]
        generated = {m.parent.parent for m in folder.rglob(MANIFEST)}
        rows = []
        for file in sorted(folder.rglob("*")):
            relative = file.relative_to(folder)
            if file.suffix == ".ipynb" or any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
                continue
            if file == self.out or self.out in file.parents or any(g in file.parents or g == file for g in generated):
                continue
            if not file.is_file():
                continue
            try:
                rows.append(f"{relative.as_posix()}\x1e{file_digest(file)}")
            except OSError:
                rows.append(f"{relative.as_posix()}\x1eunreadable")
        self._folders[folder] = digest = _sha256("\n".join(rows).encode("utf-8"))
        return digest

    def _upwards(self, folder: Path) -> str:
        """Manifests and importable module names in the folders above, up to the project root."""
        if folder in self._above:
            return self._above[folder]
        rows = []
        current = folder
        while True:
            for file in manifest_candidates(current):  # the same files the audit reads (binder/ and .devcontainer/ too)
                if file.is_file():
                    rows.append(f"{file}\x1e{file_digest(file)}")
            if current != folder:
                try:
                    names = sorted(
                        e.name for e in current.iterdir()
                        if (e.suffix == ".py" and e.is_file()) or (e.is_dir() and (e / "__init__.py").exists())
                    )
                except OSError:
                    names = []
                rows.append(f"{current}\x1e{','.join(names)}\x1e{self._code(current, strict=True)}")
            if is_project_root(current) or current.parent == current:
                rows.append(f"root {current} git={(current / '.git').exists()}")
                if (current / "src").is_dir():
                    rows.append(",".join(sorted(e.name for e in (current / "src").iterdir())) + "\x1e" + self._code(current / "src", strict=True))
                break
            current = current.parent
        self._above[folder] = digest = _sha256("\n".join(rows).encode("utf-8"))
        return digest


CODE_KEY_FILES = 2000
# The folders a notebook may add to `sys.path` (`one_model._sys_path_folders` reads the cells):
# in a notebook file that mentions `sys.path`, every string literal that is a relative path going
# up or here (`"../shared"`, `'..'` of `os.path.join('..', 'src')`, `"./lib"`); read from the file's
# JSON text (its quotes escaped), so the key needs no parsing. A folder above covers its sub-folders.
_RELATIVE_LITERAL = re.compile(r"""\\?["'](\.\.?(?:/[^"'\\\n]{0,300})?)\\?["']""")


def _sys_path_literals(path: Path) -> list[str]:
    # As file_digest: O_NONBLOCK and a regular-file check, so a named pipe called `x.ipynb` is
    # never waited on (it is reported by the loader, and the batch goes on).
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return []
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return []
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            text = handle.read(64 * 1024 * 1024).decode("utf-8", errors="replace")
    except OSError:
        return []
    finally:
        if fd >= 0:
            os.close(fd)
    if "sys.path" not in text:
        return []
    return sorted(set(_RELATIVE_LITERAL.findall(text)))


@lru_cache(maxsize=1)
def _source_digest() -> str:
    """nbrefactor's own code and templates: a development checkout changes without a new version."""
    root = Path(__file__).resolve().parent.parent  # the whole nbrefactor package
    rows = []
    for file in sorted(root.rglob("*")):
        if file.is_file() and file.suffix in (".py", ".j2", ".toml", ".css", ".js", ".html", ".json") and "__pycache__" not in file.parts:
            rows.append(f"{file.relative_to(root).as_posix()}\x1e{_sha256(file.read_bytes())}")
    return _sha256("\n".join(rows).encode("utf-8"))


@lru_cache(maxsize=8)
def _catalog_digest(rules_dirs: tuple[str, ...]) -> str:
    rows = []
    for folder in (shipped_rules_dir(), *map(Path, rules_dirs)):
        if folder.is_dir():
            for file in sorted(folder.rglob("*.toml")):
                rows.append(f"{file.name}\x1e{_sha256(file.read_bytes())}")
    return _sha256("\n".join(rows).encode("utf-8"))


@lru_cache(maxsize=1)
def _distributions_digest() -> str:
    """Installed distributions: the generated requirements pin what is installed where nothing
    else gives a version. Read from the `*.dist-info` folder names (name and version), which is
    ~50× faster than parsing every distribution's metadata."""
    import sys

    rows = set()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as children:
                rows.update(c.name for c in children if c.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return _sha256("\n".join(sorted(rows)).encode("utf-8"))
