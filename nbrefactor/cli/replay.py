"""The console entry point, with a run-level replay: an `nbrefactor audit` run whose inputs have not
changed since the same command last ran prints that run's exact output again, without importing
the package (no argparse, libcst, rich or report module: this file needs only `os`, `sys`,
`stat`, `time`, `marshal`, `_operator` and `io`, all loaded with the interpreter or built in,
so a replay costs little more than the interpreter's start).

How a run is recorded (the normal path, `nbrefactor.cli.app.main`, under watch):
- every file the run opens, every directory it lists and every path it `stat`s is noted, with its
  `os.stat` taken at that moment, through wrappers around `open`, `os.open`, `os.scandir`,
  `os.listdir`, `os.stat` and `os.lstat` (existence checks: a `pyproject.toml` that was absent
  above the notebooks must still be absent); see `_watch`;
- standard output and standard error are teed: the exact sequence of writes, and the exit code.
The entry (`<cache root>/v1/runs/<checksum>.marshal`) is found by the invocation: nbrefactor's
version, the arguments, the working directory, the environment variables, the interpreter
(executable, version, `sys.path`, flags) and whether the streams are terminals. It replays only
when every noted path still has the same stat (size, mtime_ns, ctime_ns, inode, device; for a
directory that was listed: its modification time, which adding, removing or renaming an entry
changes; for a path only checked for existence: still absent, or still the same kind).

Two kinds of listings are compared by what the audit reads of them rather than by modification
time, because the folders above a notebook without a project root include `/tmp` and the home
folder, whose modification times change every few seconds: the project discovery's strict module
listing (`*.py` files and packages with an `__init__.py`: `project._local_modules(strict=True)`),
its manifest listing (`MANIFEST_GLOBS`) and the environment's distribution listing
(`cache.environment_digest`). `tests/test_replay.py` checks that these projections agree with the
functions they mirror.

Never recorded (the next run is a normal one): a run that wrote a file outside the cache
(`--output`, `--sarif`, a job summary, a baseline), started a process (`--diff`, `--changed`),
failed with an exception or a usage error, had a terminal on either stream (colours, width and a
progress bar depend on it), or read a file modified within `RACY_NS` of when it read it (git's
"racy clean" rule: a later edit in the same timestamp tick would keep the same stat).
`--no-cache` bypasses the replay as it bypasses the per-notebook cache. `$NBREFACTOR_REPLAY_LOG`
names a file to which each run appends one line saying what happened (replayed, recorded, or why
not): for tests and for a user who wonders.
"""

import marshal
import os
import stat as _stat
import sys
import time
from _operator import attrgetter  # (built in: `operator` itself would be one more module to load)
from nbrefactor.cli.gc_thresholds import audit_gc_thresholds

LAYOUT = 3  # bump when the entry format changes
RACY_NS = 2_000_000_000  # FAT's 2 s granularity, and any lag of the file system's clock within it
# Shell bookkeeping that changes between two runs of the same command without changing its output.
VOLATILE_ENV = frozenset({"OLDPWD", "_", "SHLVL", "NBREFACTOR_REPLAY_LOG"})
MANIFEST_PREFIXES = (("requirements", ".txt"),)  # requirements*.txt
MANIFEST_NAMES = frozenset({"environment.yml", "environment.yaml", "pyproject.toml", "setup.cfg", "setup.py", "Dockerfile", "Containerfile",
                            "Pipfile", "Pipfile.lock", "pixi.toml", "pixi.lock"})
# `Dockerfile.*`, `*.Dockerfile`, conda environment files of any name (`*.yml`, `*.yaml`), `*-requirements.txt`
MANIFEST_ENDS = (".Dockerfile", ".dockerfile", ".yml", ".yaml", "-requirements.txt")
MANIFEST_STARTS = tuple(prefix for prefix, _ in MANIFEST_PREFIXES)
DIST_SUFFIXES = (".dist-info", ".egg-info", ".egg-link", ".pth", ".egg")
# `project.NOT_IN_NAMES`: a sub-folder whose name has one of these no `import` can name, and the
# strict module listing skips it (tested to agree)
NOT_IN_NAMES = frozenset(chr(c) for c in range(128) if not (chr(c).isalnum() or chr(c) == "_"))
# `project._repository_projects`: the files a repository walk reads the project names from, and the
# folders it does not enter (hidden ones and virtual environments aside). Its listings are compared
# as one projection of the whole walk (the project files' paths under the root), not folder by
# folder: a new folder anywhere in the repository (a scratch folder, the cache itself) is not a
# change, a new `setup.py` is; a project file's text is a `file` dep of its own, read when opened.
PROJECT_FILES = ("pyproject.toml", "setup.cfg", "setup.py")
PROJECT_WALK_SKIP = frozenset({"node_modules", "site-packages", "dist-packages", "__pycache__", "build", "dist"})


