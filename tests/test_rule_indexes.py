"""What the rules share or remember to run faster (docs/benchmarks.md, tenth round) gives the
answers they computed before: the flat node list of a cell's tree (`analysis.tree_nodes`), the
path arguments remembered per notebook (`paths.path_arguments`), PTH007's callee → catalogue
entries (`downloads._entries_for`) and DEP005's chain heads without a parent map."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from nbrefactor.audit import analysis
from nbrefactor.audit.analysis import analyse_notebook, tree_nodes
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.loader import parse_notebook
from nbrefactor.audit.patterns import matches_any
from nbrefactor.audit.project import ProjectContext
from nbrefactor.audit.rules import Example, RuleContext
from nbrefactor.audit.rules import downloads, paths, removed_apis
from nbrefactor.audit.types import Notebook

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"

SOURCES = (
    "import numpy as np\nx = np.float(3)\n",
    "def f(a, b=1, *c, d=lambda q: q, **e):\n    global G\n    G = [i for i in range(a) if i]\n    return {k: v for k, v in e.items()}\n",
    "class C(Base, metaclass=M):\n    @property\n    def p(self) -> int:\n        return self.x[1:2, ...]\n",
    "try:\n    import tensorflow.contrib as tc\nexcept ImportError:\n    tc = None\nwith open('a') as f, open('b') as g:\n    pass\n",
    "a = f'{x!r:>{w}}' + 'b' 'c'\nmatch p:\n    case [1, *rest] if rest:\n        y = rest\n    case {'k': v, **kw}:\n        pass\n",
)


def _notebook(*cells: str) -> Notebook:
    nb = parse_notebook("nb.ipynb", json.dumps(Example(cells=cells).notebook_json()).encode("utf-8"))
    assert isinstance(nb, Notebook)
    return nb


def _fixture_sources(limit: int = 400) -> list[str]:
    found: dict[str, None] = {}
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        try:  # fixtures include broken files on purpose
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (ValueError, UnicodeDecodeError, AttributeError):
            continue
        for cell in cells if isinstance(cells, list) else []:
            if not isinstance(cell, dict):
                continue
            if cell.get("cell_type") == "code":
                source = cell.get("source", "")
                text = "".join(source) if isinstance(source, list) else source
                if isinstance(text, str):
                    found[text] = None
        if len(found) >= limit:
            break
    return list(found)


@pytest.mark.parametrize("source", SOURCES)
def test_the_flat_node_list_is_ast_walk_in_its_order(source):
    tree = ast.parse(source)
    assert tree_nodes(tree) == tuple(ast.walk(tree))
    assert tree_nodes(tree) is tree_nodes(tree)  # listed once


def test_the_flat_node_list_is_ast_walk_on_every_fixture_cell():
    checked = 0
    for source in _fixture_sources():
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        nodes = tree_nodes(tree)
        assert len(nodes) == len(tuple(ast.walk(tree))) and all(a is b for a, b in zip(nodes, ast.walk(tree)))
        checked += 1
    assert checked > 100


def test_the_flat_node_list_belongs_to_its_tree_and_stays_bounded():
    first = ast.parse("x = 1")
    listed = tree_nodes(first)
    other = ast.parse("x = 1")  # the same source, another tree: its own nodes
    assert tree_nodes(other)[0] is other and listed[0] is first
    for i in range(300):
        tree_nodes(ast.parse(f"y{i} = {i}"))
    assert len(analysis._NODES) <= 256


def test_path_arguments_are_remembered_per_notebook_and_equal_a_fresh_computation():
    catalog = load_catalog()
    facts = analyse_notebook(_notebook(
        "import pandas as pd\ndf = pd.read_csv('data/train.csv')",
        "df.to_csv('/home/me/out.csv', index=False)\nopen('notes.txt', 'w').write('x')",
    ))
    for ca in facts.cells:
        fresh = paths._path_arguments(facts, catalog, ca)
        first = paths.path_arguments(facts, catalog, ca)
        assert first == fresh and len(first) >= 1
        first.clear()  # a caller's list is its own
        assert paths.path_arguments(facts, catalog, ca) == fresh
    # Another notebook (another facts object) is never answered from the last one's memo.
    other = analyse_notebook(_notebook("import pandas as pd\npd.read_parquet('x.parquet')"))
    assert [pa.qualified for pa in paths.path_arguments(other, catalog, other.cells[0])] == ["pandas.read_parquet"]


def test_the_callee_index_gives_the_entries_a_scan_of_the_catalogue_gives():
    catalog = downloads.fetch_catalog(load_catalog())
    callees = {p.replace("*", "x") for entry in catalog.calls for p in entry.patterns}
    callees |= {"numpy.array", "matplotlib.pyplot.plot", "", "torchvision.datasets.MNIST", "transformers.AutoModel.from_pretrained"}
    names = sorted(callees)
    for i, callee in enumerate(names):
        candidates = [callee, names[(i * 7) % len(names)]]
        scanned = [e for e in catalog.calls if any(matches_any(q, e.patterns) for q in candidates)]
        assert downloads._entries_for(catalog, candidates) == scanned
    assert downloads._entries_for(catalog, []) == []


def test_removed_api_uses_are_the_whole_chains_and_guards_still_hold():
    catalog = load_catalog()
    facts = analyse_notebook(_notebook(
        "import tensorflow as tf\nimport numpy as np",
        "y = tf.contrib.layers.flatten(x)\nz = (np.float)(1)\nw = tf.compat.v1.Session",
        "try:\n    s = tf.Session()\nexcept AttributeError:\n    s = None",
    ))
    ctx = RuleContext(facts, catalog, ProjectContext())
    entries, _ = catalog.derived("removed_apis", removed_apis._catalogue)
    uses = removed_apis._uses(ctx, entries)
    assert [(u.ca.cell.index, u.line, u.column, u.shown) for u in uses] == [
        (2, 1, 5, "tensorflow.contrib.layers.flatten"),  # once, at the head of the chain
        (2, 2, 6, "numpy.float"),
    ]
