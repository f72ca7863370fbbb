"""The Python a package's image and environment.yml run: chosen from the pins, not only from the
notebook's kernel. Pure: the edge reads each pinned distribution's metadata (`Requires-Python`,
the tags of its installed wheel) when the installed version is the pinned one; pins it could not
read are named as unchecked (the registry test, tests/test_python_choice.py, checks them all).

The rule (documented in docs/pipelines.md):
1. candidates: the Pythons there is a base image for (`mlops.BASE_IMAGES`) whose exact version
   satisfies every known `Requires-Python`;
2. the notebook's Python when it is a candidate;
3. else a candidate for which every binary pin's installed wheel is built (`cp311-cp311-…` proves
   a wheel for 3.11; a pure or abi3 wheel proves nothing more than `Requires-Python`), the one
   closest above the notebook's;
4. else the candidate closest above the notebook's Python (else the closest below);
5. no candidate: the notebook's Python (or 3.11), and a conflict a person must resolve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

DEFAULT_PYTHON = "3.11"


@dataclass(frozen=True)
class PinPython:
    """What the installed copy of a pinned distribution says about the Pythons it runs on."""

    distribution: str
    version: str
    requires_python: Optional[str]  # its `Requires-Python` ("" or None: no bound); None also when unread
    wheel_pythons: Optional[tuple[str, ...]]  # minor versions its installed wheel is built for; None: any
    read: bool = True  # False: the pinned version is not installed here, nothing is known

    @property
    def pin(self) -> str:
        return f"{self.distribution}=={self.version}"


@dataclass(frozen=True)
class PythonChoice:
    version: str  # "3.11"
    notebook: Optional[str]  # the notebook kernel's minor version, when it said one
    why: str  # one line: why this version
    excluded: tuple[str, ...] = ()  # "pandas==3.1.1 requires >=3.11"
    unchecked: tuple[str, ...] = ()  # pins without local metadata
    conflict: bool = False

    @property
    def changed(self) -> bool:
        return self.notebook is not None and self.notebook != self.version


def wheel_pythons(tags: Sequence[str]) -> Optional[tuple[str, ...]]:
    """`cp311-cp311-manylinux…` → ("3.11",); a pure (`py3-none-any`) or stable-ABI (`abi3`) wheel → None."""
    minors = set()
    for tag in tags:
        parts = tag.split("-")
        if len(parts) != 3:
            continue
        interpreter, abi, _ = parts
        match = re.fullmatch(r"cp(\d)(\d+)", interpreter)
        if abi in ("none", "abi3") or match is None:
            return None
        minors.add(f"{match.group(1)}.{match.group(2)}")
    return tuple(sorted(minors, key=_key)) if minors else None


def _key(minor: str) -> tuple[int, ...]:
    return tuple(int(p) for p in minor.split("."))


def _satisfies(requires: Optional[str], full_version: str) -> Optional[bool]:
    if not requires:
        return True
    try:
        return SpecifierSet(requires).contains(Version(full_version), prereleases=True)
    except InvalidSpecifier:
        return None


def choose_python(notebook_python: Optional[str], pins: Sequence[PinPython], images: dict[str, str]) -> PythonChoice:
    """`images`: minor version → the exact Python version of its base image ("3.11" → "3.11.10")."""
    minors = sorted(images, key=_key)
    known = [p for p in pins if p.read]
    unchecked = tuple(sorted(p.pin for p in pins if not p.read))
    excluded: dict[str, list[str]] = {m: [] for m in minors}
    for p in known:
        for m in minors:
            if _satisfies(p.requires_python, images[m]) is False:
                excluded[m].append(f"{p.pin} requires Python {p.requires_python}")
    candidates = [m for m in minors if not excluded[m]]
    wanted = notebook_python or DEFAULT_PYTHON
    above = [m for m in candidates if _key(m) >= _key(wanted)]
    below = [m for m in reversed(candidates) if _key(m) < _key(wanted)]
    reasons = tuple(dict.fromkeys(r for m in minors for r in excluded[m]))
    if not candidates:
        return PythonChoice(wanted, notebook_python, f"no Python with a base image ({', '.join(minors)}) satisfies every pin; kept {wanted}", reasons, unchecked, conflict=True)
    if wanted in candidates:
        why = f"the notebook's Python {wanted}, which every pin with known metadata allows" if notebook_python else f"the default Python {wanted}, which every pin with known metadata allows"
        return PythonChoice(wanted, notebook_python, why, (), unchecked)
    binary = [p for p in known if p.wheel_pythons is not None]
    proven = [m for m in above + below if all(m in (p.wheel_pythons or ()) for p in binary)]
    chosen = proven[0] if proven else (above + below)[0]
    # What ruled out the Pythons between the notebook's and the chosen one (the notebook's included).
    low, high = sorted((_key(wanted), _key(chosen)))
    passed = tuple(dict.fromkeys(r for m in minors if low <= _key(m) <= high and m != chosen for r in excluded[m]))
    why = "; ".join(([f"there is no base image for the notebook's Python {wanted}"] if wanted not in images else []) + list(passed))
    why += f"; Python {chosen} satisfies every pin with known metadata" + (" and has wheels for every binary one" if proven and binary else "")
    return PythonChoice(chosen, notebook_python, why, passed, unchecked)
