"""What every nbrefactor process compiled the same way, kept between runs (issue 15, twenty-first
round): the compiled regular expressions and the functions `dataclasses` generates.

**Regular expressions.** Every process compiles 450+ of them (the rules' module-level patterns, the
catalogue's derived ones): ~24 % of the instructions of a one-notebook audit, all of it in `re`'s
pure-Python parser and code generator, with the same result every time. CPython's compiler turns
`(pattern, flags)` into a list of integers (the program `_sre` runs) and a few group tables, and
`_sre.compile` builds the pattern object from those alone. The tables are kept by the exact
pattern and flags and handed to the same `_sre.compile` on the next run: the same patterns.

**Dataclasses.** ~100 dataclasses are built at import; for each, `dataclasses` writes the source of
`__init__`, `__repr__`, `__eq__`, … and `exec`s it, compiling ~600 small functions per process.
Their code objects are kept by the exact source text and `exec`ed instead: `exec(text, g, ns)` is
`exec(compile(text, "<string>", "exec"), g, ns)` (dataclasses has no `__future__` flags to
inherit), and a code object read back with `marshal` is the one written, as byte-code is.

**Source digests.** The result cache's key holds a digest of every `.py` file of the package
(`cache.code_digest`: 3.45 MB read and hashed by SHA-256 per run, ~105 M instructions under
valgrind, a tenth of the pool's parent before it forks; issue 15, twenty-sixth round). Each file's
SHA-256 is kept in a second file (`sources.<tag>.marshal`) by its absolute path with the stat it
had when its bytes were hashed — size, `mtime_ns`, `ctime_ns`, inode and device, what the run-level
replay (`cli/replay.py`) compares to skip a whole run — and read back only while the file's stat is
still that (`file_sha256`). Any write to the file sets its `ctime_ns` to the time of the write,
which no tool can set back; a digest is kept only when the file's last change (`mtime_ns` and
`ctime_ns`) was more than `RACY_NS` before it was hashed (git's "racy clean" rule, the replay's
too), so a later write in the same timestamp tick cannot leave the stat as it was.

Sound only for the interpreter that wrote the file: it records `sys.version` and `_sre.MAGIC` (the
program format) and is ignored by any other; the hooks are installed only on CPython 3.11, whose
`re._compiler.compile` and `dataclasses._create_fn` they follow. They are installed by the console
entry only (never when nbrefactor is imported as a library); the file is written at the end of a
run only when Python may write byte-code, atomically, and only when the run compiled something
new. Whatever is seen for the first time is compiled by `re` or `exec` itself (so it fails or warns
as before); a pattern whose compilation warns is never kept.
"""

from __future__ import annotations

import marshal
import os
import sys
import time

_FORMAT = 2  # 2: each program kept as the bytes of its 32-bit code words (1: a list of ints)
_LIMIT = 4000  # entries per table: patterns built from the notebooks' own text must not grow the file without end
_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "__pycache__", f"startup.{sys.implementation.cache_tag}.marshal")
_known: dict = {}  # (is bytes, pattern, flags) -> (flags, program as bytes, groups, groupindex, indexgroup)
_code: dict = {}  # source text dataclasses execs -> its code object
_added = 0
# What this run used (hits and additions): when a table is full, the file is rewritten with these
# alone, so entries no run needs any more (older versions' patterns) make room for new ones.
_used_patterns: set = set()
_used_sources: set = set()
_full = False
_installed_by = 0  # the process that installed the hooks, the only one that writes the file (not a forked worker)
# In a forked pool worker: the tables of the patterns it compiled for the first time, and the kept
# ones it used that its parent had not, since it last handed them over (`worker_news`, `adopt`).
_from_worker: dict = {}
_used_in_worker: set = set()
_DIGESTS_FORMAT = 1
RACY_NS = 2_000_000_000  # as the replay's: FAT's 2 s granularity, and any lag of the file system's clock
_digests: dict = {}  # absolute path -> ((size, mtime_ns, ctime_ns, inode, device), SHA-256 of its bytes)
_digests_added = 0
_digests_full = False
_used_digests: set = set()


