"""The literal screens derived from regular expressions (nbrefactor/audit/regex_screen.py): a
screen may let through a text its expression does not match, never skip one it does."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nbrefactor.audit import secrets
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.regex_screen import derive

CATALOGUE = secrets.patterns(load_catalog())


def _admits(pattern: re.Pattern[str], text: str) -> bool:
    screen = derive(pattern)
    if screen is None:
        return True
    return screen.admits(text, text.lower() if text.isascii() else None)


def _sound(pattern: re.Pattern[str], text: str) -> None:
    if pattern.search(text) is not None:
        assert _admits(pattern, text), (pattern.pattern, text)


# --- the two facts about `re`'s case folding the screen relies on, checked exhaustively ---------


@pytest.mark.parametrize("flags", [re.IGNORECASE, re.IGNORECASE | re.ASCII])
def test_on_ascii_text_re_case_equality_is_equality_after_lower(flags: int) -> None:
    for c in map(chr, range(128)):
        folded = re.compile(re.escape(c), flags)
        for x in map(chr, range(128)):
            assert bool(folded.fullmatch(x)) == (x.lower() == c.lower()), (c, x)


def test_an_ascii_character_that_is_not_a_letter_is_case_equal_only_to_itself() -> None:
    others = "".join(c for c in map(chr, range(128)) if not c.isalpha())
    every_other_character = "".join(chr(i) for i in range(128, sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF)
    for c in others:
        folded = re.compile(re.escape(c), re.IGNORECASE)
        assert folded.search(every_other_character) is None, c
        assert [x for x in map(chr, range(128)) if folded.fullmatch(x)] == [c]


# --- the catalogue -------------------------------------------------------------------------------


def test_every_catalogue_pattern_has_a_screen_of_literals_its_matches_contain() -> None:
    # Written by hand from rules/secrets.toml: what each pattern needs literally.
    expected = {
        "private-key": {"PRIVATE KEY-----", "PRIVATE KEY BLOCK-----"},
        "aws-access-key-id": {"AKIA", "ASIA", "ABIA", "ACCA", "A3T"},
        "aws-secret-access-key": {"awssecret", "aws_secret", "aws-secret", "aws.secret", "aws secret"},
        "github-token": {"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"},
        "slack-webhook": {"https://hooks.slack.com/services/T"},
        "openai-key": {"sk-"},
        "connection-string-password": {"://"},
        "http-bearer-token": {"bearer"},
        "azure-storage-key": {"accountkey", "sharedaccesskey"},
    }
    by_id = {p.id: p for p in CATALOGUE}
    for pattern_id, strings in expected.items():
        screen = by_id[pattern_id].screen
        assert screen is not None and set(screen.strings) == strings, pattern_id
    assert all(p.screen is not None for p in CATALOGUE)


@pytest.mark.parametrize("pattern", CATALOGUE, ids=lambda p: p.id)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_the_screen_admits_every_text_the_catalogue_pattern_matches(pattern, data) -> None:
    text = data.draw(st.from_regex(pattern.regex))
    assume(pattern.regex.search(text) is not None)  # from_regex does not honour look-behinds
    assert pattern.screen is not None and pattern.screen.admits(text, text.lower() if text.isascii() else None)


def test_the_screen_skips_texts_without_the_literals_and_sees_unicode_case_variants() -> None:
    bearer = next(p for p in CATALOGUE if p.id == "http-bearer-token")
    assert bearer.screen is not None
    assert not bearer.screen.admits("import numpy as np\nx = 1\n")
    assert bearer.screen.admits("headers = {'Authorization': 'BEARER abc'}")
    # U+212A KELVIN SIGN and U+017F LONG S are case-equal to k and s for `re`; str.lower() does not
    # make them so: a non-ASCII text is screened by `re` itself.
    folded = re.compile(r"(?i)\bsk[a-z]{4}\b")
    text = "ſ\u212acdef"
    assert folded.search(text) and _admits(folded, text)
    assert not _admits(folded, "nothing here")


# --- the derivation, by hand ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regex", "strings"),
    [
        (r"abc", {"abc"}),
        (r"ab|c", {"ab", "c"}),
        (r"ab|", None),  # the empty alternative needs nothing
        (r"a*", None),
        (r"a?b", {"b"}),
        (r"(ab)+cd?", {"ab"}),
        (r"a(?=x)b", {"ab"}),  # a look-ahead consumes nothing
        (r"(?<![A-Z])KEY\b", {"KEY"}),
        (r"(?:xy){2}z", {"xyxyz"}),
        (r"a[bc]+d", {"ab", "ac"}),
        (r"(?:a|b\w)x", {"x"}),
        (r"(?:AKIA|A3T[A-Z])", {"AKIA", "A3T"}),
        (r"(a)?(?(1)bb|cc)dd", {"dd"}),  # a conditional is not read
        (r"(a)\1", {"a"}),
        (r"[^a]bc", {"bc"}),
        (r"(?i)Bearer", {"bearer"}),
        (r"(?i)a(?-i:B)c", {"abc"}),
        (r"(?x) a b  # comment", {"ab"}),
    ],
)
def test_derived_screens(regex: str, strings) -> None:
    screen = derive(re.compile(regex))
    if strings is None:
        assert screen is None
    else:
        assert screen is not None and set(screen.strings) == strings


def test_case_of_each_literal_follows_its_scoped_flags() -> None:
    mixed = re.compile(r"(?i)a(?-i:B)c")
    screen = derive(mixed)
    assert screen is not None and screen.folded_regex is not None
    # ASCII text: compared lowered (may let "abc" through; the pattern then decides).
    assert screen.admits("xAbCx") and mixed.search("xAbCx") is None
    # Non-ASCII text: re with the literal's own flags, so the case-sensitive B is kept.
    assert not screen.admits("é AbC") and screen.admits("é ABC")
    ascii_fold = re.compile(r"(?ai)k")  # under re.ASCII the Kelvin sign is not a k
    text = "\u212a é"
    assert ascii_fold.search(text) is None and not _admits(ascii_fold, text)


# --- random expressions over a small alphabet -------------------------------------------------

_ALPHABET = "abAB-_:/ \u017f\u212a\u0130\u0131é"
_atoms = st.sampled_from(
    ["a", "b", "A", "B", "-", ":", "/", "s", "k", "K", "i", ".", r"\w", r"\b", "[ab]", "[^a]", "[a-c]", "(?i:ab)", "(?-i:B)", "(?a:k)"]
)


def _combine(children):
    return st.one_of(
        st.lists(children, min_size=1, max_size=4).map("".join),
        st.lists(children, min_size=2, max_size=3).map(lambda xs: "(?:" + "|".join(xs) + ")"),
        children.map(lambda x: f"(?:{x})"),
        children.map(lambda x: f"({x})"),
        st.tuples(children, st.sampled_from(["?", "*", "+", "{2}", "{1,3}", "{0,2}", "??", "+?"])).map(lambda t: f"(?:{t[0]}){t[1]}"),
        children.map(lambda x: f"(?={x})"),
        children.map(lambda x: f"(?<!{x[:1] or 'a'})"),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    regex=st.recursive(_atoms, _combine, max_leaves=10),
    flags=st.sampled_from([0, re.IGNORECASE, re.IGNORECASE | re.ASCII]),
    texts=st.lists(st.text(alphabet=_ALPHABET, max_size=12), min_size=1, max_size=8),
    data=st.data(),
)
def test_random_expressions_never_skip_a_matching_text(regex: str, flags: int, texts: list[str], data) -> None:
    try:
        pattern = re.compile(regex, flags)
    except re.error:
        assume(False)
        return
    for text in texts:
        _sound(pattern, text)
    # and texts hypothesis builds to match the expression
    try:
        generated = data.draw(st.from_regex(pattern))
    except Exception:  # an expression hypothesis cannot generate from
        return
    _sound(pattern, generated)


def test_a_parse_tree_the_derivation_does_not_know_gives_no_screen(monkeypatch) -> None:
    # `re._parser` is private: if a Python version shapes its tree differently, the pattern is
    # searched in every text rather than the audit failing.
    from nbrefactor.audit import regex_screen

    class Odd:
        state = type("S", (), {"flags": 0})()

        def __iter__(self):
            return iter([(regex_screen._c.SUBPATTERN, ("unexpected",))])

    pattern = re.compile("AKIA")
    assert derive(pattern) is not None
    monkeypatch.setattr(regex_screen._p, "parse", lambda *a: Odd())
    assert derive(pattern) is None
