"""What surrounds a notebook: dependency manifests beside it or above it, and local modules.

`discover_project` is the I/O edge (it reads files, never writes); the parsers are pure. Manifests
are looked for from the notebook's folder up to the project root: the nearest folder holding `.git`
or a `pyproject.toml` with a `[tool.nbrefactor]` table (the root itself included).
"""

from __future__ import annotations

import configparser
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

MANIFEST_GLOBS = ("requirements*.txt", "environment.yml", "environment.yaml", "pyproject.toml", "setup.cfg")


@dataclass(frozen=True)
class Requirement:
    name: str  # normalised distribution name (PEP 503: lower case, runs of -_. as "-")
    spec: str  # the line as written
    line: int
    pinned: bool  # `==`/`===` or a conda `=version`


@dataclass(frozen=True)
class Manifest:
    path: str
    kind: str  # requirements | environment | pyproject | setup.cfg
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class ProjectContext:
    manifests: tuple[Manifest, ...] = ()
    local_modules: frozenset[str] = frozenset()  # importable names beside the notebook

    @property
    def declared(self) -> frozenset[str]:
        return frozenset(r.name for m in self.manifests for r in m.requirements)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower().strip()


_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _requirement(spec: str, line: int, conda: bool = False) -> Optional[Requirement]:
    text = spec.split("#", 1)[0].strip()
    if not text or text.startswith(("-", "git+", "http://", "https://", "file:")):
        return None
    match = _REQ_NAME.match(text)
    if not match:
        return None
    rest = text[match.end():]
    rest = re.sub(r"^\[[^\]]*\]", "", rest).split(";")[0].strip()
    pinned = rest.startswith(("==", "===")) and "*" not in rest
    if conda and not pinned:
        pinned = bool(re.match(r"^=[^=<>]*\d", rest)) and "*" not in rest
    return Requirement(normalise(match.group(1)), spec.strip(), line, pinned)


def parse_requirements_txt(path: str, text: str) -> Manifest:
    reqs = []
    for number, raw in enumerate(text.splitlines(), start=1):
        req = _requirement(raw, number)
        if req:
            reqs.append(req)
    return Manifest(path, "requirements", tuple(reqs))


def parse_environment_yml(path: str, text: str) -> Manifest:
    """Enough YAML for conda's `dependencies:` list and its nested `- pip:` list."""
    reqs = []
    in_deps = False
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not raw.startswith((" ", "\t", "-")):
            in_deps = stripped.startswith("dependencies:")
            continue
        if in_deps and stripped.startswith("- ") and not stripped.rstrip().endswith(":"):
            item = stripped[2:].strip().strip("'\"")
            if item.startswith("pip:"):
                continue
            is_pip = raw.index("-") > 2  # nested under `- pip:`
            name = item.split("::")[-1]
            req = _requirement(name, number, conda=not is_pip)
            if req and req.name not in ("python", "pip"):
                reqs.append(req)
    return Manifest(path, "environment", tuple(reqs))


def parse_pyproject(path: str, text: str) -> Optional[Manifest]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    specs: list[str] = []
    project = data.get("project", {})
    specs += [s for s in project.get("dependencies", []) if isinstance(s, str)]
    for extra in (project.get("optional-dependencies") or {}).values():
        specs += [s for s in extra if isinstance(s, str)]
    poetry = data.get("tool", {}).get("poetry", {})
    for table in ("dependencies", "dev-dependencies"):
        for name, value in (poetry.get(table) or {}).items():
            if name.lower() == "python":
                continue
            version = value if isinstance(value, str) else (value.get("version", "") if isinstance(value, dict) else "")
            specs.append(f"{name}=={version}" if re.match(r"^\d", version or "") else name)
    if not specs:
        return None
    lines = text.splitlines()
    reqs = []
    for spec in specs:
        name = _REQ_NAME.match(spec)
        number = next((i for i, l in enumerate(lines, start=1) if name and name.group(1) in l), 1)
        req = _requirement(spec, number)
        if req:
            reqs.append(req)
    return Manifest(path, "pyproject", tuple(reqs))


def parse_setup_cfg(path: str, text: str) -> Optional[Manifest]:
    parser = configparser.ConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    raw = parser.get("options", "install_requires", fallback="")
    if not raw.strip():
        return None
    lines = text.splitlines()
    reqs = []
    for spec in raw.strip().splitlines():
        number = next((i for i, l in enumerate(lines, start=1) if spec.strip() and spec.strip() in l), 1)
        req = _requirement(spec, number)
        if req:
            reqs.append(req)
    return Manifest(path, "setup.cfg", tuple(reqs))


def parse_manifest(path: str, text: str) -> Optional[Manifest]:
    name = Path(path).name
    if name == "pyproject.toml":
        return parse_pyproject(path, text)
    if name == "setup.cfg":
        return parse_setup_cfg(path, text)
    if name.startswith("environment."):
        return parse_environment_yml(path, text)
    return parse_requirements_txt(path, text)


# --- the I/O edge ----------------------------------------------------------------------------


def is_project_root(folder: Path) -> bool:
    if (folder / ".git").exists():
        return True
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            return "nbrefactor" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return False
    return False


def discover_project(notebook_path: str | Path, display_root: Optional[Path] = None) -> ProjectContext:
    folder = Path(notebook_path).resolve().parent
    return _discover_folder(folder, display_root.resolve() if display_root else None)


@lru_cache(maxsize=1024)
def _discover_folder(folder: Path, display_root: Optional[Path]) -> ProjectContext:
    manifests: list[Manifest] = []
    current = folder
    while True:
        for pattern in MANIFEST_GLOBS:
            for file in sorted(current.glob(pattern)):
                if not file.is_file():
                    continue
                try:
                    text = file.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                manifest = parse_manifest(_display(file, display_root), text)
                if manifest is not None:
                    manifests.append(manifest)
        if is_project_root(current) or current.parent == current:
            break
        current = current.parent
    return ProjectContext(tuple(manifests), frozenset(_local_modules(folder)))


def _display(file: Path, root: Optional[Path]) -> str:
    if root is not None:
        try:
            return file.relative_to(root).as_posix()
        except ValueError:
            pass
    try:
        return file.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return file.as_posix()


def _local_modules(folder: Path) -> set[str]:
    names: set[str] = set()
    try:
        entries = list(folder.iterdir())
    except OSError:
        return names
    for entry in entries:
        if entry.suffix == ".py" and entry.is_file():
            names.add(entry.stem)
        elif entry.is_dir() and ((entry / "__init__.py").exists() or any(entry.glob("*.py"))):
            names.add(entry.name)
    return names
