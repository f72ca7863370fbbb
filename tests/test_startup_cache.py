"""The compiled regular expressions kept between runs (nbrefactor/startup_cache.py, issue 15
twenty-first round) are the patterns `re` itself compiles: every pattern nbrefactor compiles in a
run, rebuilt from the kept tables in a new process, equals (`Pattern.__eq__` compares the flags
and the whole `_sre` program) and names its groups as `re`'s own compilation of it. Each process
is a fresh interpreter (the hook is global to the process it is installed in)."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="the hook is installed on CPython 3.11 only")

# A run's worth of patterns: an audit of a few fixture folders (the rules' module-level patterns
# and the catalogue's derived ones).
_FILL = """
import sys
from nbrefactor import startup_cache
startup_cache._PATH = sys.argv[1]
startup_cache.install()
from nbrefactor.cli.app import main
main(["audit", *sys.argv[2:], "--no-cache", "-j", "1", "--format", "json"])
startup_cache.save()
"""
FOLDERS = [str(ROOT / "fixtures" / "notebooks" / name) for name in ("anomaly", "chdir", "churn", "colab")]

_CHECK = """
import json, re, sys
import re._compiler
original = re._compiler.compile
from nbrefactor import startup_cache
startup_cache._PATH = sys.argv[1]
startup_cache.install()
kept = dict(startup_cache._known)
differ = []
for (is_bytes, pattern, flags) in kept:
    mine, theirs = re._compiler.compile(pattern, flags), original(pattern, flags)
    if (mine != theirs or mine.groupindex != theirs.groupindex or mine.groups != theirs.groups
            or mine.flags != theirs.flags or type(mine.pattern) is not type(theirs.pattern)):
        differ.append(repr(pattern))
code_differ = [source[:80] for source, code in startup_cache._code.items()
               if code != compile(source, "<string>", "exec", dont_inherit=True)]
print(json.dumps({"kept": len(kept), "differ": differ, "added": startup_cache._added,
                  "code": len(startup_cache._code), "code_differ": code_differ}))
"""


def _python(script: str, *args: str, seed: str | None = None, stream: str = "stdout") -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "runtime" / "src")])}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if seed is not None:
        env["PYTHONHASHSEED"] = seed
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, check=True)
    return getattr(done, stream)


def test_patterns_rebuilt_from_the_kept_tables_equal_res_own(tmp_path: Path) -> None:
    path = tmp_path / "regex.marshal"
    _python(_FILL, str(path), *FOLDERS)
    header, kept, code = marshal.loads(path.read_bytes())
    assert header[1] == sys.version and len(kept) > 300 and len(code) > 300  # the run's patterns and functions were kept
    # each program kept as the bytes of its 32-bit code words (thirty-first round), rebuilt below
    assert all(type(tables[1]) is bytes and len(tables[1]) % 4 == 0 for tables in kept.values())
    result = json.loads(_python(_CHECK, str(path)))
    assert result["kept"] == len(kept) and result["code"] == len(code)
    assert result["differ"] == [] and result["code_differ"] == []
    assert result["added"] == 0  # every pattern came from the tables


def test_another_interpreters_or_a_broken_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "regex.marshal"
    _python(_FILL, str(path), *FOLDERS)
    header, kept, code = marshal.loads(path.read_bytes())
    path.write_bytes(marshal.dumps(((header[0], "3.11.0 (another build)", header[2]), kept, code)))
    result = json.loads(_python(_CHECK, str(path)))
    assert result["kept"] == 0 and result["code"] == 0
    path.write_bytes(marshal.dumps((header, kept, code))[:1000])
    result = json.loads(_python(_CHECK, str(path)))
    assert result["kept"] == 0 and result["code"] == 0


def test_a_pattern_that_fails_or_warns_behaves_as_before_and_is_not_kept(tmp_path: Path) -> None:
    script = """
import re, sys, warnings
from nbrefactor import startup_cache
startup_cache._PATH = sys.argv[1]
startup_cache.install()
try:
    re.compile("(unclosed")
except re.error as error:
    print("error:", error)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    re.compile("[[a]")  # "Possible nested set": a FutureWarning
