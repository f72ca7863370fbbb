"""What the rules share or remember to run faster (docs/benchmarks.md, tenth round) gives the
answers they computed before: the flat node list of a cell's tree (`analysis.tree_nodes`), the
path arguments remembered per notebook (`paths.path_arguments`), PTH007's callee → catalogue
entries (`downloads._entries_for`) and DEP005's chain heads without a parent map; eleventh round:
HID009's one walk per function (`rerun._function_walk`), RND001's function locals computed once
per definition (`randomness._ShownFlow._reads_tainted`), PTH001's concatenations skipped for a
cell with fewer than two strings; thirteenth round: DEP005's path matches from an index
(`removed_apis._path_index`), the randomness catalogue's first matching spec remembered per name
(`randomness._first_match`), PTH003/PTH006's path functions once per notebook; fifteenth round:
PTH007's findings once per notebook (PTH006 reads them), RND001's parent map from the node list,
DEP005's node type sets; sixteenth round: one index of a notebook's name reads for RND001 and
PTH001 (`rules.name_loads`), PTH007's indexes made when a call asks, HID002's never-run cells once
per notebook, the install commands remembered for the last notebook; seventeenth round: HID009's
hazards remembered per cell text and notebook context, PTH001's suffix literals looked for only
where a bound name is read, `paths.classify` remembered; nineteenth round: DEP005's screens on a
chain's head and a callee's last name part before its dotted name is built, STR003's prose count
stopped at its threshold."""

from __future__ import annotations

import ast
import json
import re

import pytest

from nbrefactor.audit import analysis
from nbrefactor.audit.analysis import analyse_notebook, tree_nodes
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.loader import parse_notebook
from nbrefactor.audit.patterns import matches_any
from nbrefactor.audit.project import ProjectContext
from nbrefactor.audit.rules import Example, RuleContext
from nbrefactor.audit.rules import downloads, paths, randomness, removed_apis, rerun
from nbrefactor.audit.types import Notebook

from fixture_cells import FIXTURES, raw_code_sources

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
    return raw_code_sources(limit)


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


FUNCTIONS = (
    "def train(model, data, optimizer):\n    for x, y in data:\n        loss = model(x)\n        optimizer.step()\n",
    "def step(x, y):\n    with tf.GradientTape() as tape:\n        p = model(x)\n    grads = tape.gradient(p, model.trainable_variables)\n"
    "    opt.apply_gradients(zip(grads, model.trainable_variables))\n    return p\n",
    "def calc(a, *b, c=1, **d):\n    def inner(q):\n        return q\n    (e, [f, *g]) = a\n    h: int = 2\n    global G\n    G = bleu(a) + inner(e)\n"
    "    return [k for k in b if (w := k)]\n",
    "def build():\n    model = keras.Sequential()\n    model.add(Dense(1))\n    return model\n",
)