def install() -> None:
    """Route `re`'s compiler and dataclasses' `exec` through the kept tables (CPython 3.11 only;
    idempotent)."""
    global _known, _code, _installed_by
    if sys.implementation.name != "cpython" or sys.version_info[:2] != (3, 11):
        return
    import re._compiler as compiler  # (loaded with `re` anyway)
    import _sre

    if _sre.CODESIZE != 4 or memoryview(bytes(4)).cast("I").itemsize != 4:
        return  # (a program is kept as the bytes of its 4-byte code words, read back as `I`)

    if getattr(compiler.compile, "__wrapped_by_nbrefactor__", False):
        return
    _installed_by = os.getpid()
    try:
        with open(_PATH, "rb") as handle:
            kept = marshal.loads(handle.read())
        if kept[0] == (_FORMAT, sys.version, _sre.MAGIC) and isinstance(kept[1], dict) and isinstance(kept[2], dict):
            _known, _code = kept[1], kept[2]
    except Exception:  # absent, unreadable, truncated, another interpreter's: compile as before
        _known, _code = {}, {}
    _load_digests()
    _install_dataclasses()
    _stable_tokenize_pattern()
    original = compiler.compile
    parse, code_of, sre_compile = compiler._parser.parse, compiler._code, _sre.compile
    debug = compiler.SRE_FLAG_DEBUG

    def compile(p, flags=0):
        if type(p) not in (str, bytes) or flags & debug:
            return original(p, flags)
        key = (type(p) is bytes, p, int(flags))
        tables = _known.get(key)
        if tables is None:
            if os.getpid() != _installed_by:
                return compile_in_worker(key, p, flags)
            compiled = original(p, flags)  # raises or warns exactly as before
            tables = _tables(p, flags)
            if tables is not None:
                _keep_pattern(key, tables)
            return compiled
        if key not in _used_patterns:
            _used_patterns.add(key)
            if os.getpid() != _installed_by:
                _used_in_worker.add(key)
        return from_tables(p, tables)

    def from_tables(p, tables):
        """The pattern compiled from kept tables, as `compiler.compile` would from its own steps."""
        final_flags, code, groups, groupindex, indexgroup = tables
        return sre_compile(p, final_flags, memoryview(code).cast("I").tolist(), groups, dict(groupindex), indexgroup)

    def compile_in_worker(key, p, flags):
        """A forked worker's first sight of a pattern: it never writes the file, so the tables
        go to its parent with its results (`worker_news`), which keeps them for the next run. A
        user of the default `-j` otherwise compiled the same patterns in the workers on every run
        (PythonDataScienceHandbook: 257 of them, ~35 ms of CPU; issue 15, thirty-second round).
        Compiled once, from the tables, as a hit is; `re` compiles whatever fails or warns (so it
        fails or warns as before), and that is not kept."""
        try:
            tables = _tables(p, flags)
        except Exception:
            tables = None
        if tables is None:
            return original(p, flags)
        compiled = from_tables(p, tables)
        _known[key] = tables  # (this worker's own copy: found again here without compiling)
        _used_patterns.add(key)
        _from_worker[key] = tables
        return compiled

    def _tables(p, flags):
        """What `compiler.compile` hands `_sre.compile` (its own steps), or None if they warn."""
        import warnings

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            parsed = parse(p, flags)
            code = code_of(parsed, flags)
        if caught:
            return None
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        # The program as the bytes of its code words in this machine's order (the opcodes are
        # named int subclasses; each word is 32 bits, `_sre.CODESIZE`): the kept file's largest
        # part, and bytes are read back by `marshal` as one copy where a list of ints is an
        # object per word (the file's 815 programs, 89,055 words on PDSH's patterns: 5.9 ms of
        # `marshal.loads` at every start before, 1.8 ms so; issue 15, thirty-first round).
        from array import array

        try:
            words = array("I", [int(c) for c in code]).tobytes()
        except OverflowError:  # (no word exceeds 32 bits: `_sre.compile` would refuse it)
            return None
        return (int(flags) | parsed.state.flags, words, parsed.state.groups - 1, groupindex, tuple(indexgroup))

    compile.__wrapped_by_nbrefactor__ = True  # type: ignore[attr-defined]
    compiler.compile = compile


def worker_news():
    """In a forked pool worker: the tables of the patterns it compiled for the first time and the
    keys of the kept ones it used that its parent had not, since the last call, for `adopt` in the
    parent; None when there are none (or in any other process)."""
    global _from_worker, _used_in_worker
    if not (_from_worker or _used_in_worker) or os.getpid() == _installed_by:
        return None
    news = (_from_worker, _used_in_worker)
    _from_worker, _used_in_worker = {}, set()
    return news


def adopt(news) -> None:
    """In the process that installed the hooks: what a worker compiled and used (`worker_news`),
    kept as if this process had (within `_LIMIT`), so the next run's workers find it in the file."""
    if news is None or os.getpid() != _installed_by:
        return
    tables, used = news
    for key, entry in tables.items():
        if key not in _known:  # (else another worker's)
            _keep_pattern(key, entry)
    _used_patterns.update(used)


def _keep_pattern(key, tables) -> None:
    """Keep a pattern's tables for the file (in the process that writes it), within `_LIMIT`."""
    global _added, _full
    if len(_known) < _LIMIT:
        _known[key] = tables
        _used_patterns.add(key)
        _added += 1
    else:
        _full = True