def main(argv: list[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if argv is None and words[:1] == ["audit"]:
        return _as_the_process(lambda: _main(argv, words))
    return _main(argv, words)


def _as_the_process(run):
    """An audit run as the process itself (the console script, `python -m nbrefactor`), which
    exits when it returns: the cyclic garbage collector tuned for that (issue 15, twenty-fifth
    round; `cli.app.run_audit` sets the same threshold for the audit alone, for in-process callers).

    - At the end, everything is frozen (`gc.freeze`): the interpreter's collections at exit
      (`Py_FinalizeEx`, `finalize_modules`) then skip the run's objects instead of walking them
      all to free a process about to end (PythonDataScienceHandbook, callgrind: -j 1 --no-cache
      261 M of 14.96 G -> 1.4 M; the pool's parent 64.5 M -> 0.9 M after the pool, on the
      critical path; the workers end with `os._exit` and never paid it). Memory is freed by the
      exit; objects are still freed by their reference counts meanwhile; the standard streams are
      flushed by the interpreter whatever the collector does, and the audit writes its files with
      `with` blocks. Peak RSS unchanged (75.7 / 74.0 MB with -j 1, 55.4 / 55.5 MB with the pool).
    - From the start, not only from `run_audit` on: a collection every 10,000 new objects instead
      of every 700 while the CLI, the engine and their libraries are imported (objects that all
      survive): the parent's collections before the pool 56 -> 17, but 32.6 -> 26.4 M only (a
      collection walks the young objects however often it runs; the rest is that walk)."""
    import gc  # (built into the interpreter: nothing is read to import it)

    gc.set_threshold(*audit_gc_thresholds(gc.get_threshold()))
    try:
        return run()
    finally:
        gc.freeze()


def _main(argv: list[str] | None, words: list[str]) -> int:
    if not _eligible(words):
        return _with_kept_compilations(lambda: _run(argv))
    invocation = _invocation(words)
    entry = _entry_path(invocation)
    outcome = _replay(entry, invocation)
    if outcome is not None:
        return outcome
    return _with_kept_compilations(lambda: _record(argv, entry, invocation))


def _run(argv: list[str] | None) -> int:
    from nbrefactor.cli.app import main as run  # (imported here: its imports compile patterns too)

    return run(argv)


def _with_kept_compilations(run):
    """A run that is not replayed builds its regular expressions and its dataclasses' functions from
    what earlier runs compiled (`nbrefactor.startup_cache`); the file is read and written outside
    the recorder's watch, so it is no input of the recorded run (what it yields is the same either
    way)."""
    from nbrefactor import startup_cache

    startup_cache.install()
    try:
        return run()
    finally:
        startup_cache.save()


def _eligible(words: list[str]) -> bool:
    """An audit that may be replayed: not `--no-cache`, no standard input, no terminal."""
    if words[:1] != ["audit"] or "-" in words or "--" in words:
        return False
    if any(len(w) > 5 and "--no-cache".startswith(w) for w in words):  # argparse takes `--no-ca` too
        return False
    try:
        return not (os.isatty(1) or os.isatty(2))
    except (OSError, ValueError):
        return False


def _log(message: str) -> None:
    target = os.environ.get("NBREFACTOR_REPLAY_LOG")
    if target:
        try:
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(message + "\n")
        except OSError:
            pass


# --- the invocation: what finds an entry ---------------------------------------------------------


def _invocation(words: list[str]) -> bytes:
    from nbrefactor import __version__

    env = sorted((k, v) for k, v in os.environ.items() if k not in VOLATILE_ENV)
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = ""
    return marshal.dumps(
        (LAYOUT, __version__, tuple(words), cwd, tuple(env), sys.executable, sys.version, tuple(sys.path), tuple(sys.flags))
    )


def cache_root() -> str:
    """`audit.cache.default_cache_root()`, as a string, without importing it (tested to agree)."""
    override = os.environ.get("NBREFACTOR_CACHE_DIR")
    if override:
        return override
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return os.path.join(os.environ["LOCALAPPDATA"], "nbrefactor", "cache")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "nbrefactor")


def _entry_path(invocation: bytes) -> str:
    # The checksum only names the file: the entry holds the whole invocation and is compared.
    # (Arithmetic modulo a Mersenne prime rather than zlib or hashlib: loading either shared
    # library costs more than the rest of a replay's imports.)
    name = f"{int.from_bytes(invocation, 'little') % ((1 << 127) - 1):032x}.marshal"
    return os.path.join(cache_root(), "v1", "runs", name)


# --- replay --------------------------------------------------------------------------------------


def _replay(entry: str, invocation: bytes) -> int | None:
    try:
        with open(entry, "rb") as handle:
            data = marshal.loads(handle.read())
        layout, stored, absent, same, dirs, not_links, deps, encodings, writes, code = data
        if layout != LAYOUT or stored != invocation:
            _log("miss: no entry for this invocation")
            return None
    except (OSError, ValueError, EOFError, TypeError):
        _log("miss: no entry for this invocation")
        return None
    # Paths that did not exist (most of them `__init__.py` in the folders above the notebooks):
    # `os.access` answers without raising, a fraction of the cost of a failing `os.stat`.
    if any(map(os.access, absent, (os.F_OK,) * len(absent))):  # (map: no Python loop per path)
        _log("miss: now exists " + next(p for p in absent if os.access(p, os.F_OK)))
        return None
    # The plain stat comparisons, most of the rest (see `_Recorder.entries`), each group in one
    # pass of C-level maps: what `_holds` answers path by path, without a Python call per path.
    changed = _changed(same, dirs, not_links)
    if changed is not None:
        _log(f"miss: changed {changed[0]} {changed[1]}")
        return None
    listings: dict = {}  # one listing per folder for this replay (`modules` and `manifests` share it)
    for dep in deps:
        if not _holds(dep, listings):
            _log(f"miss: changed {dep[0]} {dep[1]}")
            return None
    _write(writes, encodings)
    _log("replayed")
    return code


def _changed(same: tuple, dirs: tuple, not_links: tuple) -> tuple | None:
    """None if every grouped dep holds, else the first that does not (as `(kind, path, ...)`).
    `same`: (paths, their `_file_state`s, k): files read, folders listed, paths whose existence
    was checked and that were not folders; `dirs`: (paths, their (inode, device), k): folders
    whose existence was checked (still folders, the same ones); `not_links`: the other paths
    `os.lstat` found not to be symbolic links (still there, still not links). The first k paths
    of `same` and `dirs` were also found not to be links: one `os.lstat` answers both questions
    for them (not a link now, then `lstat` is `stat`; a link now, then its mode differs)."""
    paths, states, k = same
    try:
        if tuple(map(_FILE_STATE, map(os.lstat, paths[:k]))) + tuple(map(_FILE_STATE, map(os.stat, paths[k:]))) == states:
            folders, inodes, k_dirs = dirs
            statuses = tuple(map(os.lstat, folders[:k_dirs])) + tuple(map(os.stat, folders[k_dirs:]))
            if tuple(map(_INODE, statuses)) == inodes and all(map(_stat.S_ISDIR, map(_MODE, statuses))):
                if not any(map(_stat.S_ISLNK, map(_MODE, map(os.lstat, not_links)))):
                    return None
    except OSError:
        pass
    # Something changed: find it the slow way, for the log line.
    for i, (path, state) in enumerate(zip(paths, states)):
        if i < k and _link_state(path) != ("not a link",):
            return ("link", path)
        if not _holds(("file", path, state)):
            return ("file", path, state)
    for i, (path, (inode, device)) in enumerate(zip(dirs[0], dirs[1])):
        if i < dirs[2] and _link_state(path) != ("not a link",):
            return ("link", path)
        if not _holds(("exists", path, ("dir", inode, device))):
            return ("exists", path)
    for path in not_links:
        if _link_state(path) != ("not a link",):
            return ("link", path)
    return ("stat", "(unknown)")


def _write(writes: list, encodings: tuple) -> None:
    """The recorded writes, in order. A write recorded as bytes (see `_encoding`) goes straight to
    the stream's binary buffer when that is exactly what the text layer would do with it: the
    stream is the process's own, its encoding and errors are the recorded ones, it is not
    line-buffered and has nothing pending, and write-through is on or the text is at least one
    chunk long (then `TextIOWrapper.write` hands the whole encoded text to `buffer.write` at once).
    Otherwise it is decoded and written as text. So the bytes, and where each stream's buffer is
    flushed relative to the other's, are the recorded run's, without decoding and encoding again
    the ~300 kB of a 100-notebook report (~0.9 ms, a fifth of a replay beyond the interpreter)."""
    streams = (sys.stdout, sys.stderr)
    direct = [_direct(streams[0], encodings[0], 0), _direct(streams[1], encodings[1], 1)]
    for index, payload in writes:
        stream = streams[index]
        if type(payload) is bytes:
            if direct[index] and (stream.write_through or len(payload) >= stream._CHUNK_SIZE):
                stream.buffer.write(payload)
                continue
            payload = payload.decode("utf-8")
        direct[index] = False  # the text layer may now hold pending text: keep to it
        stream.write(payload)


def _direct(stream, recorded: tuple | None, index: int) -> bool:
    import io

    return (
        recorded is not None and type(stream) is io.TextIOWrapper and stream is (sys.__stdout__, sys.__stderr__)[index]
        and os.name == "posix" and (stream.encoding, stream.errors) == recorded and not stream.line_buffering
    )


def _holds(dep: tuple, listings: dict | None = None) -> bool:
    kind, path, expected = dep
    try:
        if kind == "link":
            return _link_state(path) == expected
        status = os.stat(path)
    except OSError:
        return expected is None
    if expected is None:
        return False
    if kind == "file":
        return _file_state(status) == expected
    if kind == "exists":
        return _exists_state(status) == expected
    if kind == "dir":
        return _file_state(status) == expected
    # a projection: (modification state or None when it was racy, projection)
    state, projection = expected
    if state is not None and _file_state(status) == state:
        return True
    now = _projection(kind, path, listings)
    if kind == "modules" and now is not None and projection is not None:
        return _modules_hold(path, now, projection)
    if kind == "subfolders" and now is not None and projection is not None:
        return _subfolders_hold(path, now, projection)
    return now == projection


def _subfolders_hold(path: str, now: tuple, recorded: tuple) -> bool:
    """project._code_subfolders (the folders `elsewhere_modules` looks in, one level below a folder above
    the notebook): each module looked for there is a dep of its own (present or absent, checked by
    `_replay`); a sub-folder gone is a change, and a new one only when it holds code (a `*.py` file or a
    package), which may be a module the notebook imports. An empty `scratch/` is not."""
    if not set(recorded) <= set(now):
        return False
    for name in set(now) - set(recorded):
        try:
            with os.scandir(os.path.join(path, name)) as listing:
                if any(e.name.endswith(".py") or os.path.exists(os.path.join(e.path, "__init__.py")) for e in listing):
                    return False
        except OSError:
            return False
    return True


def _modules_hold(path: str, now: tuple, recorded: tuple) -> bool:
    """A strict module listing: (`*.py` module names, names of sub-folders an `import` could name:
    see NOT_IN_NAMES). Whether a sub-folder is a
    package is the `__init__.py` check the audit made itself, each a dep of its own (present or
    absent, checked by `_replay`): so only a sub-folder that is new needs a look here, and a new
    sub-folder without an `__init__.py` (`/tmp` gains them all the time) is not a change."""
    if now[0] != recorded[0]:
        return False
    known = set(recorded[1])
    return not any(os.path.exists(os.path.join(path, name, "__init__.py")) for name in now[1] if name not in known)


def _file_state(status: os.stat_result) -> tuple:
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev, status.st_mode)


