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
from typing import Callable, Iterable, Optional


def matches_any(name: str, patterns: Iterable[str]) -> bool:
    """`any(fnmatch.fnmatchcase(name, p) for p in patterns)`."""
    listed = patterns if isinstance(patterns, tuple) else tuple(patterns)
    if not listed:
        return False
    return _combined(listed)(name) is not None


@lru_cache(maxsize=1024)  # one entry per catalogue list: a few hundred at most
def _combined(patterns: tuple[str, ...]) -> Callable[[str], Optional[re.Match]]:
    # Each translation is anchored (`(?s:…)\Z`) and fnmatch numbers its groups uniquely, so the
    # alternation matches exactly when one of the patterns does.
    return re.compile("|".join(fnmatch.translate(p) for p in patterns)).match


@lru_cache(maxsize=1024)
def lowered(patterns: tuple[str, ...]) -> tuple[str, ...]:
    """The patterns in lower case (for case-insensitive lists), computed once per list."""
    return tuple(p.lower() for p in patterns)