def _fresh_stored(fn: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


@pytest.mark.parametrize("source", FUNCTIONS)
def test_a_functions_walk_is_ast_walk_and_its_stored_names_remembered(source):
    fn = ast.parse(source).body[0]
    nodes, stored = rerun._function_walk(fn)
    assert len(nodes) == len(tuple(ast.walk(fn))) and all(a is b for a, b in zip(nodes, ast.walk(fn)))
    assert stored == _fresh_stored(fn)
    again = rerun._function_walk(fn)
    assert again[0] is nodes and again[1] is stored  # walked once
    other = ast.parse(source).body[0]  # the same source, another tree: its own nodes
    assert rerun._function_walk(other)[0][0] is other


def test_the_function_walks_stay_bounded():
    for i in range(600):
        rerun._function_walk(ast.parse(f"def f{i}(a):\n    b = a\n").body[0])
    assert len(rerun._FUNCTION_WALKS) <= 512


def test_hid009s_function_questions_answer_as_before():
    trees = [ast.parse(source).body[0] for source in FUNCTIONS]
    assert rerun._stepping_parameter(trees[0]) == ("optimizer", 2)
    assert rerun._stepping_parameter(trees[1]) is None
    assert rerun._gradient_models(trees[1]) == ("model",)
    assert rerun._training_function(trees[1]) == ("opt", frozenset({"tf", "model", "opt", "zip"}))
    assert rerun._training_function(trees[0]) is None
    assert rerun._called_globals(trees[2]) == frozenset({"bleu"})  # not `inner` (its own), nor parameters
    assert rerun._called_globals(trees[3]) == frozenset({"Dense"})  # `keras.Sequential` is an attribute call


@pytest.mark.parametrize(("source", "tainted", "reads"), [
    ("def f(text):\n    return text.upper()\n", {"text"}, False),  # its own parameter
    ("def f():\n    text = 'a'\n    return text\n", {"text"}, False),  # its own local
    ("def f():\n    return pick + 1\n", {"pick"}, True),
    ("def f():\n    global pick\n    pick = 2\n    return pick\n", {"pick"}, True),  # declared global: not local
    ("class C:\n    size = pick\n", {"pick"}, True),  # a class body has no locals of its own
    ("def f(a):\n    return a\n", set(), False),
])
def test_a_definition_reads_a_tainted_name_unless_it_is_its_own(source, tainted, reads):
    st = ast.parse(source).body[0]
    flow = randomness._ShownFlow.__new__(randomness._ShownFlow)
    flow.tainted = set(tainted)
    inner = randomness._function_locals(st) if not isinstance(st, ast.ClassDef) else frozenset()
    before = any(isinstance(n, ast.Name) and n.id in flow.tainted and n.id not in inner for n in ast.walk(st))
    assert flow._reads_tainted(st) is reads and before is reads


def test_concatenations_need_two_strings_and_find_them_as_before():
    facts = analyse_notebook(_notebook(
        "url = ('https://host/x' '/raw/y.csv')",
        "path = 'data/a.csv'",
        "n = 1",
    ))
    results = []
    for ca in facts.cells:
        lines = ca.masked.python.split("\n")
        results.append(paths._concatenations(ca, lines))
    joined, continued = results[0]
    assert list(joined.values()) == [("https://host/x/raw/y.csv", 1)] and len(continued) == 1
    assert results[1] == ({}, set()) and results[2] == ({}, set())


# --- thirteenth round ------------------------------------------------------------------------


def test_the_removal_path_index_answers_as_the_catalogue_scan():
    catalog = load_catalog()
    entries, _ = catalog.derived("removed_apis", removed_apis._catalogue)
    index = removed_apis._path_index(entries)
    names = {e.api for e in entries} | {e.api + suffix for e in entries for suffix in (".x", ".x.y", "x", "_2")}
    names |= {e.api.rsplit(".", 1)[0] for e in entries} | {"", ".", "numpy", "sklearn.cross_validation.KFold", "tf..x"}
    assert names and all(removed_apis._match_path(n, index) == removed_apis._match(n, entries) for n in names)
    # The first in catalogue order wins when two apis are prefixes of one name.
    inner = removed_apis.Removal("pkg.mod", "pkg", "2.0", "")
    outer = removed_apis.Removal("pkg", "pkg", "3.0", "")
    method = removed_apis.Removal("pkg.mod.f", "pkg", "1.0", "", method="f", modules=("pkg",))
    for order in ((inner, outer, method), (outer, inner, method), (method, inner, outer)):
        index = removed_apis._path_index(order)
        for name in ("pkg.mod.f", "pkg.mod", "pkg", "pkg.other", "pk", "pkg.modx"):
            assert removed_apis._match_path(name, index) == removed_apis._match(name, order)


def test_the_first_matching_spec_is_the_scans_and_remembered_per_list():
    loaded = load_catalog()
    catalog = loaded.derived("randomness", randomness.RandomnessCatalog.from_catalog)
    assert loaded.derived("randomness", randomness.RandomnessCatalog.from_catalog) is catalog  # once per catalogue
    names = ["numpy.random.seed", "numpy.random.default_rng", "random.seed", "torch.manual_seed", "sklearn.ensemble.RandomForestClassifier",
             "sklearn.model_selection.KFold", "tensorflow.random.set_seed", "pandas.read_csv", "", "x"]
    for specs in (catalog.seeds, catalog.generators, catalog.random_state):
        assert specs
        for name in names:
            expected = next((s for s in specs if randomness._matches(name, s.calls)), None)
            assert randomness._first_match(name, specs) is expected
            assert randomness._first_match(name, specs) is expected  # remembered: the same answer
        assert set(randomness._FIRST_MATCHES[id(specs)][1]) >= set(names)


def test_the_path_functions_are_computed_once_per_notebook(monkeypatch):
    facts = analyse_notebook(_notebook(
        "import pandas as pd\ndef load_table(path):\n    return pd.read_csv(path)",
        "df = load_table('data/orders.csv')",
    ))
    ctx = RuleContext(facts, load_catalog(), ProjectContext())
    computed = []
    compute = paths._compute_path_functions
    monkeypatch.setattr(paths, "_compute_path_functions", lambda c: computed.append(c) or compute(c))
    first = paths._path_functions(ctx)
    assert paths._path_functions(ctx) is first and computed == [ctx]
    assert set(first) == {"load_table"} and first["load_table"][0] == {"path": 0}
    other = RuleContext(facts, ctx.catalog, ProjectContext())
    assert paths._path_functions(other) == first and len(computed) == 2  # a new notebook context computes its own


def test_gpu_named_entries_are_the_catalogue_scans_and_remembered():
    """Fourteenth round: `gpu._named_entries` answers, per qualified call name, what `direct`
    used to scan the catalogue for on every call: the matching `[[call]]`, `[[launcher]]` and
    `[[device_call]]` entries in catalogue order, the fallback check, the module reason and the
    keyword entries in force; remembered per catalogue."""
    from nbrefactor.audit import gpu

    catalog = load_catalog()
    gc = catalog.derived("gpu", gpu.GpuCatalog.from_catalog)
    names = {""}
    for entry in (*gc.calls, *gc.launchers, *gc.device_calls, *gc.modules):
        for name in entry.names:
            names.update({name, name.replace("*", "x"), name + ".sub", name.rsplit(".", 1)[0]})
    for entry in gc.keywords:
        names.update(entry.not_calls + entry.only_calls)
    names.update(gc.fallback_checks + ("numpy.sum", "Torch.Cuda.Is_Available", "x"))
    for q in sorted(names):
        named = gpu._named_entries(gc, q)
        assert named.fallback == (bool(q) and gpu._match(q, gc.fallback_checks))
        assert named.calls == tuple(e for e in gc.calls if q and gpu._match(q, e.names))
        assert named.launchers == tuple(e for e in gc.launchers if q and gpu._match(q, e.names))
        assert named.device_calls == tuple(e for e in gc.device_calls if q and gpu._match(q, e.names))
        assert named.module == (gc.module_reason(q) if q else None)
        assert named.keywords == tuple(
            e for e in gc.keywords
            if not (e.not_calls and q and gpu._match(q, e.not_calls))
            and not (e.only_calls and not (q and gpu._match(q, e.only_calls)))
        )
        assert gpu._named_entries(gc, q) is named  # remembered
    other = gpu.GpuCatalog.from_catalog(catalog)  # another catalogue object: its own memo
    assert gpu._named_entries(other, "torch.cuda.is_available") is not gpu._named_entries(gc, "torch.cuda.is_available")


def test_string_constants_are_computed_once_per_notebook_and_handed_out_as_fresh_dicts(monkeypatch):
    """Fourteenth round: five path rules ask for the notebook's string constants; they are
    computed once per notebook facts and each caller gets its own dict."""
    facts = analyse_notebook(_notebook("ROOT = 'data/'\nTRAIN = ROOT + 'train.csv'", "import pandas as pd\ndf = pd.read_csv(TRAIN)"))
    computed = []
    compute = paths._string_constants
    monkeypatch.setattr(paths, "_string_constants", lambda f: computed.append(f) or compute(f))
    first = paths.string_constants(facts)
    second = paths.string_constants(facts)
    assert first == second and first is not second and computed == [facts]
    assert first["TRAIN"].value == "data/train.csv" and first["TRAIN"].root is first["ROOT"]
    first.pop("ROOT")  # a caller's change stays its own
    assert "ROOT" in paths.string_constants(facts)
    other = analyse_notebook(_notebook("ROOT = 'data/'\nTRAIN = ROOT + 'train.csv'", "import pandas as pd\ndf = pd.read_csv(TRAIN)"))
    assert paths.string_constants(other).keys() == second.keys() and computed == [facts, other]


def test_pth007s_findings_are_found_once_per_notebook_and_pth006_reads_the_same(monkeypatch):
    """Fifteenth round: PTH006 asks for PTH007's findings (the files a reported download saves);
    they are found once per notebook context, and PTH007 reports the same ones."""
    facts = analyse_notebook(_notebook(
        "import gdown\nimport zipfile\nfile_id = 'abc'\ndst = 'bundle.zip'\n"
        "gdown.download(id=file_id, output=dst, quiet=False)",
        "from datasets import load_dataset\nimdb = load_dataset('imdb', split='train')",
    ))
    expected = list(downloads.RuntimeDownload()._hits(RuleContext(facts, load_catalog(), ProjectContext())))
    assert len(expected) == 2
    computed = []
    hits = downloads.RuntimeDownload._hits
    monkeypatch.setattr(downloads.RuntimeDownload, "_hits", lambda self, c: computed.append(c) or hits(self, c))
    ctx = RuleContext(facts, load_catalog(), ProjectContext())
    steps = paths._download_steps(ctx)
    assert list(downloads.RuntimeDownload().check(ctx)) == expected and computed == [ctx]
    assert steps == frozenset((h.cell.index, h.line) for h in expected)
    other = RuleContext(facts, ctx.catalog, ProjectContext())
    assert list(downloads.RuntimeDownload().check(other)) == expected and computed == [ctx, other]


@pytest.mark.parametrize("source", SOURCES)
def test_rnd001s_parent_map_is_iter_child_nodes(source):
    tree = ast.parse(source)
    expected = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = randomness._parent_map(tree)
    assert list(found.items()) == list(expected.items())


def test_rnd001s_parent_map_is_iter_child_nodes_on_every_fixture_cell():
    for source in _fixture_sources():
        try:
            tree = analysis.python_tree(source)
        except (SyntaxError, ValueError, RecursionError):
            continue
        expected = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        assert list(randomness._parent_map(tree).items()) == list(expected.items())


def test_dep005s_node_type_sets_hold_every_node_its_tests_accept():
    """DEP005 skips a node whose type is not in `_BINDINGS`/`_USE_NODES` before its isinstance
    tests: CPython's parser makes no subclass of those types, so nothing they accept is skipped."""
    binding = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    use = (ast.Import, ast.ImportFrom, ast.Call, ast.Attribute, ast.Subscript)  # Subscript: `df.ix[…]`
    assert removed_apis._BINDINGS == frozenset(binding) and removed_apis._USE_NODES == frozenset(use)
    for source in (*SOURCES, *_fixture_sources()):
        try:
            tree = analysis.python_tree(source)
        except (SyntaxError, ValueError, RecursionError):
            continue
        for node in tree_nodes(tree):
            assert isinstance(node, binding) == (type(node) in removed_apis._BINDINGS)
            assert isinstance(node, use) == (type(node) in removed_apis._USE_NODES)


def test_the_name_read_index_is_built_once_per_notebook_for_rnd001_and_pth001(monkeypatch):
    """Sixteenth round: RND001 (a draw's name read only in resource names) and PTH001 (a constant
    read only in Kubernetes manifests) each indexed every name read of the notebook; they now
    read one index (`rules.name_loads`), built once per notebook context."""
    from nbrefactor.audit import rules

    facts = analyse_notebook(_notebook(
        "import random\nmodel_dir = '/mnt/azure/mnist'\nrand = random.randint(0, 10000)\naccount_name = f'store{rand}'",
        "spec = f'''apiVersion: kubeflow.org/v1\nkind: TFJob\nargs: --model-dir={model_dir}\nmountPath: /mnt/azure\n'''",
        "%%bash\necho $model_dir $rand",
    ))
    ctx = RuleContext(facts, load_catalog(), ProjectContext())
    computed = []
    index = rules.index_name_loads
    monkeypatch.setattr(rules, "index_name_loads", lambda f: computed.append(f) or index(f))
    _, rf = randomness._facts(ctx)
    first, second = (ca.cell.index for ca in facts.cells[:2])
    # `rand = random.randint(…)` (line 3, the call at column 8) is read only in `account_name`.
    assert randomness._names_a_resource_only(ctx, rf.draws) == frozenset({(first, 3, 8)})
    # `model_dir`'s literal (line 2, column 13) is read only in the manifest, under its mountPath.
    assert paths._manifest_mounted_in(ctx) == frozenset({(first, 2, 13)})
    assert computed == [facts]
    loads = rules.name_loads(ctx)
    # (the %%bash cell is not Python: it reads nothing)
    assert {name: [(n.lineno, n.col_offset, cell) for n, _, cell in reads] for name, reads in loads.items()} == {
        "random": [(3, 7, first)], "rand": [(4, 23, first)], "model_dir": [(3, 19, second)],
    }


def test_the_single_assignment_index_is_built_once_per_notebook_for_rnd002_and_dep005(monkeypatch):
    """RND002's class aliases (`transform = TSNE`) and DEP005's receivers (`vec = CountVectorizer()`)
    each walked every cell for the names bound only by plain assignments, each with its own set of
    "bound any other way"; they now read one index (`rules.single_assignments`), built once."""
    from nbrefactor.audit import rules

    facts = analyse_notebook(_notebook(
        "from sklearn.manifold import TSNE\nfrom sklearn.feature_extraction.text import CountVectorizer\n"
        "transform = TSNE\nvec = CountVectorizer()\na = b = 1\nn: int = 0\nhint: str",
        "pair, rest = 1, 2\nfor i in range(3):\n    total = i\nwith open('f') as fh:\n    pass\n"
        "try:\n    pass\nexcept ValueError as err:\n    err = None\nstep = 1\nstep += 1\n"
        "def f(arg):\n    arg = 2\n    return arg\nf = 3\ngone = 1\ndel gone\nimport os\nos = None\n"
        "if (w := 3):\n    w = 4\nmatch total:\n    case [head, *tail]:\n        head = tail = 0\n    case {**more}:\n        more = 0\n"
        "squares = [q for q in range(3)]\nq = 1",
    ))
    ctx = RuleContext(facts, load_catalog(), ProjectContext())
    computed = []
    index = rules.index_single_assignments
    monkeypatch.setattr(rules, "index_single_assignments", lambda f: computed.append(f) or index(f))
    assert randomness._class_aliases(ctx) == {"transform": "sklearn.manifold.TSNE"}
    assert removed_apis._makers(ctx, frozenset()) == {
        "transform": frozenset({""}), "vec": frozenset({"sklearn.feature_extraction.text.CountVectorizer"}),
        "a": frozenset({""}), "b": frozenset({""}), "n": frozenset({""}), "hint": frozenset({""}), "total": frozenset({""}),
        "squares": frozenset({""}),
    }
    assert computed == [facts]
    assigned = rules.single_assignments(ctx)
    assert {name: [(type(node).__name__, node.lineno) for node in nodes] for name, nodes in assigned.items()} == {
        "transform": [("Assign", 3)], "vec": [("Assign", 4)], "a": [("Assign", 5)], "b": [("Assign", 5)],
        "n": [("AnnAssign", 6)], "hint": [("AnnAssign", 7)], "total": [("Assign", 3)], "squares": [("Assign", 27)],
    }


def test_the_name_read_index_counts_a_cell_too_complex_for_the_facts():
    """A cell libcst's facts leave out (too complex) still reads its names: "only read in a
    manifest" must not hold for a constant such a cell reads too."""
    from nbrefactor.audit import rules

    heavy = "total = " + " + ".join(["model_dir"] * 1002)  # 1,001 chained operations
    facts = analyse_notebook(_notebook(
        "model_dir = '/mnt/azure/mnist'",
        "spec = f'''apiVersion: kubeflow.org/v1\nkind: TFJob\nargs: --model-dir={model_dir}\nmountPath: /mnt/azure\n'''",
        heavy,
    ))
    assert facts.cells[2].facts.syntax_error is not None and analysis.cell_python_tree(facts.cells[2]) is None
    ctx = RuleContext(facts, load_catalog(), ProjectContext())
    assert len(rules.name_loads(ctx)["model_dir"]) == 1 + 1002
    assert paths._manifest_mounted_in(ctx) == frozenset()
def test_pth007s_indexes_are_made_only_when_a_call_asks_and_give_the_same_findings(monkeypatch):
    """Sixteenth round: `runtime_fetches` makes the notebook's object names, working-directory
    bindings and `[[chain]]` fetches on their first question (most notebooks ask none of them);
    a call whose method ends a chain (`.download(…)` after `Roboflow(…)`) still finds its fetch."""
    made: list[str] = []
    for name in ("_object_names", "_cwd_bindings", "_chain_fetches"):
        real = getattr(downloads, name)
        monkeypatch.setattr(downloads, name, lambda *a, _real=real, _name=name: made.append(_name) or _real(*a))

    def hits(*cells: str) -> list[tuple[int, int]]:
        facts = analyse_notebook(_notebook(*cells))
        return [(h.cell.index, h.line) for h in downloads.RuntimeDownload()._hits(RuleContext(facts, load_catalog(), ProjectContext()))]

    assert hits("import numpy as np\nx = np.arange(3)\nplot = x.sum()", "print(x)") == [] and made == []
    found = hits(
        "from roboflow import Roboflow\nrf = Roboflow(api_key=key)\nproject = rf.workspace('w').project('p')",
        "dataset = project.version(2).download('coco')",
    )
    assert found == [(2, 1)] and made == ["_chain_fetches"]  # asked once, by the `.download` call
    made.clear()
    assert hits("import os\nrunner.download('x')") == [] and made == ["_chain_fetches"]  # asked, finds no chain


def test_hid002s_never_run_cells_are_found_once_per_notebook(monkeypatch):
    """Sixteenth round: HID002, and HID003, HID004 and HID008 through `sketch_cells`, ask for the
    never-run cells; they are found once per notebook context, the same cells as before."""
    from nbrefactor.audit.rules import hidden_state

    facts = analyse_notebook(parse_notebook("nb.ipynb", json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
        "cells": [
            {"cell_type": "code", "source": "x = 1", "execution_count": 1, "metadata": {}, "outputs": []},
            # (a literal: computed from `x`, it would have run inside a split neighbour, fair check 29, item 44)
            {"cell_type": "code", "source": "y = 2", "execution_count": None, "metadata": {}, "outputs": []},
            {"cell_type": "code", "source": "print(x, y)", "execution_count": 2, "metadata": {}, "outputs": []},
        ],
    }).encode("utf-8")))
    expected = hidden_state._find_skipped_cells(RuleContext(facts, load_catalog(), ProjectContext()))
    assert [(c.index, b.index) for c, b in expected] == [(2, 3)]  # (cells count from 1)
    computed = []
    find = hidden_state._find_skipped_cells
    monkeypatch.setattr(hidden_state, "_find_skipped_cells", lambda c: computed.append(c) or find(c))
    ctx = RuleContext(facts, load_catalog(), ProjectContext())
    assert hidden_state.sketch_cells(ctx) == frozenset({2})
    assert hidden_state._skipped_cells(ctx) == tuple(expected) and computed == [ctx]
    assert list(hidden_state.UnexecutedCell().check(ctx)) and computed == [ctx]
    other = RuleContext(facts, ctx.catalog, ProjectContext())
    assert hidden_state._skipped_cells(other) == tuple(expected) and computed == [ctx, other]