_FILE_STATE = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino", "st_dev", "st_mode")  # `_file_state`
_INODE = attrgetter("st_ino", "st_dev")
_MODE = attrgetter("st_mode")


def _exists_state(status: os.stat_result) -> tuple:
    """A path only checked for existence or kind: a directory's changing times do not matter."""
    if _stat.S_ISDIR(status.st_mode):
        return ("dir", status.st_ino, status.st_dev)
    return _file_state(status)


def _link_state(path: str) -> tuple | None:
    try:
        status = os.lstat(path)
    except OSError:
        return None
    if _stat.S_ISLNK(status.st_mode):
        return ("link", os.readlink(path))
    return ("not a link",)


def _projection(kind: str, path: str, listings: dict | None = None) -> tuple | None:
    """What the audit reads of a listing (see the module's docstring), or None if unlistable.
    `listings`: folders already listed by this replay (`/tmp`, above notebooks without a project
    root, holds thousands of entries and is compared twice: for modules and for manifests)."""
    if kind == "projects":
        return _project_files(path)
    entries = listings.get(path) if listings is not None else None
    if entries is None:
        try:
            with os.scandir(path) as listing:
                entries = list(listing)
        except OSError:
            return None
        if listings is not None:
            listings[path] = entries
    names: list[str] = []
    if kind == "modules":  # project._local_modules(folder, strict=True): see _modules_hold
        folders: list[str] = []
        for entry in entries:
            name = entry.name
            try:
                if len(name) > 3 and name.endswith(".py") and entry.is_file():
                    names.append(name[:-3])
                elif (name.isidentifier() or NOT_IN_NAMES.isdisjoint(name)) and entry.is_dir():
                    folders.append(name)
            except OSError:
                continue
        return (tuple(sorted(names)), tuple(sorted(folders)))
    elif kind == "manifests":  # project.manifest_candidates: the names matching MANIFEST_GLOBS
        # (the set and prefix tests first: `_is_manifest` per name was most of a large folder's cost)
        names = [e.name for e in entries if e.name in MANIFEST_NAMES or (e.name.startswith(MANIFEST_STARTS) and _is_manifest(e.name))
                 or e.name.endswith(MANIFEST_ENDS) or e.name.startswith("Dockerfile.")]
    elif kind == "docker":  # project._docker_clones_below: the container folders of a folder above a notebook
        names = []
        for entry in entries:
            try:
                if "docker" in entry.name.lower() and entry.is_dir():
                    names.append(entry.name)
            except OSError:
                continue
    elif kind == "readmes":  # project._docker_run_mounts, _readme_promises, _readme_titles: the READMEs and Makefiles of a folder above a notebook
        names = [e.name for e in entries if e.name.lower().startswith("readme") or e.name in ("Makefile", "makefile")]
    elif kind == "subfolders":  # project._code_subfolders: the sub-folders that may hold code; see _subfolders_hold
        names = []
        for entry in entries:
            try:
                if not entry.name.startswith((".", "_")) and entry.is_dir():
                    names.append(entry.name)
            except OSError:
                continue
    elif kind == "dists":  # cache.environment_digest, importlib.metadata's distribution lookup
        names = [e.name for e in entries if e.name.endswith(DIST_SUFFIXES)]
    return tuple(sorted(names))


