"""`matches_any` (one compiled expression per catalogue list) answers as `fnmatchcase` does."""

from fnmatch import fnmatchcase

from nbrefactor.audit.patterns import lowered, matches_any

PATTERNS = ("torch.*.rand*", "numpy.random.seed", "random.?huffle", "tf.[rk]*", "a*b*c", "[!x]y")
NAMES = [
    "torch.cuda.randn", "torch.rand", "numpy.random.seed", "numpy.random.seeds", "random.shuffle",
    "random.sshuffle", "tf.random", "tf.keras.x", "tf.math", "abc", "aXbYc", "ab", "ay", "xy", "",
    "torch.\nx.rand",  # fnmatch's `*` crosses line breaks
]


def test_hand_written_answers():
    assert matches_any("torch.cuda.randn", PATTERNS)
    assert not matches_any("torch.rand", PATTERNS)  # `*.` needs a component between
    assert matches_any("random.shuffle", PATTERNS)
    assert not matches_any("numpy.random.seeds", PATTERNS)  # anchored at the end
    assert matches_any("ay", PATTERNS) and not matches_any("xy", PATTERNS)
    assert not matches_any("anything", ())
    assert matches_any("x", ["x"])  # any iterable


def test_same_answer_as_fnmatchcase_for_every_name_and_sublist():
    for n in range(len(PATTERNS) + 1):
        for start in range(len(PATTERNS)):
            sub = PATTERNS[start:start + n]
            for name in NAMES:
                assert matches_any(name, sub) == any(fnmatchcase(name, p) for p in sub), (name, sub)


def test_lowered():
    assert lowered(("Torch.*", "CUDA")) == ("torch.*", "cuda")


def _names_from(patterns: tuple[str, ...]) -> set[str]:
    """Names near every pattern of a list: the pattern read literally, its wildcards filled in
    several ways, and each cut or lengthened at either end (a prefix pattern's name with one
    character less, a suffix pattern's name with a line break first, …)."""
    names: set[str] = set()
    for pattern in patterns:
        for star in ("", "x", "a.b", "\n", "*"):
            for one in ("z", ".", "?"):
                filled = pattern.replace("*", star).replace("?", one)
                names |= {filled, filled[1:], filled[:-1], filled + "x", "x" + filled, filled + "\n", "\n" + filled}
        names |= {pattern, pattern[1:], pattern[:-1], pattern.strip("*"), pattern.strip("*")[1:], pattern.strip("*")[:-1]}
    return names


def test_every_list_the_rules_ask_about_answers_as_fnmatchcase(monkeypatch):
    """The lists the rules hand `matches_any` while auditing the fixture notebooks, with the names
    they asked about and names made from the lists' own patterns: `_combined` tests the patterns
    without wildcards as names, `p*` and `*p` by their ends, and compiles only the rest; each
    answer must be `fnmatchcase`'s."""
    from pathlib import Path

    from nbrefactor.audit import patterns as patterns_module
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.engine import audit_notebook
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.project import ProjectContext
    from nbrefactor.audit.types import Notebook
    from nbrefactor.config import Settings

    asked: dict[tuple[str, ...], set[str]] = {}
    combined = patterns_module._combined

    def recording(listed: tuple[str, ...]):
        answer = combined(listed)
        names = asked.setdefault(listed, set())

        def matches(name: str) -> bool:
            names.add(name)
            return answer(name)

        return matches

    monkeypatch.setattr(patterns_module, "_combined", recording)
    catalog = load_catalog()
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"
    for path in sorted(fixtures.rglob("*.ipynb"))[:150]:
        notebook = read_notebook(path)
        if isinstance(notebook, Notebook):  # fixtures include broken files on purpose
            audit_notebook(notebook, Settings(), ProjectContext(), catalog)
    assert len(asked) >= 50  # the rules' lists were reached
    kinds = {"exact": 0, "prefix": 0, "suffix": 0, "other": 0}
    checked = 0
    for listed, names in asked.items():
        for pattern in listed:
            body = pattern.strip("*")
            kind = "other" if any(c in body for c in "*?[") else "exact" if body == pattern else "prefix" if pattern == body + "*" else "suffix" if pattern == "*" + body else "other"
            kinds[kind] += 1
        for name in names | _names_from(listed):
            assert combined(listed)(name) == any(fnmatchcase(name, p) for p in listed), (name, listed)
            checked += 1
    assert all(kinds.values()), kinds  # every way `_combined` answers was exercised
    assert checked > 10_000


def test_patterns_with_every_wildcard_in_one_list():
    listed = ("a.b", "a.*", "*.z", "*", "a?c", "[ab].x", "x[", "x*y*", "*m*", "q\\*")
    names = _names_from(listed) | {"a.b", "a.", "a", ".z", "z", "abc", "a.c", "b.x", "c.x", "x[", "xy", "xay", "m", "q\\", "q\\*", "q\\x"}
    for n in range(1, len(listed) + 1):
        for start in range(len(listed) - n + 1):
            sub = listed[start:start + n]
            for name in names:
                assert matches_any(name, sub) == any(fnmatchcase(name, p) for p in sub), (name, sub)
