"""A fix reaches every generated package by a version bump of nbrefactor-runtime: so its source
never changes under a version already given out. `runtime/source-digests.txt` records, per version,
the sha256 of what the runtime's wheel carries (`runtime/src/nbrefactor_runtime/*.py`, `py.typed`);
a change to those files without a new version (and a new line) fails here, saying what to do."""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "runtime"
SOURCE = RUNTIME / "src" / "nbrefactor_runtime"
DIGESTS = RUNTIME / "source-digests.txt"
LINE = re.compile(r"^(\d+)\.(\d+)\.(\d+) ([0-9a-f]{64})$")


def source_digest(folder: Path) -> str:
    """sha256 over the wheel's source files: each relative name, its length and its bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and (p.suffix == ".py" or p.name == "py.typed")):
        data = path.read_bytes()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def recorded() -> list[tuple[tuple[int, int, int], str]]:
    rows = []
    for number, text in enumerate(DIGESTS.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip() or text.startswith("#"):
            continue
        match = LINE.match(text)
        assert match, f"{DIGESTS.name}:{number}: expected `<major>.<minor>.<patch> <sha256>`, got {text!r}"
        rows.append(((int(match[1]), int(match[2]), int(match[3])), match[4]))
    return rows


def _version() -> str:
    import ast

    tree = ast.parse((SOURCE / "__init__.py").read_text(encoding="utf-8"))
    return next(n.value.value for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "__version__")


def test_the_runtime_version_is_one_number_in_both_places():
    declared = tomllib.loads((RUNTIME / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert declared == _version(), "runtime/pyproject.toml and nbrefactor_runtime.__version__ must say the same version"


def test_the_runtime_source_is_the_one_recorded_for_its_version():
    version = _version()
    rows = recorded()
    versions = [v for v, _ in rows]
    assert versions == sorted(set(versions)), f"{DIGESTS.name}: one line per version, in increasing order; never rewrite a recorded line"
    current = tuple(int(p) for p in version.split("."))
    now = source_digest(SOURCE)
    bump = "bump the version in runtime/pyproject.toml and runtime/src/nbrefactor_runtime/__init__.py, then append"
    assert versions and versions[-1] == current, (
        f"nbrefactor-runtime {version} has no line in runtime/{DIGESTS.name} (the last is "
        f"{'.'.join(map(str, versions[-1])) if versions else 'none'}): append `{version} {now}`"
    )
    assert rows[-1][1] == now, (
        f"runtime/src changed after nbrefactor-runtime {version} was recorded: packages pinning "
        f"nbrefactor-runtime=={version} would run other code under the same version. To ship the change, "
        f"{bump} `<new version> {now}` to runtime/{DIGESTS.name}"
    )


def test_the_digest_sees_a_changed_file(tmp_path):
    for path in SOURCE.iterdir():
        if path.is_file():
            (tmp_path / path.name).write_bytes(path.read_bytes())
    before = source_digest(tmp_path)
    assert before == source_digest(SOURCE)
    serving = tmp_path / "serving.py"
    serving.write_bytes(serving.read_bytes() + b"\n")
    assert source_digest(tmp_path) != before
    (tmp_path / "notes.txt").write_text("not in the wheel")  # what the wheel does not carry does not count
    serving.write_bytes((SOURCE / "serving.py").read_bytes())
    assert source_digest(tmp_path) == before


def test_nbrefactor_depends_on_the_runtime_version_this_repository_holds():
    # A bump of the runtime without the compiler's pin makes the project uninstallable
    # (the resolver finds no nbrefactor-runtime of the old version).
    root = Path(__file__).resolve().parent.parent
    runtime_version = tomllib.loads((root / "runtime" / "pyproject.toml").read_text())["project"]["version"]
    dependencies = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    assert f"nbrefactor-runtime=={runtime_version}" in dependencies