def _project_files(root: str) -> tuple | None:
    """The paths (relative to `root`) of the project files `project._repository_projects` reads."""
    if not os.path.isdir(root):
        return None
    found: list[str] = []
    for current, folders, files in os.walk(root):
        folders[:] = [f for f in folders if not f.startswith(".") and f not in PROJECT_WALK_SKIP
                      and not os.path.exists(os.path.join(current, f, "pyvenv.cfg"))]
        found.extend(os.path.relpath(os.path.join(current, f), root) for f in PROJECT_FILES if f in files)
    return tuple(sorted(found))


def _is_manifest(name: str) -> bool:
    if name in MANIFEST_NAMES or name.endswith(MANIFEST_ENDS) or name.startswith("Dockerfile."):
        return True
    return any(name.startswith(p) and name.endswith(s) and len(name) >= len(p) + len(s) for p, s in MANIFEST_PREFIXES)


# --- record --------------------------------------------------------------------------------------


class _Tee:
    """A stand-in for sys.stdout / sys.stderr that notes every write."""

    def __init__(self, stream, index: int, writes: list) -> None:
        self._stream, self._index, self._writes = stream, index, writes

    def write(self, text: str) -> int:
        written = self._stream.write(text)
        self._writes.append((self._index, text))
        return written

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