def test_install_commands_are_remembered_for_the_last_notebook(monkeypatch):
    """Sixteenth round: ten call sites ask for the notebook's install commands in turn; the last
    notebook's answer is kept, and another facts object gets its own."""
    from nbrefactor.audit import distributions

    cells = ("!pip install -q lightgbm==4.1.0 'pandas<2'", "%pip install requests", "import lightgbm")
    facts = analyse_notebook(_notebook(*cells))
    parsed = []
    per_cell = distributions.cell_install_commands
    monkeypatch.setattr(distributions, "cell_install_commands", lambda ca, f=None, *runners: parsed.append(ca.cell.index) or per_cell(ca, f, *runners))
    first = distributions.install_commands(facts)
    assert [(c.cell.index, c.line) for c in first] == [(1, 1), (2, 1)]  # (cells count from 1)
    assert [s.spec for c in first for s in c.install.packages] == ["lightgbm==4.1.0", "pandas<2", "requests"]
    assert distributions.install_commands(facts) is first and parsed == [1, 2, 3]
    other = analyse_notebook(_notebook(*cells))
    assert distributions.install_commands(other) == first and parsed == [1, 2, 3, 1, 2, 3]


def test_the_current_directory_screen_admits_every_value_the_pattern_matches():
    """Sixteenth round: `paths._saved_start_folders` unparses an assignment's value only when
    `_may_name_current_directory` admits it; every form `_CURRENT_DIRECTORY` matches is admitted
    (written out here, and on every assignment of the fixture cells), and common values are not."""
    written = ("os.getcwd()", "Path.cwd()", "pathlib.Path.cwd()", "os.curdir", "'.'", '"."', "(os.getcwd())",
               "os.path.abspath(os.curdir)", "os.path.abspath('.')", "os.getcwd( )")
    for text in written:
        value = ast.parse(f"x = {text}").body[0].value
        assert paths._CURRENT_DIRECTORY.match(ast.unparse(value)) and paths._may_name_current_directory(value), text
    for text in ("np.zeros(3)", "'./data'", "df.shape", "getcwd()", "1", "[os.getcwd()]", "b'.'"):
        assert not paths._may_name_current_directory(ast.parse(f"x = {text}").body[0].value), text
    assignments = 0
    for source in _fixture_sources(limit=2000):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                assignments += 1
                if paths._CURRENT_DIRECTORY.match(ast.unparse(node.value)):
                    assert paths._may_name_current_directory(node.value), ast.unparse(node)
    assert assignments > 500