print("warned:", len(caught))
print("kept:", len(startup_cache._known))
"""
    out = _python(script, str(tmp_path / "regex.marshal"))
    assert "error: missing ), unterminated subpattern at position 0" in out
    assert "warned: 1" in out and "kept: 0" in out


def test_named_groups_of_a_pattern_rebuilt_from_the_tables() -> None:
    """`Match.lastgroup` reads the group names by index (the tables' `indexgroup`)."""
    script = """
import re, sys
from nbrefactor import startup_cache
startup_cache._PATH = "/nonexistent/regex.marshal"
startup_cache.install()
first = re.compile("(?P<a>x)|(?P<b>y)(?P<c>z)?")
re.purge()  # the next compile is answered from the kept tables
second = re.compile("(?P<a>x)|(?P<b>y)(?P<c>z)?")
print(second is not first, startup_cache._added, [second.match(s).lastgroup for s in ("x", "y", "yz")], second.groupindex)
"""
    assert _python(script).split(" ", 2) == ["True", "1", "['a', 'b', 'c'] {'a': 1, 'b': 2, 'c': 3}\n"]


def test_a_dataclass_built_from_kept_code_behaves_as_one_built_by_exec() -> None:
    script = """
import dataclasses, sys
from nbrefactor import startup_cache
startup_cache._PATH = "/nonexistent/startup.marshal"
startup_cache.install()

def build():
    @dataclasses.dataclass(frozen=True, order=True)
    class Point:
        x: int
        y: int = 2
        tags: tuple = dataclasses.field(default_factory=tuple)
    return Point

First = build()
added = startup_cache._added
Second = build()  # the same sources again: from the kept code objects
assert startup_cache._added == added
a, b = Second(1), Second(1, 3, ("t",))
print(added, repr(a), repr(b), a < b, a == Second(1), hash(a) == hash(Second(1)))
try:
    a.x = 5
except dataclasses.FrozenInstanceError as error:
    print("frozen", error)
"""
    assert _python(script).splitlines() == [
        # ten functions compiled once (__init__, __repr__, __eq__, the four orderings, __setattr__,
        # __delattr__, __hash__), then built again from the kept code objects
        "10 build.<locals>.Point(x=1, y=2, tags=()) build.<locals>.Point(x=1, y=3, tags=('t',)) True True True",
        "frozen cannot assign to field 'x'",
    ]


def test_a_full_table_is_rewritten_with_what_the_run_used(tmp_path: Path) -> None:
    """Old entries (an earlier version's patterns) must not keep a new version's out for good."""
    script = """
import re, sys
from nbrefactor import startup_cache
startup_cache._PATH = sys.argv[1]
startup_cache._LIMIT = 3
startup_cache.install()
for pattern in sys.argv[2:]:
    re.compile(pattern)
startup_cache.save()
print(sorted(p for _, p, _ in startup_cache._known))
"""
    path = str(tmp_path / "startup.marshal")
    _python(script, path, "old1", "old2", "old3")
    _python(script, path, "old1", "new1")  # the table is full: new1 is not kept, the file is pruned
    kept = marshal.loads(Path(path).read_bytes())[1]
    assert sorted(p for _, p, _ in kept) == ["old1"]
    _python(script, path, "new1", "new2")
    kept = marshal.loads(Path(path).read_bytes())[1]
    assert sorted(p for _, p, _ in kept) == ["new1", "new2", "old1"]


def test_a_forked_worker_hands_what_it_compiled_to_its_parent(tmp_path: Path) -> None:
    """A pool worker never writes the file: the tables of the patterns it compiles for the first
    time, and the keys of the kept ones it uses, go to the parent (`worker_news`, `adopt`), which
    keeps them as its own (round 32: before, nothing of a worker's was kept). What fails or warns
    in a worker does so as before and is not handed over; a worker's pattern equals `re`'s."""
    script = """
import os, pickle, re, sys, warnings
import re._compiler
original = re._compiler.compile
from nbrefactor import startup_cache
startup_cache._PATH = sys.argv[1]
startup_cache.install()
re.compile("parent-pattern")
re.compile("kept-unused")
startup_cache._used_patterns.discard((False, "kept-unused", 0))
read, write = os.pipe()
pid = os.fork()
if pid == 0:
    mine = re.compile("(?P<w>worker)-pattern")
    re.purge()
    again = re.compile("(?P<w>worker)-pattern")  # (found in the worker's own copy now)
    re.compile("kept-unused")
    try:
        re.compile("(unclosed")
    except re.error:
        pass
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        re.compile("[[a]")
    same = mine == original("(?P<w>worker)-pattern", 0) and mine.groupindex == {"w": 1} and again == mine
    os.write(write, pickle.dumps((same, len(caught), startup_cache.worker_news(), startup_cache.worker_news())))
    os._exit(0)
os.close(write)
chunks = []
while True:
    chunk = os.read(read, 65536)
    if not chunk:
        break
    chunks.append(chunk)
os.waitpid(pid, 0)
same, warned, news, then = pickle.loads(b"".join(chunks))
print(same, warned, startup_cache.worker_news(), then, sorted(p for _, p, _ in news[0]), sorted(p for _, p, _ in news[1]))
startup_cache.adopt(news)
print(startup_cache._added, sorted(p for _, p, _ in startup_cache._known), sorted(p for _, p, _ in startup_cache._used_patterns))
"""
    out = _python(script, str(tmp_path / "startup.marshal")).splitlines()
    assert out[0] == "True 1 None None ['(?P<w>worker)-pattern'] ['kept-unused']"
    assert out[1] == (
        "3 ['(?P<w>worker)-pattern', 'kept-unused', 'parent-pattern'] ['(?P<w>worker)-pattern', 'kept-unused', 'parent-pattern']"
    )


_JOBS = """
import sys
from nbrefactor import startup_cache
startup_cache._PATH = sys.argv[1]
startup_cache.install()
from nbrefactor.cli.app import main
main(["audit", *sys.argv[3:], "--no-cache", "-j", sys.argv[2], "--format", "json"])
print(startup_cache._added, file=sys.stderr)
startup_cache.save()
"""


def test_what_the_pools_workers_compile_is_kept_for_the_next_run(tmp_path: Path) -> None:
    """After a run with a pool (`-j 2`), a run of the same notebooks in one process compiles
    nothing the file lacks: the workers' patterns were kept (round 32; before, a default-`-j` user
    compiled them in the workers on every run)."""
    path = tmp_path / "regex.marshal"
    _python(_JOBS, str(path), "2", *FOLDERS)
    assert _python(_JOBS, str(path), "1", *FOLDERS, stream="stderr").split() == ["0"]


_TOKENS = """
import io, json, sys, tokenize
from pathlib import Path

def tokens(text):
    try:
        return [tuple(t) for t in tokenize.generate_tokens(io.StringIO(text).readline)]
    except (tokenize.TokenError, SyntaxError) as exc:  # (IndentationError is one)
        return [type(exc).__name__, str(exc)]

texts = []
for path in sorted(Path(sys.argv[1]).rglob("*.ipynb")):
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (ValueError, UnicodeDecodeError, AttributeError):
        continue
    for cell in cells if isinstance(cells, list) else []:
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        texts.append("".join(source) if isinstance(source, list) else str(source))
for prefix in sorted(tokenize._all_string_prefixes()):  # every prefix, before each kind of quote, and as a name
    texts.append(f"x = {prefix}'a' + {prefix}\\"b\\" + {prefix}'''c\\nd''' + {prefix}\\"\\"\\"e\\"\\"\\"\\n{prefix}x = {prefix}1\\n")
    texts.append(f"y = {prefix}'open\\\\\\nstill'\\nz = {prefix}'unclosed\\n")
before = tokenize.PseudoToken
expected = [tokens(t) for t in texts]
from nbrefactor import startup_cache
startup_cache._PATH = sys.argv[2]
startup_cache.install()
print(json.dumps({"texts": len(texts), "replaced": tokenize.PseudoToken != before, "pattern": tokenize.PseudoToken,
                  "differ": [t[:80] for t, e in zip(texts, expected) if tokens(t) != e]}))
"""


def test_tokenize_reads_every_fixture_cell_as_before_with_its_prefixes_sorted(tmp_path: Path) -> None:
    """Round 25: tokenize's pseudo-token pattern holds the string prefixes in a set's order (another
    every run); sorted, every token of every fixture cell, and of every prefix before every quote,
    is the same."""
    runs = [json.loads(_python(_TOKENS, str(ROOT / "fixtures" / "notebooks"), str(tmp_path / "regex.marshal"), seed=seed))
            for seed in ("1", "2")]
    for result in runs:
        assert result["texts"] > 2000 and result["differ"] == []
    assert any(result["replaced"] for result in runs)  # (a seed may give the sorted order: not both)
    assert runs[0]["pattern"] == runs[1]["pattern"]


_AGAIN = """
import sys
from nbrefactor import startup_cache
startup_cache._PATH = sys.argv[1]
startup_cache.install()
from nbrefactor.cli.app import main
main(["audit", *sys.argv[2:], "--no-cache", "-j", "1", "--format", "json"])
print(startup_cache._added, file=sys.stderr)
startup_cache.save()
"""


def test_a_second_run_with_another_string_hash_adds_nothing_to_the_file(tmp_path: Path) -> None:
    """The same audit run again, its strings hashed with another seed (a set's order, the tokenize
    pattern's prefixes among them, changes), finds every pattern it compiles in the file: nothing
    added, the file not rewritten. Before round 25 each run added one more copy of tokenize's."""
    path = tmp_path / "regex.marshal"
    folders = [*FOLDERS, str(ROOT / "fixtures" / "notebooks" / "python2")]  # Python 2 `print x`: tokenized
    _python(_AGAIN, str(path), *folders, seed="1")
    written = path.read_bytes()
    _, kept, _ = marshal.loads(written)
    assert any(p.startswith("[ \\f\\t]*") and "'''" in p for _, p, _ in kept if isinstance(p, str))  # tokenize's
    added = _python(_AGAIN, str(path), *folders, seed="2", stream="stderr")
    assert added.split() == ["0"]
    assert path.read_bytes() == written


# --- the source digests (issue 15, twenty-sixth round) ------------------------------------------


def _keeping(monkeypatch, tmp_path: Path, *, later_ns: int = 0):
    """startup_cache as installed by this process, its files in `tmp_path`, no digest kept yet;
    `later_ns`: the clock read as that much later (a file changed just now is then old enough)."""
    import time

    from nbrefactor import startup_cache

    monkeypatch.setattr(startup_cache, "_PATH", str(tmp_path / "startup.marshal"))
    monkeypatch.setattr(startup_cache, "_installed_by", os.getpid())
    monkeypatch.setattr(startup_cache, "_digests", {})
    monkeypatch.setattr(startup_cache, "_used_digests", set())
    monkeypatch.setattr(startup_cache, "_digests_added", 0)
    real = time.time_ns
    monkeypatch.setattr(startup_cache.time, "time_ns", lambda: real() + later_ns)
    return startup_cache


def _package(tmp_path: Path) -> Path:
    import shutil

    package = tmp_path / "pkg"
    shutil.copytree(ROOT / "nbrefactor", package, ignore=shutil.ignore_patterns("__pycache__"))
    return package


def test_the_code_digest_reads_kept_file_digests_back_without_reading_the_files(monkeypatch, tmp_path: Path) -> None:
    """A run that hashed the package's files keeps each file's SHA-256 by its stat; the next run
    (a new process: the kept file read again) computes the same code digest without opening one
    of them."""
    import hashlib

    from nbrefactor.audit import cache

    startup_cache = _keeping(monkeypatch, tmp_path, later_ns=10 * 10**9)
    package = _package(tmp_path)
    cache._tree_digest.cache_clear()
    first = cache.code_digest(package)
    files = sorted(p for p in package.rglob("*.py"))
    assert all(startup_cache._digests[str(p)][1] == hashlib.sha256(p.read_bytes()).digest() for p in files)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # (as where Python writes byte-code)
    startup_cache.save()
    monkeypatch.setattr(startup_cache, "_digests", {})
    startup_cache._load_digests()
    assert len(startup_cache._digests) == len(files)

    def refuse(*args, **kwargs):
        raise AssertionError("a kept digest was not read back")

    monkeypatch.setattr(startup_cache, "open", refuse, raising=False)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    cache._tree_digest.cache_clear()
    assert cache.code_digest(package) == first
    cache._tree_digest.cache_clear()


def test_the_catalogue_digest_reads_kept_file_digests_back_without_reading_the_files(monkeypatch, tmp_path: Path) -> None:
    """The catalogue's part of the cache key (round 32): each file's SHA-256 kept by its stat as the
    package's are; the digest is the one computed from the files' bytes, and the next run (the kept
    file read again) computes it without opening one of them. A file edited since is hashed again."""
    import hashlib
    import shutil
    import time

    from nbrefactor.audit import cache
    from nbrefactor.audit.catalog import shipped_rules_dir

    startup_cache = _keeping(monkeypatch, tmp_path, later_ns=10 * 10**9)
    extra = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), extra)

    def from_bytes() -> str:  # (the digest as it was computed before round 32)
        digest = hashlib.sha256()
        for index, folder in enumerate([shipped_rules_dir(), extra]):
            for file in sorted(Path(folder).glob("*.toml")):
                digest.update(f"{index}\x1f{file.name}\0".encode("utf-8"))
                digest.update(hashlib.sha256(file.read_bytes()).digest())
        return digest.hexdigest()

    expected = from_bytes()
    assert cache.catalogue_digest((str(extra),)) == expected
    files = sorted(extra.glob("*.toml"))
    assert len(files) > 5 and all(str(f) in startup_cache._digests for f in files)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    startup_cache.save()
    monkeypatch.setattr(startup_cache, "_digests", {})
    startup_cache._load_digests()

    def refuse(*args, **kwargs):
        raise AssertionError("a kept digest was not read back")

    with monkeypatch.context() as m:
        m.setattr(startup_cache, "open", refuse, raising=False)
        m.setattr(Path, "read_bytes", refuse)
        assert cache.catalogue_digest((str(extra),)) == expected
    edited = files[0]
    text = edited.read_bytes()
    time.sleep(0.05)
    edited.write_bytes(text.replace(b"=", b"= ", 1))
    changed = from_bytes()
    assert changed != expected and cache.catalogue_digest((str(extra),)) == changed


