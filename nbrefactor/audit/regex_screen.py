"""A cheap test that a text *may* match a regular expression, derived from the expression itself.

The secret patterns (`rules/secrets.toml`) are searched in every cell source and output: ~4 MB of
text on 216 real notebooks, ~0.75 s of CPU for 16 patterns, most of it in patterns that begin with
a look-behind (`(?<![A-Z0-9])(?:AKIA|…)`), where `re` cannot use its literal-prefix search and tries
the pattern at every position. Nearly every such pattern needs some literal text in every match
(`AKIA`/`ASIA`/…, `sk-`, `://`, `Bearer`): a text that contains none of them cannot match, and
`str.__contains__` finds that out far faster than the pattern's search.

The catalogue is user-extensible, so the literals are derived from the parsed expression
(`re._parser`), never written by hand. A `Screen` is a disjunction: every match of the expression
contains at least one of its strings. The derivation only ever *forgets* constraints (anything it
does not understand contributes nothing), so the screen can let through texts the expression does
not match, never the other way round; with no required literal found there is no screen (`None`)
and the expression is always searched.

Case: a literal under `(?i)` matches whatever `re` considers case-equal to it. On an ASCII text
that is exactly "the same after `str.lower()`" (tested exhaustively over ASCII); on any other text
the screen asks `re` itself, compiling the strings with each character's own flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

try:  # Python 3.11+
    from re import _constants as _c, _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

# A character of a required literal: (the character, how it is compared).
_EXACT, _FOLD_UNICODE, _FOLD_ASCII = 0, 1, 2
_Char = tuple[str, int]
_Str = tuple[_Char, ...]

_MAX_STRINGS = 32  # a required set larger than this is split (each part is still required)
_MAX_CLASS = 8  # a character class of at most this many single characters counts as literal
_MAX_EXACT_REPEAT = 4


@dataclass(frozen=True)
class Screen:
    """Every match of the expression contains one of `exact` (as is) or of the folded strings
    (case-insensitively, as `re` compares them)."""

    exact: tuple[str, ...]
    folded: tuple[str, ...]  # lower case; compared with a lowered ASCII text
    folded_regex: Optional[re.Pattern[str]]  # the folded strings with their own flags, for other texts
    folded_ascii: bool  # every folded string is ASCII (else ASCII texts use the regex too)

    def admits(self, text: str, lowered: Optional[str] = None) -> bool:
        """False only if the expression cannot match `text`. `lowered`: `text.lower()` if the
        caller has it (it is used only when `text` is ASCII)."""
        for s in self.exact:
            if s in text:
                return True
        if not self.folded:
            return False
        if self.folded_ascii and text.isascii():
            low = text.lower() if lowered is None else lowered
            for s in self.folded:
                if s in low:
                    return True
            return False
        assert self.folded_regex is not None
        return self.folded_regex.search(text) is not None

    @property
    def strings(self) -> tuple[str, ...]:
        return self.exact + self.folded


def derive(pattern: re.Pattern[str]) -> Optional[Screen]:
    """The screen of a compiled `str` pattern, or None when no literal is required (or the
    pattern is outside what this derivation reads)."""
    if not isinstance(pattern.pattern, str):
        return None
    try:
        parsed = _p.parse(pattern.pattern, pattern.flags)
        best = _best(list(_sequence(list(parsed), parsed.state.flags).required))
        return _screen(best) if best is not None else None
    except Exception:  # `re`'s private parser reads differently in this Python: no screen, search all
        return None


def _mode(flags: int) -> int:
    if not flags & re.IGNORECASE:
        return _EXACT
    return _FOLD_ASCII if flags & re.ASCII else _FOLD_UNICODE


def _sub_flags(flags: int, add: int, delete: int) -> int:
    flags = (flags | add) & ~delete
    if add & re.UNICODE:
        flags &= ~re.ASCII
    if add & re.ASCII:
        flags &= ~re.UNICODE
    return flags


_Set = frozenset[_Str]
_EMPTY: _Set = frozenset({()})


@dataclass(frozen=True)
class _Facts:
    """What every match of a pattern node must contain or start with."""

    finite: Optional[_Set]  # the exact strings the node matches, when few (else None)
    prefix: Optional[_Set]  # every match starts with one of these (None: unknown)
    required: tuple[_Set, ...]  # every match contains one of each set


_UNKNOWN = _Facts(None, None, ())


def _join(left: _Set, right: _Set) -> Optional[_Set]:
    if len(left) * len(right) > _MAX_STRINGS:
        return None
    return frozenset(a + b for a in left for b in right)


def _sequence(items: list, flags: int) -> _Facts:
    required: list[_Set] = []
    current = _EMPTY  # the finite run being read: every match contains one of these here
    prefix: Optional[_Set] = None  # set once the sequence's start is known
    at_start = True
    for op, av in items:
        facts = _node(op, av, flags)
        required.extend(facts.required)
        if facts.finite is not None:
            joined = _join(current, facts.finite)
            if joined is None:  # too many strings: close the run (it is still required)
                required.append(current)
                if at_start:
                    prefix, at_start = current, False
                joined = facts.finite
            current = joined
            continue
        joined = _join(current, facts.prefix) if facts.prefix is not None else None
        closed = joined if joined is not None else current
        required.append(closed)
        if at_start:
            prefix, at_start = closed, False
        current = _EMPTY
    required.append(current)
    if at_start:
        return _Facts(current, current, tuple(required))
    return _Facts(None, prefix, tuple(required))


def _node(op, av, flags: int) -> _Facts:
    if op is _c.LITERAL:
        one = frozenset({((chr(av), _char_mode(chr(av), flags)),)})
        return _Facts(one, one, ())
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return _Facts(_EMPTY, _EMPTY, ())  # zero width: consumes nothing
    if op is _c.IN:
        if len(av) <= _MAX_CLASS and all(o is _c.LITERAL for o, _ in av):
            chars = frozenset(((chr(v), _char_mode(chr(v), flags)),) for _, v in av)
            return _Facts(chars, chars, ())
        return _UNKNOWN
    if op is _c.SUBPATTERN:
        _group, add, delete, body = av
        return _sequence(list(body), _sub_flags(flags, add, delete))
    if op is _ATOMIC_GROUP:
        return _sequence(list(av), flags)  # matches what its body can
    if op is _c.BRANCH:
        _, alternatives = av
        each = [_sequence(list(alternative), flags) for alternative in alternatives]
        bests = [_best(list(f.required)) for f in each]
        required: tuple[_Set, ...] = ()
        if all(b is not None for b in bests):
            union = frozenset().union(*bests)  # type: ignore[arg-type]
            if len(union) <= _MAX_STRINGS:
                required = (union,)
        return _Facts(_union(f.finite for f in each), _union(f.prefix for f in each), required)
    if op in _REPEATS:
        low, high, body = av
        facts = _sequence(list(body), flags)
        if low == 0:  # the body may not occur: nothing inside it is required
            if facts.finite is not None and high == 1:
                maybe = facts.finite | _EMPTY
                return _Facts(maybe, maybe, ())
            return _UNKNOWN
        finite = None
        if facts.finite is not None and low == high and low <= _MAX_EXACT_REPEAT:
            finite = _EMPTY
            for _ in range(low):
                finite = _join(finite, facts.finite) if finite is not None else None
        return _Facts(finite, finite if finite is not None else facts.prefix, facts.required)
    return _UNKNOWN  # anything else (classes, `.`, back-references, conditionals): unknown


def _union(sets) -> Optional[_Set]:
    sets = list(sets)
    if any(s is None for s in sets):
        return None
    union = frozenset().union(*sets)
    return union if len(union) <= _MAX_STRINGS else None


def _char_mode(ch: str, flags: int) -> int:
    # An ASCII character that is not a letter is case-equal only to itself, under either
    # (?i) (tested over every code point): compare it as is.
    if ch.isascii() and not ch.isalpha():
        return _EXACT
    return _mode(flags)


_ATOMIC_GROUP = getattr(_c, "ATOMIC_GROUP", object())
_REPEATS = tuple(
    op for op in (getattr(_c, name, None) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")) if op is not None
)


def _best(candidates: list[_Set]) -> Optional[_Set]:
    """The most selective required set: longest shortest string, then fewest strings."""
    best: Optional[_Set] = None
    best_key = (0, 0)
    for candidate in candidates:
        if not candidate:
            continue
        candidate = _minimal(candidate)
        key = (min(len(s) for s in candidate), -len(candidate))
        if key[0] > 0 and key > best_key:
            best, best_key = candidate, key
    return best


def _minimal(strings: _Set) -> _Set:
    """Without the strings that contain another one (finding the shorter one is enough)."""
    return frozenset(s for s in strings if not any(o != s and _contains(s, o) for o in strings))


def _contains(outer: _Str, inner: _Str) -> bool:
    n = len(inner)
    return any(outer[i : i + n] == inner for i in range(len(outer) - n + 1))


def _screen(strings: _Set) -> Screen:
    exact = sorted("".join(ch for ch, _ in s) for s in strings if all(m == _EXACT for _, m in s))
    folded_strings = sorted((s for s in strings if any(m != _EXACT for _, m in s)), key=_text)
    folded = tuple(_text(s).lower() for s in folded_strings)
    regex = None
    if folded_strings:
        regex = re.compile("|".join("".join(_char_regex(ch, m) for ch, m in s) for s in folded_strings))
    return Screen(
        exact=tuple(exact),
        folded=folded,
        folded_regex=regex,
        folded_ascii=all(_text(s).isascii() for s in folded_strings),
    )


def _text(s: _Str) -> str:
    return "".join(ch for ch, _ in s)


def _char_regex(ch: str, mode: int) -> str:
    escaped = re.escape(ch)
    if mode == _FOLD_UNICODE:
        return f"(?i:{escaped})"
    if mode == _FOLD_ASCII:
        return f"(?ai:{escaped})"
    return escaped