def _fixture_notebooks(limit: int = 120) -> list[Notebook]:
    from nbrefactor.audit.loader import read_notebook

    found = []
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        nb = read_notebook(path)
        if isinstance(nb, Notebook):  # fixtures include broken files on purpose
            found.append(nb)
        if len(found) >= limit:
            break
    return found


def _hid009_hits(*cells: str) -> list[tuple[int, int, str]]:
    ctx = RuleContext(analyse_notebook(_notebook(*cells)), load_catalog(), ProjectContext())
    return [(h.cell.index, h.line, h.message) for h in rerun.ChangesWhenRunTwice().check(ctx)]


def test_hid009s_remembered_hazards_are_the_walks_on_the_fixture_cells():
    """Seventeenth round: HID009 remembers a cell's hazards by its text and the notebook context
    the walker reads; on every cell of the fixture notebooks (each in its notebook's context)
    the answer, computed afresh and then from the memo, is the walk's."""
    rerun._HAZARDS.clear()
    cells = hazards = 0
    for nb in _fixture_notebooks(limit=1000):
        ctx = RuleContext(analyse_notebook(nb), load_catalog(), ProjectContext())
        modules = frozenset(imp.bound for _, imp in ctx.facts.imports if imp.bound != "*")
        above, steps, stepping = rerun.trainers(ctx), rerun.training_functions(ctx), rerun.stepping_functions(ctx)
        classes, hf_classes = rerun.keras_model_classes(ctx), rerun.hf_trainer_classes(ctx)
        aliases = frozenset(ctx.facts.aliases.items())
        for ca in ctx.cells:
            args = (modules, above.get(ca.cell.index, {}), ctx.facts.resolve)
            rest = (classes, steps.get(ca.cell.index, {}), hf_classes, stepping.get(ca.cell.index, {}))
            walked = rerun.rerun_hazards(ca, *args, *rest)
            assert rerun.remembered_rerun_hazards(ca, *args, aliases, *rest) == walked
            again = rerun.remembered_rerun_hazards(ca, *args, aliases, *rest)
            assert again == walked
            again.clear()  # a caller's list is its own
            assert rerun.remembered_rerun_hazards(ca, *args, aliases, *rest) == walked
            cells += 1
            hazards += len(walked)
    assert cells > 1000 and hazards > 50


def _walks_and_screens(nb: Notebook, monkeypatch) -> tuple[int, int, int]:
    """(cells, cells the screen passes, hazards) of one notebook; asserts every cell's hazards with
    the screen are the walk's without it."""
    ctx = RuleContext(analyse_notebook(nb), load_catalog(), ProjectContext())
    modules = frozenset(imp.bound for _, imp in ctx.facts.imports if imp.bound != "*")
    above, steps, stepping = rerun.trainers(ctx), rerun.training_functions(ctx), rerun.stepping_functions(ctx)
    classes, hf_classes = rerun.keras_model_classes(ctx), rerun.hf_trainer_classes(ctx)
    argument_steps = rerun.argument_stepping_functions(ctx)
    screen = rerun._may_report
    cells = passed = hazards = 0
    for ca in ctx.cells:
        models, functions, stepped = above.get(ca.cell.index, {}), steps.get(ca.cell.index, {}), stepping.get(ca.cell.index, {})
        args = (ca, modules, models, ctx.facts.resolve, classes, functions, hf_classes, stepped, argument_steps.get(ca.cell.index, {}))
        screened = rerun.rerun_hazards(*args)
        monkeypatch.setattr(rerun, "_may_report", lambda *a: True)
        walked = rerun.rerun_hazards(*args)
        monkeypatch.setattr(rerun, "_may_report", screen)
        assert screened == walked, ca.cell.source[:300]
        tree = analysis.cell_python_tree(ca)
        if tree is not None:
            cells += 1
            passed += screen(tree, models, ctx.facts.resolve, functions, stepped, classes, hf_classes)
        hazards += len(walked)
    return cells, passed, hazards


def test_hid009s_screen_skips_only_cells_the_walker_finds_nothing_in(monkeypatch):
    """Twenty-sixth round: `rerun_hazards` walks a cell only when `_may_report` finds in its class
    index something a report needs. On every cell of the fixture notebooks (each in its
    notebook's context) the hazards are the unscreened walk's, and most cells are skipped."""
    cells = passed = hazards = 0
    for nb in _fixture_notebooks(limit=1000):
        counts = _walks_and_screens(nb, monkeypatch)
        cells, passed, hazards = cells + counts[0], passed + counts[1], hazards + counts[2]
    assert cells > 1000 and hazards > 50
    assert passed < cells / 3  # (~15 %: the walker's work goes to the cells that can report)


