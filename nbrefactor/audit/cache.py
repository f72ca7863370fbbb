"""A content-addressed cache of per-notebook audit results, so an unchanged re-run reads findings
instead of recomputing them (in the user's cache directory, `~/.cache/nbrefactor/`, or wherever
$NBREFACTOR_CACHE_DIR points, e.g. a project's `.nbrefactor_cache/` kept by CI).

An entry's key is a SHA-256 over everything a notebook's findings depend on:

- the notebook's bytes and its displayed path (findings name the path; per-file-ignores match it);
- what surrounds it: the `ProjectContext` (manifests as parsed, local and project modules);
- nbrefactor itself: its version and the bytes of every `.py` file of the package (an edited
  checkout invalidates too, not only a release), and the Python version;
- the rule catalogue: every `*.toml` of the shipped `rules/` and of the configured `rules-dirs`;
- the effective settings (pyproject.toml merged with the command line);
- the environment: installed distributions (`*.dist-info` names on `sys.path`), because an import
  no catalogue entry maps is resolved through `importlib.metadata` as a last resort.

Only complete results are stored (never a load error or an internal error). Entries are written
atomically (a temporary file, then a rename), so concurrent runs at worst write the same bytes
twice and a reader never sees half an entry; an unreadable or malformed entry is a miss. Entries
not used for 30 days, and the least recently used beyond 512 MiB, are pruned once a day
(`prune`; $NBREFACTOR_CACHE_MAX_AGE_DAYS, $NBREFACTOR_CACHE_MAX_MB). Nothing
here can fail an audit: a cache that cannot be written is skipped. `--no-cache` bypasses it.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from nbrefactor.audit.types import Diagnostic, Family, Location, NotAnalysed, NotebookResult, Severity
from nbrefactor.config import Settings
from nbrefactor.fileio import write_bytes_atomic

CACHE_DIR_ENV = "NBREFACTOR_CACHE_DIR"  # overrides where the cache lives
LAYOUT = "v1"  # bump when the entry format changes
# Files larger than this are audited without the cache: hashing them twice is not worth it.
MAX_CACHED_BYTES = 64 * 2**20


@dataclasses.dataclass(frozen=True)
class ResultCache:
    folder: Path  # <cache root>/v1
    base: str  # digest of code, catalogue, settings and environment: shared by every entry of a run

    def key(self, raw: bytes, display: str, project: Any, raw_digest: Optional[bytes] = None) -> str:
        """`raw_digest`: the SHA-256 of `raw`, or of `loader.lean_bytes(raw)` (the bytes its audit
        depends on: the engine's keys), when the caller has it already."""
        digest = hashlib.sha256()
        for part in (self.base, display, _project_json(project)):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x1f")
        digest.update(raw_digest if raw_digest is not None else hashlib.sha256(raw).digest())
        return digest.hexdigest()

    def installed_store(self) -> Path:
        """Where the installed distributions' import names are kept (audit/distributions.py), named
        by `installed_listing_key`: trees of one version sharing a cache folder keep one each."""
        return self.folder / f"installed-{installed_listing_key()}.json"

    def entry(self, key: str) -> Path:
        # One folder for every entry, not git's 256 (`ab/abcd….json`): creating a file or folder is
        # most of what storing an entry costs (0.35-0.75 ms of CPU each on the 2-core benchmark
        # machine), and a cold 100-notebook audit created ~80 shard folders besides its 100 entries.
        # (Entries of the earlier sharded layout are never read again; pruning removes them.)
        return self.folder / f"{key}.json"

    def holds_entries(self) -> bool:
        """Whether the folder holds any entry (`<key>.json`; the installed-distributions listing
        and the earlier layout's shard folders are none): an empty cache can answer no lookup.
        Stops at the first entry it sees."""
        try:
            with os.scandir(self.folder) as listing:
                for item in listing:
                    name = item.name
                    if len(name) == 69 and name.endswith(".json") and not name.startswith("installed-"):
                        return True
        except OSError:
            return False
        return False

    def get(self, key: str) -> Optional[NotebookResult]:
        path = self.entry(key)
        try:
            data = json.loads(path.read_bytes())
            if data.get("key") != key:
                return None
            result = result_from_json(data["result"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # missing, half-written by a crashed writer, or not ours: a miss
        _mark_used(path)
        return result

    def maybe_prune(self, now: Optional[float] = None) -> Optional["Pruned"]:
        """Prune (see `prune`) at most once every `PRUNE_EVERY` seconds per cache folder: the
        time of the last pruning is a marker file's modification time."""
        now = time.time() if now is None else now
        marker = self.folder / ".last-prune"
        try:
            if now - marker.stat().st_mtime < PRUNE_EVERY:
                return None
        except OSError:
            pass  # never pruned
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            marker.touch()
            os.utime(marker, (now, now))
        except OSError:
            return None  # a read-only cache is not ours to prune
        return prune(self.folder, max_age_seconds(), max_bytes(), now)

    def put(self, key: str, result: NotebookResult) -> None:
        if result.error is not None:
            return
        # ASCII with escapes: a lone surrogate from a broken notebook survives the round trip.
        data = json.dumps({"key": key, "result": result_to_json(result)}, sort_keys=True)
        try:
            _prepare(self.folder.parent)
            _write_atomic(self.entry(key), data.encode("utf-8"))
        except OSError:
            pass  # read-only checkout, full disk: the audit goes on uncached


# --- pruning: entries not used for a while, and a size cap -------------------------------------

MAX_AGE_ENV = "NBREFACTOR_CACHE_MAX_AGE_DAYS"  # entries not used for this many days are removed
MAX_SIZE_ENV = "NBREFACTOR_CACHE_MAX_MB"  # above this size, the least recently used entries go
DEFAULT_MAX_AGE_DAYS = 30.0
DEFAULT_MAX_MB = 512.0
PRUNE_EVERY = 24 * 3600.0  # seconds between two prunings of one cache folder
# A hit refreshes its entry's modification time (the "last used" time pruning reads), at most once
# a day: most hits then cost no write at all.
_TOUCH_AFTER = 24 * 3600.0


@dataclasses.dataclass(frozen=True)
class Pruned:
    removed: int
    kept: int
    kept_bytes: int


def _number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value >= 0 and value != float("inf") else default


def max_age_seconds() -> float:
    return _number(MAX_AGE_ENV, DEFAULT_MAX_AGE_DAYS) * 86400.0


def max_bytes() -> int:
    return int(_number(MAX_SIZE_ENV, DEFAULT_MAX_MB) * 2**20)


def _mark_used(path: Path) -> None:
    try:
        now = time.time()
        if now - path.stat().st_mtime > _TOUCH_AFTER:
            os.utime(path, (now, now))
    except OSError:
        pass  # read-only cache: it just ages


def prune(folder: Path, max_age: float, max_size: int, now: Optional[float] = None) -> Pruned:
    """Remove the entries (and stored distribution listings) of `folder` not used for `max_age`
    seconds, then the least recently used ones until the rest takes at most `max_size` bytes.
    "Used" is an entry's modification time: written, or last read (`get` refreshes it). Safe
    beside running audits: a removed entry is a miss for them, and a file that vanished under us
    is skipped."""
    now = time.time() if now is None else now
    files: list[tuple[float, int, Path]] = []
    removed = 0
    # (runs/*.marshal: the run-level replay's entries, cli/replay.py)
    for path in [*folder.glob("**/*.json"), *folder.glob("runs/*.marshal")]:
        try:
            status = path.stat()
        except OSError:
            continue
        if now - status.st_mtime > max_age:
            removed += _remove(path)
        else:
            files.append((status.st_mtime, status.st_size, path))
    files.sort(key=lambda f: (f[0], f[2].as_posix()))  # oldest first; ties by name, so runs agree
    total = sum(size for _, size, _ in files)
    kept = len(files)
    for _, size, path in files:
        if total <= max_size:
            break
        removed += _remove(path)
        total -= size
        kept -= 1
    return Pruned(removed, kept, total)


def _remove(path: Path) -> int:
    try:
        path.unlink()
        return 1
    except OSError:
        return 0


def open_cache(settings: Settings, root: Optional[Path] = None) -> ResultCache:
    """The cache for a run with `settings`, in `root` if given, else in `default_cache_root()`."""
    root = root if root is not None else default_cache_root()
    base = hashlib.sha256(
        "\x1f".join(
            (code_digest(), catalogue_digest(settings.rules_dirs), canonical_json(settings), environment_digest())
        ).encode("utf-8")
    ).hexdigest()
    return ResultCache(Path(root) / LAYOUT, base)


def default_cache_root() -> Path:
    """$NBREFACTOR_CACHE_DIR if set, else the user's cache directory ($XDG_CACHE_HOME or
    ~/.cache; %LOCALAPPDATA% on Windows) + `nbrefactor`. Not the project folder: an audit adds no
    file to what it audits. Keys hold the notebook's path and project, so one cache serves every
    project."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "nbrefactor" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nbrefactor"


# --- what the key is made of -------------------------------------------------------------------


def code_digest(package: Optional[Path] = None) -> str:
    """nbrefactor's version, the Python version and every `.py` file of the package."""
    from nbrefactor import __version__

    folder = package or Path(__file__).resolve().parent.parent
    return hashlib.sha256(f"{__version__}\x1f{sys.version}\x1f{_tree_digest(folder)}".encode()).hexdigest()


@lru_cache(maxsize=8)
def _tree_digest(folder: Path) -> str:
    from nbrefactor.startup_cache import file_sha256  # (each file's digest kept by its stat: see there)

    digest = hashlib.sha256()
    for file in sorted(folder.rglob("*.py")):
        if "__pycache__" in file.parts:
            continue
        digest.update(file.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(file_sha256(os.fspath(file)))
    return digest.hexdigest()


def catalogue_digest(rules_dirs: tuple[str, ...]) -> str:
    """The bytes of every catalogue file, in the order `load_catalog` reads them. Each file's
    SHA-256 is kept by its stat as the package's files' are (`startup_cache.file_sha256`, the same
    digest): the shipped catalogue's 0.4 MB were read and hashed again by every run with the cache
    on, ~12 M instructions of the pool's parent before it forks (issue 15, thirty-second round)."""
    from nbrefactor.audit.catalog import shipped_rules_dir
    from nbrefactor.startup_cache import file_sha256

    digest = hashlib.sha256()
    for index, folder in enumerate([shipped_rules_dir(), *(Path(d) for d in rules_dirs)]):
        for file in sorted(Path(folder).glob("*.toml")):
            digest.update(f"{index}\x1f{file.name}\0".encode("utf-8"))
            try:
                digest.update(file_sha256(os.path.abspath(file)))
            except OSError:
                digest.update(b"unreadable")
    return digest.hexdigest()


# sys.prefix and sys.path → their digest: a process that changes its path (a test, a library
# user) gets the digest of the path it has now, not of the one it had at the first call.
_ENVIRONMENT_DIGESTS: dict[tuple[str, tuple[str, ...]], str] = {}


def environment_digest(fresh: bool = False) -> str:
    """Names (with versions) of the distributions installed on `sys.path`: installing, removing
    or upgrading one changes it. A directory listing per path entry, so it costs milliseconds.
    Memoised per (`sys.prefix`, `sys.path`); `fresh`: listed again, the memo left as it was (the
    installed listing checks that nothing was installed or removed while it read the metadata)."""
    key = (sys.prefix, tuple(sys.path))
    known = None if fresh else _ENVIRONMENT_DIGESTS.get(key)
    if known is not None:
        return known
    names = [sys.prefix]
    for entry in key[1]:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        names.append(entry)
        names.extend(sorted(n for n in listing if n.endswith((".dist-info", ".egg-info", ".egg-link", ".pth"))))
    digest = hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()
    _ENVIRONMENT_DIGESTS.setdefault(key, digest)
    return digest


INSTALLED_LAYOUT = "installed-2"  # bump when the kept listing's format or meaning changes


def installed_listing_key() -> str:
    """Everything the installed distributions' listing is computed from, and by: nbrefactor's code
    (its digest, not its version string: worktrees and checkouts of one version 0.3.1 share a cache
    folder, and a listing another tree's code made must not be read here), the environment's digest
    (the metadata folders' names on `sys.path`, `sys.prefix`) and the `sys.path` entries scanned.
    The kept listing is named by it and holds it (audit/distributions.py `installed_distributions`)."""
    parts = (INSTALLED_LAYOUT, code_digest(), environment_digest(), *sys.path)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# discover_project hands out one ProjectContext per folder: its text is computed once per object
# (a hundred notebooks in ten folders: ten serialisations, not a hundred).
_PROJECT_TEXTS: dict[int, tuple[Any, str]] = {}


def _project_json(project: Any) -> str:
    known = _PROJECT_TEXTS.get(id(project))
    if known is not None and known[0] is project:
        return known[1]
    text = canonical_json(project)
    if len(_PROJECT_TEXTS) > 4096:
        _PROJECT_TEXTS.clear()
    _PROJECT_TEXTS[id(project)] = (project, text)
    return text


def canonical_json(value: Any) -> str:
    """A text that is the same for equal values in every process: dataclasses by field, sets
    sorted (a frozenset's iteration order changes with the hash seed)."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"))


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


# --- entries -------------------------------------------------------------------------------------


def result_to_json(result: NotebookResult) -> dict[str, Any]:
    return {
        "path": result.path,
        "suppressed": result.suppressed,
        "diagnostics": [
            {
                **{f.name: getattr(d, f.name) for f in dataclasses.fields(d) if f.name not in ("family", "severity", "location", "related", "data")},
                "family": d.family.value,
                "severity": d.severity.value,
                "location": dataclasses.asdict(d.location),
                "related": [dataclasses.asdict(r) for r in d.related],
                "data": [list(pair) for pair in d.data],
            }
            for d in result.diagnostics
        ],
        "not_analysed": dataclasses.asdict(result.not_analysed) if result.not_analysed is not None else None,
    }


def result_from_json(data: dict[str, Any]) -> NotebookResult:
    diagnostics = []
    for raw in data["diagnostics"]:
        fields = dict(raw)
        fields["family"] = Family(fields["family"])
        fields["severity"] = Severity(fields["severity"])
        fields["location"] = Location(**fields["location"])
        fields["related"] = tuple(Location(**r) for r in fields.get("related", ()))
        fields["data"] = tuple((str(k), str(v)) for k, v in fields.get("data", ()))
        diagnostics.append(Diagnostic(**fields))
    notice = data.get("not_analysed")
    not_analysed = NotAnalysed(**{k: str(v) for k, v in notice.items()}) if notice else None
    return NotebookResult(str(data["path"]), tuple(diagnostics), None, int(data["suppressed"]), not_analysed)


def _prepare(root: Path) -> None:
    """Create the cache root with a `.gitignore` (so it is never committed) and a CACHEDIR.TAG
    (so backup tools skip it), as ruff does."""
    if (root / ".gitignore").exists():
        return
    root.mkdir(parents=True, exist_ok=True)
    _write_atomic(root / ".gitignore", b"# Created by nbrefactor: audit cache, safe to delete.\n*\n")
    _write_atomic(
        root / "CACHEDIR.TAG",
        b"Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by nbrefactor.\n",
    )


def _write_atomic(path: Path, data: bytes) -> None:
    # No fsync: an entry lost or torn by a power cut is only a miss (`get` rejects it).
    write_bytes_atomic(path, data, durable=False)
