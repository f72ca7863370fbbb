"""`analysis.python_tree` keeps the 256 most recently parsed cell trees: when it is full the
oldest goes, so the trees of the notebook being audited stay (clearing it whole, as before, made
the rules parse a notebook's earlier cells again whenever it filled up mid-notebook)."""

import ast

from nbrefactor.audit import analysis


def test_the_oldest_tree_goes_and_the_recent_ones_stay(monkeypatch):
    monkeypatch.setattr(analysis, "_TREES", {})
    parses: list[str] = []
    real = ast.parse
    monkeypatch.setattr(analysis.ast, "parse", lambda text, *a, **k: parses.append(text) or real(text, *a, **k))
    sources = [f"x{i} = {i}\n" for i in range(300)]
    trees = [analysis.python_tree(s) for s in sources]
    assert len(parses) == 300 and len(analysis._TREES) == 256
    assert list(analysis._TREES) == sources[44:]  # the 256 most recent, oldest first
    for source, tree in zip(sources[44:], trees[44:]):  # still remembered: the same tree, no parse
        assert analysis.python_tree(source) is tree
    assert len(parses) == 300
    again = analysis.python_tree(sources[0])  # evicted: parsed again, equal to the first
    assert len(parses) == 301 and ast.dump(again) == ast.dump(trees[0])
    assert len(analysis._TREES) == 256 and sources[44] not in analysis._TREES