@pytest.mark.parametrize("cells", [
    ("from shutil import move as mv\n", "mv('raw/a.csv', 'train/a.csv')\n"),  # a callee by another import name
    ("from os import makedirs\n", "makedirs('out')\n"),
    ("import os\n", "def prepare(d):\n    os.mkdir(d)\n\nprepare('out')\n"),  # a folder step of the cell's own function
    ("import pandas as pd\ndf = pd.read_csv('a.csv')\n", "X = df.values\ndf['c'] = 1\n"),  # read whole, then a column set
    ("import pandas as pd\ndf = pd.read_csv('a.csv')\n", "X = np.asarray(df)\ndf['c'] = 1\n"),
    ("import pandas as pd\ndf = pd.read_csv('a.csv')\n", "df = (\n    df.drop(columns=['a'])\n)\n"),  # the target read on a later line
    ("x = [1, 2, 3]\n", "x, y = x[1:], 2\n"),
    ("d = {'k': 1}\n", "del d['k']\n"),
    ("n = 0\n", "n += 1\n"),
    ("rows = []\ndef total():\n    return sum(rows)\n", "rows.append(1)\n"),  # (read: a list only ever grown is no hazard)
    ("import pandas as pd\ndf = pd.read_csv('a.csv')\n", "df.set_index('a', inplace=True)\n"),
    ("import torch\nmodel = torch.nn.Linear(2, 1)\n", "opt = torch.optim.SGD(model.parameters(), lr=0.1)\nopt.step()\n"),
    ("import torch\nmodel = torch.nn.Linear(2, 1)\noptimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n",
     "scaler = torch.cuda.amp.GradScaler()\nscaler.step(optimizer)\n"),
    ("import torch\nmodel = torch.nn.Linear(2, 1)\noptimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n", "optimizer.step()\n"),
    ("from sklearn.linear_model import SGDClassifier\nclf = SGDClassifier()\n", "clf.partial_fit(X, y)\n"),
    ("import lightning as L\nmodel = build()\n", "trainer = L.Trainer(max_epochs=3)\ntrainer.fit(model)\n"),  # a trainer bound here
    ("from transformers import Trainer\nmodel = build()\n", "trainer = Trainer(model, args)\ntrainer.train()\n"),
])
def test_hid009s_screen_passes_a_cell_of_each_kind_the_walker_reports(cells, monkeypatch):
    """Each kind of report the screen names, written: the walker reports it and the screen passes it."""
    counts = _walks_and_screens(_notebook(*cells), monkeypatch)
    assert counts[2] >= 1 and counts[1] >= 1
    assert any(index == len(cells) for index, _, _ in _hid009_hits(*cells))  # (cells count from 1)


def test_hid009s_memo_tells_notebook_contexts_apart():
    """The same cell text under other imports or other models of the cells above gets its own
    answer: `makedirs('out')` is `os.makedirs` only where the notebook imported it from `os`
    (the names the imports bind are the same, the aliases differ); `optimizer.step()` steps an
    optimizer of another cell only where one was made."""
    rerun._HAZARDS.clear()
    step = "makedirs('out')"
    assert [h[:2] for h in _hid009_hits("from os import makedirs", step)] == [(2, 1)]
    assert _hid009_hits("from mylib import makedirs", step) == []
    assert [h[:2] for h in _hid009_hits("from os import makedirs", step)] == [(2, 1)]
    torch_cell = "import torch\nmodel = torch.nn.Linear(2, 1)\noptimizer = torch.optim.SGD(model.parameters(), lr=0.1)"
    plain_cell = "import torch\nmodel = torch.nn.Linear(2, 1)\noptimizer = make_optimizer()"
    assert [h[:2] for h in _hid009_hits(torch_cell, "optimizer.step()")] == [(2, 1)]
    assert _hid009_hits(plain_cell, "optimizer.step()") == []


def _suffix_literals_by_full_walk(ctx: RuleContext) -> set[tuple[int, int, int]]:
    """PTH001's suffix literals as found before the seventeenth round: every cell's whole tree."""
    right_only: dict[str, bool] = {}
    bound: dict[str, list[tuple[int, int, int]]] = {}
    for ca in ctx.cells:
        tree = analysis.cell_python_tree(ca)
        if tree is None:
            continue
        lines = ca.masked.python.split("\n")
        appended: set[int] = set()
        for n in ast.walk(tree):
            if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
                appended.add(id(n.right))
            elif isinstance(n, ast.AugAssign) and isinstance(n.op, ast.Add):
                appended.add(id(n.value))
            elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                right_only[n.id] = right_only.get(n.id, True) and id(n) in appended
        for stmt in tree.body:
            if (
                isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
            ):
                where = (ca.cell.index, stmt.value.lineno, paths._char_column(lines, stmt.value.lineno, stmt.value.col_offset))
                bound.setdefault(stmt.targets[0].id, []).append(where)
    return {where for name, places in bound.items() if right_only.get(name) for where in places}


def test_pth001s_suffix_literals_are_the_full_walks():
    """Seventeenth round: `_suffix_literals` reads a cell's nodes only when the notebook binds a
    string to a name, and only in cells whose ASCII text holds such a name; the same literals as
    the walk of every cell, on the fixture notebooks and on cells written for it (a read in a
    non-ASCII cell, where CPython NFKC-normalises `ﬁx` to `fix`, is still seen)."""
    catalog = load_catalog()

    def both(nb: Notebook) -> tuple[set, set]:
        ctx = RuleContext(analyse_notebook(nb), catalog, ProjectContext())
        return paths._suffix_literals(ctx), _suffix_literals_by_full_walk(ctx)

    nonempty = 0
    for nb in _fixture_notebooks(limit=1000):
        new, old = both(nb)
        assert new == old, nb.path
        nonempty += bool(new)
    assert nonempty >= 1
    new, old = both(_notebook("fix = '/posts/1'\nbase = 'https://example.org'", "url = base + ﬁx  # é"))
    assert new == old == {(1, 1, 7)}
    new, old = both(_notebook("fix = '/posts/1'", "url = base + fix", "print(fix)"))
    assert new == old == set()  # read whole once: not only a suffix
    new, old = both(_notebook("x = 1", "y = x + 2"))
    assert new == old == set()


def test_pth001s_remembered_classes_are_classifys_answers():
    """Seventeenth round: `classify` remembers its answers for the settings last asked with;
    every string of the fixture cells, with each flag, gets `_classify`'s answer, first and
    from the memo, and other settings are never answered from the memo."""
    settings = paths.path_settings(load_catalog())
    flags = [dict(), dict(path_argument=True), dict(path_argument=True, url_only=True), dict(path_argument=True, store_uri=True)]
    values = ["data/train.csv", "/home/me/x.csv", "s3://b/k", "sqlite:///mlflow.db", "C:\\Users\\me\\x.csv", "r", ""]
    for source in _fixture_sources(limit=2000):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        values.extend(n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str))
    classified = 0
    for _ in range(2):
        for value in values:
            for flag in flags:
                expected = paths._classify(value, settings, flag.get("path_argument", False), flag.get("url_only", False),
                                           flag.get("store_uri", False))
                assert paths.classify(value, settings, **flag) == expected, (value, flag)
                classified += expected is not None
    assert classified > 100
    other = paths.PathSettings(**{**settings.__dict__, "user_patterns": ()})
    assert paths.classify("/home/me/x.csv", settings) == paths.PathClass("user", paths.classify("/home/me/x.csv", settings).detail)
    assert paths.classify("/home/me/x.csv", other) == paths.PathClass("absolute", "")


