"""The compiled regular expressions kept between runs (nbrefactor/regex_cache.py, issue 15
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
from nbrefactor import regex_cache
regex_cache._PATH = sys.argv[1]
regex_cache.install()
from nbrefactor.cli.app import main
main(["audit", *sys.argv[2:], "--no-cache", "-j", "1", "--format", "json"])
regex_cache.save()
"""
FOLDERS = [str(ROOT / "fixtures" / "notebooks" / name) for name in ("anomaly", "chdir", "churn", "colab")]

_CHECK = """
import json, re, sys
import re._compiler
original = re._compiler.compile
from nbrefactor import regex_cache
regex_cache._PATH = sys.argv[1]
regex_cache.install()
kept = dict(regex_cache._known)
differ = []
for (is_bytes, pattern, flags) in kept:
    mine, theirs = re._compiler.compile(pattern, flags), original(pattern, flags)
    if (mine != theirs or mine.groupindex != theirs.groupindex or mine.groups != theirs.groups
            or mine.flags != theirs.flags or type(mine.pattern) is not type(theirs.pattern)):
        differ.append(repr(pattern))
print(json.dumps({"kept": len(kept), "differ": differ, "added": regex_cache._added}))
"""


def _python(script: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "runtime" / "src")])}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, check=True)
    return done.stdout


def test_patterns_rebuilt_from_the_kept_tables_equal_res_own(tmp_path: Path) -> None:
    path = tmp_path / "regex.marshal"
    _python(_FILL, str(path), *FOLDERS)
    header, kept = marshal.loads(path.read_bytes())
    assert header[1] == sys.version and len(kept) > 300  # the run's patterns were kept
    result = json.loads(_python(_CHECK, str(path)))
    assert result["kept"] == len(kept)
    assert result["differ"] == []
    assert result["added"] == 0  # every pattern came from the tables


def test_another_interpreters_or_a_broken_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "regex.marshal"
    _python(_FILL, str(path), *FOLDERS)
    header, kept = marshal.loads(path.read_bytes())
    path.write_bytes(marshal.dumps(((header[0], "3.11.0 (another build)", header[2]), kept)))
    assert json.loads(_python(_CHECK, str(path)))["kept"] == 0
    path.write_bytes(marshal.dumps((header, kept))[:1000])
    assert json.loads(_python(_CHECK, str(path)))["kept"] == 0


def test_a_pattern_that_fails_or_warns_behaves_as_before_and_is_not_kept(tmp_path: Path) -> None:
    script = """
import re, sys, warnings
from nbrefactor import regex_cache
regex_cache._PATH = sys.argv[1]
regex_cache.install()
try:
    re.compile("(unclosed")
except re.error as error:
    print("error:", error)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    re.compile("[[a]")  # "Possible nested set": a FutureWarning
print("warned:", len(caught))
print("kept:", len(regex_cache._known))
"""
    out = _python(script, str(tmp_path / "regex.marshal"))
    assert "error: missing ), unterminated subpattern at position 0" in out
    assert "warned: 1" in out and "kept: 0" in out


def test_named_groups_of_a_pattern_rebuilt_from_the_tables() -> None:
    """`Match.lastgroup` reads the group names by index (the tables' `indexgroup`)."""
    script = """
import re, sys
from nbrefactor import regex_cache
regex_cache._PATH = "/nonexistent/regex.marshal"
regex_cache.install()
first = re.compile("(?P<a>x)|(?P<b>y)(?P<c>z)?")
re.purge()  # the next compile is answered from the kept tables
second = re.compile("(?P<a>x)|(?P<b>y)(?P<c>z)?")
print(second is not first, regex_cache._added, [second.match(s).lastgroup for s in ("x", "y", "yz")], second.groupindex)
"""
    assert _python(script).split(" ", 2) == ["True", "1", "['a', 'b', 'c'] {'a': 1, 'b': 2, 'c': 3}\n"]
