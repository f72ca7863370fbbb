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