def _generic_path_arguments_tests_first(facts, catalog, call, qualified, strings):
    """PTH001-PTH006's generic fallback as written before the eighteenth round: the call's tests
    (the notebook's own names, the text-only lists, rules/downloads.toml, bare names, libraries
    whose paths are elsewhere) first, the arguments' shapes after."""
    if not call.func or paths._text_only(facts, call, qualified) or paths._fetch_call(catalog, call, qualified):
        return []
    head = call.func.split(".", 1)[0]
    if "." not in call.func and head not in facts.aliases:
        return []
    if any(qualified.startswith(p) or call.func.startswith(p) for p in paths._NOT_WORKING_DIRECTORY):
        return []
    if paths._archive_member_call(facts, call):
        return []  # fair check 19: a member name given to an open archive's method
    if paths._library_example_call(facts, call):
        return []  # fair check 23: a file of a libpysal example, in libpysal's data folder
    out = []
    for arg in call.args:
        if arg.keyword is None:
            continue
        name = arg.keyword.lower()
        if name in paths._FILE_VALUED_KEYWORDS:
            if paths._file_shaped_keyword_value(facts, call, arg):
                out.append(paths._generic(call, arg, qualified, strings))  # fair check 20: `output="x.tif"`
            continue
        if name in paths._CODE_FOLDER_KEYWORDS or not (name in paths._GENERIC_KEYWORDS or name.endswith(paths._GENERIC_KEYWORD_ENDINGS)):
            continue
        if arg.string is not None and not paths._plausible_generic_path(arg.string, keyword=True):
            continue
        if arg.string is None and arg.name is None:
            continue
        if name in paths._MODEL_ID_KEYWORDS and paths._hub_model_id(facts, arg):
            continue  # fair check 17: a Hub id given to a model keyword (a per-argument test, as the others)
        out.append(paths._generic(call, arg, qualified, strings))
    first = call.arg(0)
    if first is not None:
        value = first.string
        if value is None and first.name is not None and not call.in_function:
            constant = paths.string_constants(facts).get(first.name)
            value = constant.value if constant is not None else None
        if value is not None and paths._plausible_generic_path(value, keyword=False):
            out.append(paths._generic(call, first, qualified, strings))
    return out


def test_the_generic_path_fallback_looks_at_the_arguments_first_with_the_same_answers():
    """Eighteenth round: the generic fallback asks the call's tests only when an argument is
    shaped like a path (almost no call has one); on every uncatalogued call of the fixture
    notebooks, and on calls written for it, the answer is the former order's. Calls the tests
    refuse (`print("x.csv")`, a bare name no import binds, `keras.datasets`) and calls they admit
    both occur, so a screen that dropped a path argument, or kept one a test refuses, fails."""
    catalog = load_catalog()
    kept = refused = 0

    def compare(nb: Notebook) -> None:
        nonlocal kept, refused
        facts = analyse_notebook(nb)
        for ca in facts.cells:
            strings = sorted(ca.facts.strings, key=lambda s: (s.line, s.column))
            for call in ca.facts.calls:
                qualified, entries = paths.matching_entries(facts, catalog, call)
                if entries:
                    continue
                new = paths._generic_path_arguments(facts, catalog, call, qualified, strings)
                assert new == _generic_path_arguments_tests_first(facts, catalog, call, qualified, strings), (nb.path, call)
                kept += len(new)
                refused += not new and any(a.string and a.string.endswith(".csv") for a in call.args)

    for nb in _fixture_notebooks(limit=1000):
        compare(nb)
    compare(_notebook(
        "import vaex\nimport keras\nfrom mylib import load\nprint('train.csv')\nhelper('./x.csv')",
        "vaex.from_csv('./lookup/zones.csv')\nkeras.datasets.mnist.load_data(path='mnist.npz')\nload(out_dir='runs/1')",
        "DATA = 'data/train.csv'\nvaex.open(DATA)\ndef f(DATA):\n    vaex.open(DATA)",
    ))
    assert kept >= 10 and refused >= 2, (kept, refused)


_MIXES = (
    (ast.JoinedStr, ast.Constant), (ast.With, ast.AsyncWith, ast.Assign), (ast.Call, ast.Assign),
    removed_apis._BINDING_CLASSES, removed_apis._USE_NODE_CLASSES,
    (ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.Call, ast.Dict, ast.arguments), (ast.Global, ast.Call),
)


def _nodes_of_by_filter(tree: ast.AST, types: tuple) -> tuple:
    return tuple(n for n in ast.walk(tree) if isinstance(n, types))


def test_the_nodes_of_a_class_are_ast_walks_in_its_order_on_every_fixture_cell():
    """Eighteenth round: `nodes_of(tree, *classes)` — the cell's nodes sorted out by class in one
    pass, remembered with the tree — is `ast.walk` filtered by `isinstance`, in its order, for
    every class that occurs in the fixture cells, for the mixes the rules ask, and for a class
    a cell lacks (empty); asked twice, the same tuple."""
    asked = 0
    for source in [*SOURCES, *_fixture_sources(limit=2000)]:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        classes = {type(n) for n in ast.walk(tree)}
        for kind in (*classes, ast.AsyncFor, ast.Lambda):
            assert analysis.nodes_of(tree, kind) == _nodes_of_by_filter(tree, kind), (source, kind)
            asked += 1
        for mix in _MIXES:
            first = analysis.nodes_of(tree, *mix)
            assert first == _nodes_of_by_filter(tree, mix), (source, mix)
            assert analysis.nodes_of(tree, *mix) is first
    assert asked > 10_000


def test_the_nodes_of_a_class_belong_to_their_tree_and_stay_bounded():
    from nbrefactor.audit import facts as facts_module

    first, other = ast.parse("f(1)"), ast.parse("g(2)\nh(3)")
    calls = analysis.nodes_of(first, ast.Call)
    assert [n.func.id for n in calls] == ["f"]
    assert [n.func.id for n in analysis.nodes_of(other, ast.Call)] == ["g", "h"]
    for i in range(300):
        analysis.nodes_of(ast.parse(f"x{i} = {i}"), ast.Name)
    assert len(facts_module._BY_CLASS) <= 256
    assert analysis.nodes_of(first, ast.Call) == calls  # listed again after it went: the same nodes


def test_the_produced_paths_are_found_once_per_notebook_and_equal_a_fresh_search(monkeypatch):
    """Eighteenth round: PTH003 and PTH006 share `_produced_paths` per notebook; the shared answer
    is the search's, a caller's list its own, and the search runs once per notebook context."""
    catalog = load_catalog()
    calls: list[int] = []
    real = paths._find_produced_paths
    monkeypatch.setattr(paths, "_find_produced_paths", lambda ctx: calls.append(1) or real(ctx))
    found = 0
    for nb in [*_fixture_notebooks(limit=1000), _notebook("import zipfile\nzipfile.ZipFile('a.zip').extractall('data')")]:
        ctx = RuleContext(analyse_notebook(nb), catalog, ProjectContext())
        before = len(calls)
        first = paths._produced_paths(ctx)
        assert first == real(RuleContext(ctx.facts, catalog, ProjectContext()))
        first.clear()
        assert paths._produced_paths(ctx) == real(ctx) and len(calls) == before + 1
        found += bool(real(ctx))
    assert found >= 3


# Nineteenth round: DEP005's screens before a dotted name is built, STR003's prose count stopped
# at its threshold.


_SCREEN_SOURCES = (
    "import tensorflow as tf\ntf.contrib.layers.flatten(x)\nf().x.y\nd[0].b(c=1)\nf()(x)\n(lambda: 1)().z\n",
    "from sklearn.metrics import mean_squared_error as mse\nmse(y, p, squared=False)\nself.a.b.c(1)\n'x'.join(y).strip()\n",
)


def test_dep005s_screens_are_the_dotted_names_parts_on_every_fixture_node():
    """`_root_name` is the head of `dotted_name` and `_last_part` its last part wherever
    `dotted_name` is not empty (where it is, the callers refuse the node after building it): a
    screen that answered otherwise would skip a removal `_uses` reports."""
    checked_roots = checked_parts = 0
    for source in (*_SCREEN_SOURCES, *_fixture_sources(2000)):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                dotted = removed_apis.dotted_name(node)
                if dotted:
                    assert removed_apis._root_name(node) == dotted.split(".", 1)[0]
                    checked_roots += 1
                else:
                    assert removed_apis._root_name(node) is None
            if isinstance(node, ast.Call):
                dotted = removed_apis.dotted_name(node.func)
                if dotted:
                    assert removed_apis._last_part(node.func) == dotted.rsplit(".", 1)[-1]
                    checked_parts += 1
    assert checked_roots > 1000 and checked_parts > 1000