_BYTECODE_FOLDER = os.sep + "__pycache__"


class _Recorder:
    def __init__(self, cache: str) -> None:
        self.pid = os.getpid()
        self.deps: dict[tuple[str, str], object] = {}
        self.seen: set[tuple[str, str]] = set()
        self.problem: str | None = None
        self.cache = os.path.join(os.path.abspath(cache), "")
        self.active = True

    def _skip(self, path: str) -> bool:
        return path.startswith((self.cache, "/dev/", "/proc/"))

    def _note(self, kind: str, raw: object, strict: bool = True) -> None:
        if not self.active or os.getpid() != self.pid or self.problem:
            return
        if type(raw) is str:  # most calls: a path seen before, answered before any normalising
            if (kind, raw) in self.seen:
                return
            self.seen.add((kind, raw))
        if isinstance(raw, bytes):
            raw = os.fsdecode(raw)
        elif not isinstance(raw, str):
            try:
                raw = os.fspath(raw)
            except TypeError:
                return  # a file descriptor: whatever it is, it was opened by a path noted before
            if isinstance(raw, bytes):
                raw = os.fsdecode(raw)
        path = os.path.abspath(raw)
        # (a byte-code folder, listed by the code digest's walk, changes whenever Python compiles;
        # a file in it — byte-code, or the parsed catalogue and start-up tables kept beside it — is
        # a copy checked against its sources, which are noted themselves, and appears whenever any
        # process of the same install first writes it: noting it absent made the next run miss)
        if (
            self._skip(path)
            or (kind, path) in self.deps
            or path.endswith(_BYTECODE_FOLDER)
            or _BYTECODE_FOLDER + os.sep in path
        ):
            return
        self.active = False  # our own os.stat calls are not the run's
        try:
            self.deps[(kind, path)] = self._state(kind, path)
        finally:
            self.active = True

    def _state(self, kind: str, path: str) -> object:
        seen = time.time_ns()
        if kind == "link":
            return _link_state(path)
        try:
            status = os.stat(path)
        except OSError:
            return None
        racy = status.st_mtime_ns >= seen - RACY_NS
        if kind == "projects":  # a walk: the root's modification time says nothing of the folders below
            return (None, _projection(kind, path))
        if kind in ("modules", "manifests", "dists", "docker", "readmes", "subfolders"):
            return (None if racy else _file_state(status), _projection(kind, path))
        if kind == "exists":
            state = _exists_state(status)
            if state[0] == "dir":
                return state
        if racy:
            self.problem = f"racy: {path} ({kind}) was modified within {RACY_NS / 1e9:g} s of being read"
        return _file_state(status)

    def opened(self, path: object, mode: object, flags: int = 0) -> None:
        if not self.active or self.problem or path is None or isinstance(path, int):
            return
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            mode is None and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND)
        )
        if not writing:
            self._note("file", path)
            return
        try:
            target = os.path.abspath(os.fsdecode(os.fspath(path)))
        except TypeError:
            return
        if not self._skip(target) and os.getpid() == self.pid:
            self.problem = f"wrote {target}"

    def listed(self, path: object) -> None:
        if not self.active or self.problem or isinstance(path, int):
            return
        root = self._walk_root()
        if root is not None:
            self._note("projects", root)  # (once: every folder below it is that projection's)
            return
        self._note(self._listing_kind(), "." if path is None else path)

    @staticmethod
    def _walk_root() -> str | None:
        """The root of the repository walk (`project._repository_projects`) this listing is part
        of, or None when the listing is not that walk's."""
        frame = sys._getframe(2)
        for _ in range(8):
            if frame is None:
                return None
            code = frame.f_code
            if code.co_name == "_repository_projects" and code.co_filename.endswith(os.path.join("audit", "project.py")):
                root = frame.f_locals.get("root")
                return None if root is None else os.fspath(root)
            frame = frame.f_back
        return None

    def installed_listing(self, event: str) -> None:
        """`distributions.RECORDING`: the metadata read to fill the installed-distributions store
        is not noted (the next run reads the store, not the metadata); a listing that could not
        be stored leaves the run unrecorded."""
        if os.getpid() != self.pid:
            return
        if event == "listing":
            self.active = False
            return
        self.active = True
        if event != "stored" and not self.problem:
            self.problem = "the installed distributions' listing could not be stored"

    def spawned(self, what: str) -> None:
        if os.getpid() == self.pid and not self.problem:
            self.problem = f"started a process ({what})"

    @staticmethod
    def _listing_kind() -> str:
        """Who is listing: the project discovery and the environment digest are compared by what
        they read of a listing; the import system's listings are not the audit's input; the rest
        (finding notebooks, catalogues, installed distributions) by modification time."""
        try:
            frame = sys._getframe(4)  # (0: here, 1: `listed`, 2-3: the os.scandir/os.listdir wrapper)
        except ValueError:
            return "dir"
        for _ in range(4):
            if frame is None:
                break
            code = frame.f_code
            if code.co_filename.endswith(os.path.join("importlib", "metadata", "__init__.py")):
                return "dists"  # importlib.metadata looks for distributions' metadata folders only
            if code.co_filename.endswith(os.path.join("audit", "project.py")):
                if code.co_name == "_local_modules":
                    return "modules" if frame.f_locals.get("strict") else "dir"
                if code.co_name in ("matches", "manifest_candidates"):
                    return "manifests"
                if code.co_name == "_code_subfolders":
                    return "subfolders"
                if code.co_name in ("_docker_run_mounts", "_readme_promises", "_readme_titles"):
                    return "readmes"  # only the names of READMEs and Makefiles (their text is a file dep)
                if code.co_name == "_docker_clones_below":
                    # Its first listing (of a folder above the notebook, which gains folders all the
                    # time) reads only the names of container folders; those below are read whole.
                    return "docker" if "subs" not in frame.f_locals else "dir"
            if code.co_name == "environment_digest" and code.co_filename.endswith(os.path.join("audit", "cache.py")):
                return "dists"
            if code.co_name == "_distributions" and code.co_filename.endswith(os.path.join("audit", "distributions.py")):
                return "dists"  # importlib.metadata's lookup, done without importing it
            frame = frame.f_back
        return "dir"

    def entries(self) -> tuple:
        """(paths that did not exist, `same`, `dirs`, `not_links` — see `_changed` —, every other
        dep). A `link` dep that was absent is left with the others: a dangling symbolic link is
        absent for `os.access`, not for `os.lstat`."""
        absent: list[str] = []
        same: list[tuple[str, tuple]] = []
        dirs: list[tuple[str, tuple]] = []
        not_links: set[str] = set()
        rest: list[tuple] = []
        for (kind, path), state in self.deps.items():
            if state is None and kind != "link":
                absent.append(path)
            elif kind in ("file", "dir") or (kind == "exists" and state[0] != "dir"):
                same.append((path, state))
            elif kind == "exists":
                dirs.append((path, state[1:]))
            elif kind == "link" and state == ("not a link",):
                not_links.add(path)
            else:
                rest.append((kind, path, state))

        def group(found: list[tuple[str, tuple]]) -> tuple:  # (paths, states, k): see `_changed`
            ordered = [d for d in found if d[0] in not_links] + [d for d in found if d[0] not in not_links]
            return tuple(p for p, _ in ordered), tuple(s for _, s in ordered), sum(1 for p, _ in found if p in not_links)

        grouped = {p for p, _ in same} | {p for p, _ in dirs}
        others = tuple(p for (kind, p), state in self.deps.items() if p in not_links and kind == "link" and p not in grouped)
        return tuple(absent), group(same), group(dirs), others, rest


