"""ASCII spellings of the notebook's own names, for the places that take ASCII only.

Python 3 identifiers may hold any Unicode letter (PEP 3131): a teaching notebook binds `μ`,
`σ_prior` or `données`, and the generated step modules keep them as written (Python reads every
identifier in NFKC form, so the analysis, which parses with `ast`, already holds `fi` for `ﬁ`).
A Kubeflow component's parameters (`in_<name>`, `out_<name>`), which kfp turns into the keys of
its pipeline spec and the folders of its artifacts, are kept ASCII: each name gets one spelling
here, and every file that needs one reads it from the mapping this module builds (the kfp
pipeline, and the proof's rung 6 through the pipeline's `KFP_NAMES`).

A spelling is the name itself when it is ASCII; else its letters transliterated (`μ` → `mu`,
`Σ` → `Sigma`, `é` → `e`, other characters `u<hex>`). Where that collides with another name
of the model (or with a spelling already given), the name's spelling ends in 6 hex digits of
the SHA-256 of the name: deterministic, and depending only on the set of names, never on order.
"""

from __future__ import annotations

import hashlib
import keyword
import re
import unicodedata
from typing import Iterable

# `GREEK SMALL LETTER MU` → `mu`; `GREEK CAPITAL LETTER SIGMA` → `Sigma` (the letter's name).
_LETTER_NAME = re.compile(r"^(?:GREEK|COPTIC|CYRILLIC) (SMALL|CAPITAL) LETTER ([A-Z]+)$")


def ascii_spelling(name: str) -> str:
    """One name's ASCII transliteration (not yet made unique): an identifier made of
    `[A-Za-z0-9_]`, never a keyword."""
    if name.isascii():
        return name
    parts: list[str] = []
    for ch in unicodedata.normalize("NFKC", name):
        parts.append(_ascii_char(ch))
    spelled = "".join(parts)
    if not spelled or spelled[0].isdigit():
        spelled = "n_" + spelled
    return spelled + "_" if keyword.iskeyword(spelled) else spelled


def _ascii_char(ch: str) -> str:
    if ch.isascii():
        return ch
    letter = _LETTER_NAME.match(unicodedata.name(ch, ""))
    if letter:
        word = letter.group(2).lower()
        return word.capitalize() if letter.group(1) == "CAPITAL" else word
    stripped = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
    if stripped and re.fullmatch(r"\w+", stripped):
        return stripped
    return f"u{ord(ch):x}"


def ascii_spellings(names: Iterable[str]) -> dict[str, str]:
    """Every name → its ASCII spelling, all distinct. ASCII names keep themselves; a non-ASCII
    name whose transliteration is taken ends in a hash of the name."""
    unique = sorted(set(names))
    spelled: dict[str, str] = {n: n for n in unique if n.isascii()}
    taken = set(spelled.values())
    for name in (n for n in unique if not n.isascii()):
        candidate = ascii_spelling(name)
        if candidate in taken:
            candidate = f"{candidate}_{hashlib.sha256(name.encode('utf-8')).hexdigest()[:6]}"
        # A second hash collision would need two names whose SHA-256 share 24 bits *and* the same
        # transliteration: refuse rather than write two parameters of one name.
        if candidate in taken:  # pragma: no cover - practically unreachable
            raise ValueError(f"no distinct ASCII spelling for {name!r}")
        spelled[name] = candidate
        taken.add(candidate)
    return spelled