def test_dep005s_screens_keep_every_use_on_written_cells():
    """The removals `_uses` finds on cells that exercise both screened branches (a removed keyword
    of an imported function, a removed module path through an alias, and calls and chains the
    screens refuse around them)."""
    nb = _notebook(
        "import tensorflow as tf\nfrom sklearn.metrics import mean_squared_error\nimport numpy as np",
        "df = load()\ndf.shape.x\nf().x.y\nlayer = tf.contrib.layers.flatten(x)\n",
        "err = mean_squared_error(y, p, squared=False)\nv = np.float(3)\n",
    )
    catalog = load_catalog()
    ctx = RuleContext(analyse_notebook(nb), catalog, ProjectContext())
    entries, _ = catalog.derived("removed_apis", removed_apis._catalogue)
    assert [(u.ca.cell.index, u.line, u.column, u.shown) for u in removed_apis._uses(ctx, entries)] == [
        (2, 4, 9, "tensorflow.contrib.layers.flatten"),
        (3, 1, 7, "sklearn.metrics.mean_squared_error(squared=…)"),
        (3, 2, 5, "numpy.float"),
    ]


def test_str003s_prose_threshold_is_the_full_counts():
    """`_has_prose` answers `sum(_prose_words(...)) >= enough` for every fixture notebook's
    markdown and every threshold around the rule's: the count may stop early, never answer
    otherwise."""
    from nbrefactor.audit.rules import structure

    notebooks = 0
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (ValueError, UnicodeDecodeError, AttributeError):
            continue
        markdowns = [
            "".join(c["source"]) if isinstance(c.get("source"), list) else str(c.get("source", ""))
            for c in cells if isinstance(cells, list) and isinstance(c, dict) and c.get("cell_type") == "markdown"
        ]
        if not markdowns:
            continue
        notebooks += 1
        total = sum(structure._prose_words(m) for m in markdowns)
        for enough in (0, 1, 2, 19, 20, 21, total, total + 1):
            assert structure._has_prose(iter(markdowns), enough) is (total >= enough)
    assert notebooks > 50
    assert structure._has_prose(["# Title only\n## More", "| --- | --- |"], 1) is False
    assert structure._has_prose(["# Title\n" + "word " * 19], 20) is False
    assert structure._has_prose(["# Title\n" + "word " * 19, "- one"], 20) is True


# Twenty-second round: `walk_nodes` (under `tree_nodes`, `nodes_of` and HID009's walks) skips the
# fields the grammar types as identifiers, numbers, strings and constants.
_EVERY_FIELD_KIND = '''
global g
def outer(a: int, /, b=1, *c, d, e=None, **f) -> "T":
    nonlocal_holder = 1
    def inner():
        nonlocal nonlocal_holder
    return inner
class K(Base, metaclass=M):
    x: int = 1
from ..pkg.sub import name as alias, other
import os.path as osp
for i in range(3):  # type: int
    with open("f") as handle, ctx():
        pass
try:
    pass
except (ValueError, KeyError) as error:
    pass
print(f"{value!r:>{width}} {other!s} {third!a}", b"x", 1.5, 2j, ..., None, True)
data = {**base, "k": [y async for y in gen() if y]}
async def agen():
    async for item in source():
        async with lock:
            yield item
match command:
    case {"x": 1, **rest} | [1, *others] | Point(x=0, y=_) | None | "s" as whole:
        pass
'''


def test_walk_nodes_is_ast_walk_on_every_fixture_cell_and_every_field_kind():
    from nbrefactor.audit.facts import walk_nodes

    walked = 0
    for source in [_EVERY_FIELD_KIND, *SOURCES, *_fixture_sources(limit=4000)]:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        expected = list(ast.walk(tree))
        found = walk_nodes(tree)
        assert len(found) == len(expected) and all(a is b for a, b in zip(found, expected)), source
        for node in expected[1:200]:  # from a node inside the tree too
            sub = walk_nodes(node)
            assert len(sub) == len(list(ast.walk(node))) and all(a is b for a, b in zip(sub, ast.walk(node)))
        walked += len(found)
    assert walked > 50_000


def test_the_fields_walk_nodes_skips_are_never_nodes_in_the_grammar():
    """Each skipped field is typed `identifier`, `string`, `int` or `constant` (`?` or `*`) in the
    node class's signature, which CPython writes from Parser/Python.asdl into its docstring
    (`Name(identifier id, expr_context ctx)`): read here, not from the table under test."""
    from nbrefactor.audit.facts import _NEVER_NODES

    scalar = {"identifier", "string", "int", "constant"}
    for name, fields in _NEVER_NODES.items():
        signature = getattr(ast, name).__doc__.strip()
        typed = dict(reversed(part.split()) for part in signature[signature.index("(") + 1:-1].split(", "))
        for field in fields:
            assert typed[field].rstrip("?*") in scalar, (name, field, typed[field])
    # and every scalar field of every class is in the table (a missing one is only slower)
    for name in dir(ast):
        kind = getattr(ast, name)
        if isinstance(kind, type) and issubclass(kind, ast.AST) and kind._fields and kind.__doc__ and "(" in kind.__doc__:
            signature = kind.__doc__.strip()
            typed = dict(reversed(part.split()) for part in signature[signature.index("(") + 1:-1].split(", "))
            for field, kind_name in typed.items():
                if kind_name.rstrip("?*") in scalar:
                    assert field in _NEVER_NODES.get(name, ()), (name, field)


# Twenty-second round: HID's `_uncalled_function_lines` counts a function's mentions by searching
# for the name first, not with a pattern that starts with a look-behind.
def _mentions_by_lookbehind(name: str, text: str) -> int:
    import re

    return min(2, len(re.findall(rf"(?<![\w.]){re.escape(name)}\b", text)))


def test_mentions_of_a_name_are_the_look_behind_patterns_matches():
    from nbrefactor.audit.rules.hidden_state import _mentions

    texts = [
        "def f(x):\n    return x\nf(1)\n", "def f(x): pass\nobj.f(2)\nff(3)\nf_(4)\n", "f", ".f", "_f f", "f·f·f", ".f·f·f",
        "a·a·a", ".a·a·a", "xa·a·a", "a·aa·a", "aaa", ".aaa aaa", "ab.ab ab", "ábc ábc", "x.ábc ábc", "f\nf", "f.f", "(f)f",
    ]
    names = ["f", "a·a", "aa", "ab", "ábc", "f_", "x"]
    compared = 0
    for source in [*texts, *_fixture_sources(limit=400)]:
        for name in [*names, *{w for w in __import__("re").findall(r"[A-Za-z_]\w*", source)[:40]}]:
            assert _mentions(name, source) == _mentions_by_lookbehind(name, source), (name, source[:80])
            compared += 1
    assert compared > 5_000


def test_a_windows_path_read_from_the_source_is_found_behind_its_screen():
    """Twenty-second round: `_python_literals` looks for Windows paths in the cell's source only in
    a cell holding `:\\` (every such path does); `"C:\\Users\\me\\train.csv"` written without `r` is a
    syntax error (`\\U` starts a unicode escape), so only the source gives the path."""
    nb = _notebook('import pandas as pd\ndf = pd.read_csv("C:\\Users\\me\\train.csv")\nx = 1', "y = 2")
    ctx = RuleContext(analyse_notebook(nb), load_catalog(), ProjectContext())
    found = [(f.line, f.value) for f in paths.literal_findings(ctx) if f.invalid_escape]
    assert found == [(2, "C:\\Users\\me\\train.csv")]


def test_dead_branch_lines_kept_by_text_are_the_computed_ones():
    """Twenty-second round: `dead_branch_lines` keeps its answer by the cell's text."""
    seen = 0
    for source in [*_fixture_sources(limit=2000), "if False:\n    x = 1\nelse:\n    y = 2\n", "if 0 == 1:\n    a()\n"]:
        facts = analyse_notebook(_notebook(source))
        for ca in facts.cells:
            first = analysis.dead_branch_lines(ca)
            assert first == analysis._dead_branch_lines(ca, ca.masked.python) == analysis.dead_branch_lines(ca)
            seen += bool(first)
    assert seen >= 3