def _record(argv: list[str] | None, entry: str, invocation: bytes) -> int:
    recorder = _Recorder(cache_root())
    patches = _watch(recorder)
    writes: list[tuple[int, str]] = []
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Tee(streams[0], 0, writes), _Tee(streams[1], 1, writes)
    for owner, name, watched in patches:
        setattr(owner, name, watched)
    try:
        from nbrefactor.audit import distributions
        from nbrefactor.cli.app import main as run

        distributions.RECORDING = recorder.installed_listing
        code = run(argv)
    except BaseException:
        recorder.active = False
        _log("not recorded: the run ended with an exception or a usage error")
        raise
    finally:
        listing = sys.modules.get("nbrefactor.audit.distributions")
        if listing is not None:
            listing.RECORDING = None
        for owner, name, watched in patches:
            setattr(owner, name, watched.__wrapped__)
        sys.stdout, sys.stderr = streams
    recorder.active = False
    if recorder.problem is not None:
        _log(f"not recorded: {recorder.problem}")
        return code
    if not isinstance(code, int):
        return code
    encodings = (_encoding(streams[0]), _encoding(streams[1]))
    kept = [(index, _as_bytes(text) if encodings[index] is not None else text) for index, text in writes]
    _store(entry, marshal.dumps((LAYOUT, invocation, *recorder.entries(), encodings, kept, code)))
    _log("recorded")
    return code


