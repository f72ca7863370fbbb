"""Catalogue name patterns (fnmatch syntax: `torch.*.rand*`) tested a whole list at a time.

Rules test every call and string of a notebook against lists of catalogue patterns;
`any(fnmatchcase(name, p) for p in patterns)` runs one regular expression per pattern (tens of
thousands of calls for 100 notebooks). `matches_any` gives the same answer with one compiled
expression per list: the patterns' own translations, as alternatives.
"""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache
from typing import Callable, Iterable


def matches_any(name: str, patterns: Iterable[str]) -> bool:
    """`any(fnmatch.fnmatchcase(name, p) for p in patterns)`."""
    listed = patterns if isinstance(patterns, tuple) else tuple(patterns)
    if not listed:
        return False
    return _combined(listed)(name)


@lru_cache(maxsize=1024)  # one entry per catalogue list: a few hundred at most
def _combined(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    # Compiling the lists' expressions was most of the cost (a run compiles ~100 lists of up to 57
    # patterns, every worker again; the matching itself is cheap), and two thirds of the catalogue's
    # patterns hold no wildcard: a name `p` matches only itself, `p*` a name starting with `p`,
    # `*p` one ending with it (fnmatch's `*` is `.*` with DOTALL, anchored at both ends). Only the
    # rest are compiled. Each translation is anchored (`(?s:…)\Z`) and fnmatch numbers its groups
    # uniquely, so their alternation matches exactly when one of them does.
    exact: set[str] = set()
    prefixes: list[str] = []
    suffixes: list[str] = []
    wild: list[str] = []
    for pattern in patterns:
        if not _WILDCARDS.search(pattern):
            exact.add(pattern)
        elif pattern.endswith("*") and not _WILDCARDS.search(pattern, 0, len(pattern) - 1):
            prefixes.append(pattern[:-1])
        elif pattern.startswith("*") and not _WILDCARDS.search(pattern, 1):
            suffixes.append(pattern[1:])
        else:
            wild.append(pattern)
    starts, ends = tuple(prefixes), tuple(suffixes)
    rest = re.compile("|".join(fnmatch.translate(p) for p in wild)).match if wild else None

    def matches(name: str) -> bool:
        return name in exact or name.startswith(starts) or name.endswith(ends) or (rest is not None and rest(name) is not None)

    return matches


_WILDCARDS = re.compile(r"[*?\[]")  # what fnmatch reads as other than itself


def literal_ends(pattern: str) -> tuple[str, str]:
    """The text of an `fnmatch` pattern before its first wildcard character (`*`, `?`, `[`) and after
    its last (`*`, `?`, the `]` closing a class): plain characters there match only themselves, so
    every name the pattern matches starts and ends with them (`fastai.*DataLoaders.from_*`: "fastai.", "")."""
    specials = [i for i, c in enumerate(pattern) if c in "*?["]
    if not specials:
        return pattern, ""
    closers = [i for i, c in enumerate(pattern) if c in "*?]"]
    return pattern[:specials[0]], pattern[max(closers) + 1:] if closers else ""


@lru_cache(maxsize=1024)
def lowered(patterns: tuple[str, ...]) -> tuple[str, ...]:
    """The patterns in lower case (for case-insensitive lists), computed once per list."""
    return tuple(p.lower() for p in patterns)