def test_matches_at_a_word_start_are_finditer_with_a_leading_boundary():
    """Twenty-second round: `analysis._at_word_start` (the uncalled-function scan) is `\\b` + the
    pattern's `finditer`, on fixture lines and on names inside, after and before other words."""
    import re

    names = ["f", "f_2", "plot", "plot_all", "℘x", "aa", "Ⅻ", "a·b", "b"]
    pattern = re.compile("(" + "|".join(re.escape(n) for n in sorted(names)) + r")\b")
    reference = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names)) + r")\b")
    # (`za·b`: `a·b` refused, as it follows `z`; `b` after the `·` inside it is a word's start)
    lines = ["f(1); obj.f(2); ff(3); f_2", "plot_all(plot(x))", " ℘x = 1; a℘x", "aaa aa.aa", "ⅫⅫ Ⅻ", "", "f", "za·b", "a·b"]
    for source in _fixture_sources(limit=400):
        lines.extend(source.split("\n"))
    for text in lines:
        got = [(m.start(), m.end(), m.group(1)) for m in analysis._at_word_start(pattern, text)]
        assert got == [(m.start(), m.end(), m.group(1)) for m in reference.finditer(text)], text


def test_the_credential_word_screen_is_the_case_blind_pattern():
    """Twenty-third round: `security.mentions_credential_word` searches ASCII text in lower case
    for the words the pattern below (the screen as it was) finds in any case; other text keeps the
    pattern, whose IGNORECASE also matches `ſ` to `s` and the Kelvin sign to `k`. Same answer on
    every fixture cell, on each in upper and swapped case, and on the case forms written out."""
    from nbrefactor.audit.rules import security

    old = re.compile(r"(?i)pass|pwd|secret|token|key|cred|conn|_pw")
    written = ["ſecret = 1", "\u212aey = 'x'", "api_KEY", "PASSWD", "p_w", "x_PW = 2", "to ken", "CoNn", "café_pwd",
               "é", "", "İpass", "passé", "\u017fecret", "ke\u0130y", "cre\u0064"]
    sources = _fixture_sources(limit=2000)
    texts = written + sources + [s.upper() for s in sources] + [s.swapcase() for s in sources]
    found = 0
    for text in texts:
        expected = old.search(text) is not None
        assert security.mentions_credential_word(text) == expected, text
        found += expected
    assert len(sources) > 500 and found > 100 and not all(t.isascii() for t in written)


def test_the_chain_bound_counts_the_places_a_word_starts_as_the_look_ahead_did():
    """Twenty-third round: `guards._chain_bound` counts the words of `_CHAIN_WORDS` with
    `str.count` (non-overlapping) instead of `findall` of a look-ahead at every character; the two
    agree on every fixture cell and on words that overlap or run into each other."""
    from nbrefactor.audit import guards

    def old(python: str) -> int:
        return sum(python.count(c) for c in guards._CHAIN_CHARACTERS) + len(guards._CHAIN_WORD_STARTS.findall(python))

    written = ["elselse", "elselselse", "x = a if b elselse c", "isinifnotorandawaitlambda", "iffy", "island",
               "inin", "andand", "lambdalambda", "oror", "nonot", "notnot", "awaitawait", "", "e", "elsels"]
    sources = _fixture_sources(limit=2000)
    for text in written + sources:
        assert guards._chain_bound(text) == old(text), text
    assert old("elselselse") == 3 and old("inin") == 2


_MAGIC_LINES = (
    "!pip install numpy\n", "  !ls -l\n", "?np.mean\n", "np.mean?\n", "df.head??\n", "%matplotlib inline\n",
    "files = !ls *.csv\n", "a, b = %sx echo 1\n", ";f a b\n", ",f a b\n", "/f a b\n", "ls -l\n", "pwd\n", "cd data\n",
    "x = 1\nls -l\n", "x = \\\n  !ls\n", "!echo a \\\n  b\n", "%%time\nx = 1\n!ls\n", ">>> %timeit f()\n>>> x = 1\n",
    "    !ls\n    x = 1\n", "matplotlib inline\nx = 1\n", "history\n", "x = 1  # why?\n", "%bash\necho hi\n",
    "s = '''\n!not a command\n'''\n", "f(a,\n  !b)\n", "time.sleep(1)\n", "x = 1\r\n!ls\r\n",
)


# `ipython._MAYBE_MAGIC` as it was until the twenty-eighth round: one pattern, tried at every character.
def _old_maybe_magic():
    from nbrefactor.audit.ipython import AUTOMAGICS

    return re.compile(
        r"^[^\S\n]*[!?%,;/]|\?[^\S\n]*$|=[^\S\n]*[!%]|^[^\S\n]*(?:" + "|".join(sorted(AUTOMAGICS, key=lambda n: (-len(n), n))) + r")\b",
        re.MULTILINE,
    )


def test_the_four_magic_patterns_find_what_the_single_one_found():
    """Twenty-eighth round: `ipython._maybe_magic` (the first line's start, each later line's after
    its `\\n`, a `?`, a `=`; the automagics grouped by first letter) answers as the single pattern
    it replaces, on every fixture cell, the written magic lines, each automagic at a cell's start,
    after a line break, after blanks, followed by a word character or not, and on every text of up
    to 4 characters from the pieces the patterns read."""
    from itertools import product

    from nbrefactor.audit import ipython

    old = _old_maybe_magic()
    texts = [*raw_code_sources(), *_MAGIC_LINES]
    for name in sorted(ipython.AUTOMAGICS):
        for before in ("", "\n", "x = 1\n", " \t", "x\n  ", "\r\n", "#\n"):
            for after in ("", " x", "\n", "x", "_", "1", "(", ".", "?", "é"):
                texts.append(before + name + after)
                texts.append(before + name[:-1] + after)
    pieces = ("\n", " ", "\t", "!", "?", "%", ",", "=", "x", "cd", "l", "s", "_", "\r")
    texts += ["".join(p) for size in range(5) for p in product(pieces, repeat=size)]
    assert sum(old.search(t) is not None for t in texts) > 1000 and sum(old.search(t) is None for t in texts) > 1000
    for text in texts:
        assert ipython._maybe_magic(text) == (old.search(text) is not None), text[:200]


def test_masking_skips_the_line_scan_only_for_cells_no_line_of_which_can_be_masked(monkeypatch):
    """Twenty-sixth round: `mask_cell` scans a cell's lines only when `_MAYBE_MAGIC` finds a line
    `_mask_line` could mask. On every fixture cell and written magic lines (each kind `_mask_line`
    masks, in strings and brackets too), with and without names shadowed and extensions loaded,
    the masked cell is the full scan's; most fixture cells skip the scan."""
    from nbrefactor.audit import ipython

    sources = [*raw_code_sources(), *_MAGIC_LINES]
    quick = 0
    for source in sources:
        for shadowed, loaded in ((frozenset(), frozenset()), (frozenset({"ls", "history"}), frozenset()), (frozenset(), frozenset({"watermark"}))):
            found = ipython.mask_cell(source, shadowed, loaded_magics=loaded)
            monkeypatch.setattr(ipython, "_maybe_magic", lambda text: True)  # every cell: the full scan
            assert found == ipython.mask_cell(source, shadowed, loaded_magics=loaded), source[:200]
            monkeypatch.undo()
        quick += not ipython._maybe_magic(source)
    assert quick > len(sources) / 2
    # The written lines are masked indeed (an autocall escape is rewritten, not recorded), but for
    # the Python ones that only look like magics to the screen.
    python = {"x = 1  # why?\n", "s = '''\n!not a command\n'''\n", "f(a,\n  !b)\n", "time.sleep(1)\n"}
    for source in _MAGIC_LINES:
        m = ipython.mask_cell(source)
        assert (not m.magics and m.python == source) == (source in python), source