def _encoding(stream) -> tuple[str, str] | None:
    """(encoding, errors) of a stream whose writes are kept as bytes (UTF-8 streams), None: kept
    as text. Only a text without lone surrogates is kept as bytes (`_as_bytes`): its UTF-8 bytes
    are what the stream wrote whatever its error handler, and decode back to the very text."""
    encoding, errors = getattr(stream, "encoding", None), getattr(stream, "errors", None)
    if isinstance(encoding, str) and isinstance(errors, str) and encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        return (encoding, errors)
    return None


def _as_bytes(text: str) -> bytes | str:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # (a lone surrogate: the stream itself would have refused it)
        return text


def _watch(recorder: _Recorder) -> list[tuple[object, str, object]]:
    """Wrappers around the functions through which the audit reads files, lists folders, checks
    paths and could start processes: (module, name, wrapper). Set before nbrefactor's modules are
    imported, so a module that binds one of them at import time binds the wrapper. (Not an audit
    hook: `sys.addaudithook` would call Python code for every audited event of the run, such as
    the ~50,000 `id()` calls of a 100-notebook audit: +10 % of its CPU.)"""
    import _posixsubprocess
    import builtins
    import io

    def watch(owner: object, name: str, before) -> tuple[object, str, object]:
        real = getattr(owner, name)

        def watched(*args, **kwargs):
            if recorder.active:
                before(args, kwargs)
            return real(*args, **kwargs)

        watched.__wrapped__ = real
        return owner, name, watched

    def on_open(args, kwargs):
        recorder.opened(args[0] if args else kwargs.get("file"), args[1] if len(args) > 1 else kwargs.get("mode", "r"))

    def on_os_open(args, kwargs):
        if len(args) >= 2 and not kwargs.get("dir_fd"):
            recorder.opened(args[0], None, args[1])

    def on_listing(args, kwargs):
        recorder.listed(args[0] if args else kwargs.get("path"))

    def on_stat(args, kwargs):
        if len(args) == 1 and not kwargs.get("dir_fd"):
            recorder._note("exists" if kwargs.get("follow_symlinks", True) else "link", args[0])

    def on_lstat(args, kwargs):
        if len(args) == 1 and not kwargs.get("dir_fd"):
            recorder._note("link", args[0])

    def spawning(what):
        return lambda args, kwargs: recorder.spawned(what)

    opener = watch(builtins, "open", on_open)
    patches = [opener, (io, "open", opener[2]), watch(os, "open", on_os_open), watch(os, "scandir", on_listing),
               watch(os, "listdir", on_listing), watch(os, "stat", on_stat), watch(os, "lstat", on_lstat),
               watch(_posixsubprocess, "fork_exec", spawning("subprocess"))]
    for name in ("system", "posix_spawn", "posix_spawnp", "execv", "execve", "execvp", "execvpe"):
        if hasattr(os, name):
            patches.append(watch(os, name, spawning(f"os.{name}")))
    return patches


def _store(entry: str, data: bytes) -> None:
    """Atomically: a unique temporary name in the same folder, then a rename (concurrent runs
    at worst replace each other's identical entries; a reader never sees half of one)."""
    folder = os.path.dirname(entry)
    temporary = os.path.join(folder, f".{os.getpid()}.{os.urandom(6).hex()}.tmp")
    try:
        os.makedirs(folder, exist_ok=True)
        with open(temporary, "xb") as handle:
            handle.write(data)
        os.replace(temporary, entry)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
