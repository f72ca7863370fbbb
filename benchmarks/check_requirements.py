"""Does this Python satisfy an nbrefactor tree's runtime requirements? (`benchmarks/regress.sh`)

    python benchmarks/check_requirements.py TREE

Silent with exit code 0 when it does; otherwise one line saying what is missing or too old, exit
code 1. What is checked: TREE/pyproject.toml's `requires-python` and `[project].dependencies`
(markers evaluated for this interpreter), against the installed distributions' versions
(`importlib.metadata`). The runtime library the tree carries (TREE/runtime, put on PYTHONPATH by
regress.sh) is not looked for among the installed distributions.

Why: regress.sh once fell back to a system `python3` whose libcst 1.0.1 (nbrefactor needs >= 1.4)
audited without an error and produced findings the tree does not make; a corpus audited by the
wrong interpreter must stop the run, not be compared.
"""

from __future__ import annotations

import sys
from pathlib import Path


def problems(tree: Path) -> list[str]:
    """What this interpreter lacks for `tree`'s nbrefactor: one phrase per unmet requirement."""
    try:
        import tomllib
    except ImportError:  # (Python < 3.11, which no nbrefactor supports)
        return [f"Python {sys.version.split()[0]} has no tomllib (nbrefactor needs Python >= 3.11)"]
    try:
        from importlib.metadata import PackageNotFoundError, version
        from packaging.requirements import Requirement
        from packaging.specifiers import SpecifierSet
        from packaging.utils import canonicalize_name
    except ImportError:
        return ["no `packaging` (nbrefactor needs packaging>=23)"]
    project = tomllib.loads((tree / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found: list[str] = []
    python = ".".join(str(part) for part in sys.version_info[:3])
    requires_python = project.get("requires-python")
    if requires_python and not SpecifierSet(requires_python).contains(python, prereleases=True):
        found.append(f"Python {python} (needs {requires_python})")
    carried = set()
    runtime = tree / "runtime" / "pyproject.toml"
    if runtime.is_file():
        carried.add(canonicalize_name(tomllib.loads(runtime.read_text(encoding="utf-8"))["project"]["name"]))
    for text in project.get("dependencies", []):
        requirement = Requirement(text)
        if canonicalize_name(requirement.name) in carried:
            continue
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            found.append(f"{requirement.name} missing (needs {requirement.specifier or 'any version'})")
            continue
        if requirement.specifier and not requirement.specifier.contains(installed, prereleases=True):
            found.append(f"{requirement.name} {installed} (needs {requirement.specifier})")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: check_requirements.py TREE", file=sys.stderr)
        return 2
    tree = Path(argv[1])
    found = problems(tree)
    if found:
        print(f"{sys.executable} does not satisfy nbrefactor's requirements ({tree / 'pyproject.toml'}): "
              + "; ".join(found), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
