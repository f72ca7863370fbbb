"""`guards._chain_bound` lets `too_complex` skip the tokenizer; it must never be below what the
tokenizer counts, or a cell libcst cannot handle in time would reach it."""

from nbrefactor.audit.guards import MAX_CHAIN, _chain_bound, cell_complexity, too_complex

from fixture_cells import masked_code_sources

EDGE_CASES = [
    "x = a ** b // c << d >> e <= f >= g != h == i := j",  # multi-character operators count once
    "y = [v for v in w if v in u and not v is None or v]",
    "z = 1in w\nq = 0if z else 1",  # a word right after a number
    "s = 'a + b . c'  # strings and comments hold operators the tokenizer does not count",
    "f(g(h[i](j)))[k].l(m)",
    "lambda: await_(x)",
]


def test_the_bound_is_never_below_the_tokenizers_count():
    sources = list(EDGE_CASES)
    sources.extend(masked_code_sources())
    assert len(sources) > 100  # the corpus really was read
    for source in sources:
        found = cell_complexity(source)
        assert max(found.longest, found.total) <= _chain_bound(source), source


def test_hand_counted_bounds():
    assert _chain_bound("a + b") == 1
    assert _chain_bound("a ** b") == 2  # two characters, one operator: an upper bound
    assert _chain_bound("x if y else z") == 2  # `if`, `else`
    assert _chain_bound("print(x)") == 2  # `(` and the `in` inside `print`


def test_long_chains_are_still_refused():
    chain = "x = " + " + ".join(["a"] * (MAX_CHAIN + 200))
    assert too_complex(chain) == (f"an expression of {MAX_CHAIN + 199:,} chained operations, more than nbrefactor analyses ({MAX_CHAIN:,})", 1)
    assert too_complex("x = " + " + ".join(["a"] * 300)) is None