def test_an_edited_source_file_changes_the_code_digest_even_at_the_same_size(monkeypatch, tmp_path: Path) -> None:
    """An edit that keeps the file's size (one letter for another) changes its stat's `ctime_ns`:
    the kept digest is not read, the file is hashed again and the code digest (the cache key's
    part) changes; the digest of the edited file is the one kept after."""
    import hashlib
    import time

    from nbrefactor.audit import cache

    startup_cache = _keeping(monkeypatch, tmp_path, later_ns=10 * 10**9)
    package = _package(tmp_path)
    cache._tree_digest.cache_clear()
    before = cache.code_digest(package)
    edited = package / "audit" / "engine.py"
    text = edited.read_bytes()
    time.sleep(0.05)  # (a timestamp tick later: the test's clock is moved, the file system's is not)
    edited.write_bytes(text.replace(b"import", b"IMPORT", 1))
    assert edited.stat().st_size == len(text)
    cache._tree_digest.cache_clear()
    after = cache.code_digest(package)
    assert after != before
    assert startup_cache._digests[str(edited)][1] == hashlib.sha256(edited.read_bytes()).digest()
    cache._tree_digest.cache_clear()


def test_a_file_changed_within_the_racy_margin_is_hashed_but_not_kept(monkeypatch, tmp_path: Path) -> None:
    """A file changed less than `RACY_NS` before it is hashed may change again in the same
    timestamp tick without changing its stat: its digest is right, but not kept; nor is any in a
    process that did not install the tables (a library caller)."""
    import hashlib

    startup_cache = _keeping(monkeypatch, tmp_path)
    fresh = tmp_path / "fresh.py"
    fresh.write_text("x = 1\n")
    assert startup_cache.file_sha256(str(fresh)) == hashlib.sha256(b"x = 1\n").digest()
    assert str(fresh) not in startup_cache._digests and startup_cache._digests_added == 0
    monkeypatch.setattr(startup_cache.time, "time_ns", lambda: fresh.stat().st_ctime_ns + 10 * 10**9)
    monkeypatch.setattr(startup_cache, "_installed_by", os.getpid() + 1)
    assert startup_cache.file_sha256(str(fresh)) == hashlib.sha256(b"x = 1\n").digest()
    assert str(fresh) not in startup_cache._digests
