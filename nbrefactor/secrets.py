"""Secret patterns (from `rules/secrets.toml`) and redaction.

Every text a reporter shows passes through `redact`, whichever rule produced it: a secret must
never be printed in full, not even on the line of a finding about something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from .catalog import Catalog


@dataclass(frozen=True)
class SecretPattern:
    id: str
    description: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class SecretMatch:
    pattern: SecretPattern
    start: int
    end: int
    value: str  # the secret itself (the pattern's `secret` group when it has one)
    value_start: int


def patterns(catalog: Catalog) -> tuple[SecretPattern, ...]:
    return _compile(tuple((p["id"], p.get("description", p["id"]), p["regex"]) for p in catalog.table("secrets", "pattern", [])))


@lru_cache(maxsize=8)
def _compile(raw: tuple[tuple[str, str, str], ...]) -> tuple[SecretPattern, ...]:
    return tuple(SecretPattern(i, d, re.compile(r)) for i, d, r in raw)


def find_secrets(text: str, catalog: Catalog) -> Iterator[SecretMatch]:
    for pattern in patterns(catalog):
        for m in pattern.regex.finditer(text):
            group = "secret" if "secret" in pattern.regex.groupindex and m.group("secret") else 0
            yield SecretMatch(pattern, m.start(), m.end(), m.group(group), m.start(group))


def mask(value: str) -> str:
    """Keep at most the first 4 characters so a person can tell which key it was."""
    keep = 4 if len(value) >= 12 else 0
    return value[:keep] + "*" * 8


def redact(text: str, catalog: Catalog) -> str:
    spans = sorted({(m.value_start, m.value_start + len(m.value)) for m in find_secrets(text, catalog)})
    if not spans:
        return text
    out = []
    last = 0
    for start, end in spans:
        if start < last:
            continue
        out.append(text[last:start])
        out.append(mask(text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)
