"""The rules' per-notebook work made cheaper (docs/benchmarks.md, issue 15, twenty-seventh round,
helper speed27a; `benchmarks/results/instructions-twentyseventh-speed27a.txt`), each screen or memo
compared with the computation it replaces on every fixture notebook and on written cells that
exercise it, so a screen that dropped something the full computation reports fails here."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def _contexts(written=()):
    """RuleContexts of written notebooks (cells as given), then of every fixture notebook."""
    from nbrefactor.audit.analysis import analyse_notebook
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.loader import parse_notebook, read_notebook
    from nbrefactor.audit.project import ProjectContext
    from nbrefactor.audit.rules import Example, RuleContext
    from nbrefactor.audit.types import Notebook

    catalog = load_catalog()
    notebooks = [parse_notebook("nb.ipynb", json.dumps(Example(cells=cells).notebook_json()).encode("utf-8")) for cells in written]
    notebooks += [nb for nb in map(read_notebook, sorted(FIXTURES.rglob("*.ipynb"))) if isinstance(nb, Notebook)]
    for nb in notebooks:
        yield RuleContext(analyse_notebook(nb), catalog, ProjectContext())


def _hits(found):
    return [(h.cell.index, h.line, h.column, h.message, h.key, h.related) for h in found]


# One-shot iterators: made by each maker kind, iterated in a later cell, rebound in between, made and
# iterated in one cell, and cells between that neither make nor name one.
ITERATOR_CELLS = (
    ("pairs = zip([1, 2], [3, 4])", "x = 1\ny = x + 1", "total = sum(pairs)"),
    ("from itertools import chain\nrows = chain([1], [2])", "print('hi')", "for r in rows:\n    y = r * 2"),
    ("import itertools as it\nrows = it.islice(range(9), 3)", "s = sorted(rows)"),
    ("def gen():\n    yield 1", "g = gen()", "z = 0", "t = tuple(g)"),
    ("g = (i * i for i in range(3))", "h = [v for v in g]"),
    ("import pandas as pd\ndf = pd.DataFrame({'a': [1]})\nrows = df.iterrows()", "n = list(rows)"),
    ("pairs = zip([1], [2])", "pairs = [1]", "total = sum(pairs)"),  # rebound in between: nothing
    ("pairs = map(str, [1])\nout = list(pairs)", "a = 2"),  # made and iterated in one cell
    ("records = zip(['a'], [[0.1]])", "index.upsert(vectors=records)"),
    ("it = iter([1, 2])", "def f():\n    return 1", "class C:\n    pass", "list(it)"),
)


def test_consumed_iterators_screen_reports_as_the_full_walk_on_every_fixture_notebook(monkeypatch):
    """`_consumed_iterators` walks only the cells `_iterator_makers` names and the cells naming an
    iterator another cell made (twenty-seventh round); its findings are the walk of every cell's
    on written iterators and every fixture notebook."""
    from nbrefactor.audit.rules import rerun

    screen = rerun._iterator_makers
    reported = walked = cells = 0
    for ctx in _contexts(ITERATOR_CELLS):
        screened = _hits(rerun._consumed_iterators(ctx))
        monkeypatch.setattr(rerun, "_iterator_makers", lambda ctx, trees: set(range(len(trees))))
        full = _hits(rerun._consumed_iterators(ctx))
        monkeypatch.setattr(rerun, "_iterator_makers", screen)
        assert screened == full, ctx.cells[0].cell.source[:200] if ctx.cells else ""
        reported += bool(full)
        trees = [(ca, rerun.cell_python_tree(ca)) for ca in ctx.cells]
        walked += len(screen(ctx, trees))
        cells += len(trees)
    assert reported >= 8  # the written ones, at least
    assert walked < cells / 5