def _stable_tokenize_pattern() -> None:
    """`tokenize`'s pseudo-token pattern (952 characters, compiled by every process that tokenizes:
    the warm-up's `print x` cell, the rules reading tokens) lists the string prefixes (`rb`, `Rf`,
    …) in the order of a set, which string hashing shuffles from run to run: its tables were never
    found again, and every run added one more copy to this file and rewrote it (1.1 MB, each run:
    issue 15, twenty-fifth round). The same prefixes sorted make the same text every run. The order
    changes nothing the pattern matches: each prefix stands before a quote, so only the letters
    written before the quote match, whichever alternative is tried first (CPython itself builds
    the pattern in any order). Only the pattern's text is replaced, before anything tokenizes."""
    import tokenize

    prefixes, pseudo = getattr(tokenize, "StringPrefix", None), getattr(tokenize, "PseudoToken", None)
    if not (isinstance(prefixes, str) and isinstance(pseudo, str) and hasattr(tokenize, "_all_string_prefixes")):
        return
    stable = "(" + "|".join(sorted(tokenize._all_string_prefixes())) + ")"  # `tokenize.group`'s form
    if prefixes != stable and prefixes in pseudo and sorted(prefixes[1:-1].split("|")) == sorted(stable[1:-1].split("|")):
        tokenize.PseudoToken = pseudo.replace(prefixes, stable)


def _install_dataclasses() -> None:
    import dataclasses

    if "exec" in vars(dataclasses) or not hasattr(dataclasses, "_create_fn"):
        return  # installed already, or not the dataclasses this follows

    def kept_exec(source, globals=None, locals=None):
        """`exec` for `dataclasses._create_fn` (its only call of it)."""
        global _added, _full
        code = _code.get(source) if type(source) is str else None
        if code is None:
            if type(source) is not str:
                return exec(source, globals, locals)
            try:
                code = compile(source, "<string>", "exec", dont_inherit=True)
            except BaseException:
                return exec(source, globals, locals)  # fails as before
            if len(_code) < _LIMIT:
                _code[source] = code
                _added += 1
            else:
                _full = True
        _used_sources.add(source)
        return exec(code, globals, locals)

    dataclasses.exec = kept_exec  # a module global: found before the built-in by `_create_fn`


def _digests_path() -> str:
    """The source digests' file, beside the tables' (`sources.<tag>.marshal`)."""
    return os.path.join(os.path.dirname(_PATH), f"sources.{sys.implementation.cache_tag}.marshal")


def _load_digests() -> None:
    global _digests
    try:
        with open(_digests_path(), "rb") as handle:
            kept = marshal.loads(handle.read())
        if kept[0] == (_DIGESTS_FORMAT,) and isinstance(kept[1], dict):
            _digests = kept[1]
    except Exception:  # absent, unreadable, truncated: every file is read and hashed
        _digests = {}


def file_sha256(path: str) -> bytes:
    """`hashlib.sha256(<the file's bytes>).digest()`, kept between runs of the console (see the
    module's notes) while the file's stat is the one it had when it was hashed. In a process that
    did not install the tables (a library caller, a forked worker) the file is read every time."""
    import hashlib

    kept = os.getpid() == _installed_by
    if kept:
        status = os.stat(path)
        key = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev)
        entry = _digests.get(path)
        if type(entry) is tuple and len(entry) == 2 and entry[0] == key and type(entry[1]) is bytes and len(entry[1]) == 32:
            _used_digests.add(path)
            return entry[1]
    with open(path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).digest()
    if kept and time.time_ns() - max(status.st_mtime_ns, status.st_ctime_ns) > RACY_NS:
        global _digests_added, _digests_full
        if len(_digests) < _LIMIT or path in _digests:
            _digests[path] = (key, digest)
            _used_digests.add(path)
            _digests_added += 1
        else:
            _digests_full = True
    return digest


def save() -> None:
    """Write the tables when this run compiled something the file lacks, and the source digests
    when this run hashed a file it may keep (atomic; errors ignored); when a table was full, only
    what this run used is written."""
    if sys.dont_write_bytecode or os.getpid() != _installed_by:
        return
    if _added or _full:
        import _sre

        patterns, sources = _known, _code
        if _full:
            patterns = {key: tables for key, tables in _known.items() if key in _used_patterns}
            sources = {source: code for source, code in _code.items() if source in _used_sources}
        _write(_PATH, ((_FORMAT, sys.version, _sre.MAGIC), patterns, sources))
    if _digests_added or _digests_full:
        digests = {path: entry for path, entry in _digests.items() if path in _used_digests} if _digests_full else _digests
        _write(_digests_path(), ((_DIGESTS_FORMAT,), digests))


def _write(path: str, value: object) -> None:
    scratch = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(scratch, "wb") as handle:
            handle.write(marshal.dumps(value))
        os.replace(scratch, path)
    except (OSError, ValueError):
        try:
            os.unlink(scratch)
        except OSError:
            pass
