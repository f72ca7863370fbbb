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
    iterator another cell made, and a cell's functions for a `yield` only when the cell holds one
    (twenty-seventh round); its findings are the walk of every cell's, every function's, on
    written iterators and every fixture notebook."""
    import ast

    from nbrefactor.audit.rules import rerun

    screen, classes = rerun._iterator_makers, rerun.node_classes
    reported = walked = cells = 0
    for ctx in _contexts(ITERATOR_CELLS):
        screened = _hits(rerun._consumed_iterators(ctx))
        monkeypatch.setattr(rerun, "_iterator_makers", lambda ctx, trees: set(range(len(trees))))
        monkeypatch.setattr(rerun, "node_classes", lambda tree: {ast.Yield})  # every function walked for a yield
        full = _hits(rerun._consumed_iterators(ctx))
        monkeypatch.setattr(rerun, "_iterator_makers", screen)
        monkeypatch.setattr(rerun, "node_classes", classes)
        assert screened == full, ctx.cells[0].cell.source[:200] if ctx.cells else ""
        reported += bool(full)
        trees = [(ca, rerun.cell_python_tree(ca)) for ca in ctx.cells]
        walked += len(screen(ctx, trees))
        cells += len(trees)
    assert reported >= 8  # the written ones, at least
    assert walked < cells / 5


def test_spacy_links_screen_passes_every_cell_the_pattern_finds_a_link_in():
    """`spacy_links` runs its pattern only on a cell holding the pattern's own word `spacy`."""
    from nbrefactor.audit.distributions import _SPACY_LINK, spacy_links

    from fixture_cells import raw_code_sources

    written = ["!python -m spacy link ./models/en_vectors_web_lg-2.0.0/en_vectors_web_lg en_vecs",
               "%%bash\npython -m spacy  link en_core_web_sm en"]
    for source in [*raw_code_sources(100000), *written]:
        assert "spacy" in source or not _SPACY_LINK.search(source)
    ctx = next(_contexts([written]))
    assert spacy_links(ctx.facts.notebook) == {"en_vecs": "en_vectors_web_lg", "en": "en_core_web_sm"}


def _old_owner_module(name, module_needs):
    return next((m for m in module_needs if name == m or name.startswith(m + ".")), None)


def test_needed_by_calls_tables_are_the_catalogues_and_the_owner_module_the_old_scan():
    """`_needed_by_calls` reads its tables once per catalogue, and finds a name's `[modules_needing]`
    entry from the entries' places: the old scan's answer for every import and resolved call of
    every fixture notebook, every entry and names around it, also with a table whose entries nest."""
    from nbrefactor.audit import distributions as d

    from nbrefactor.audit.catalog import load_catalog

    catalog = load_catalog()
    tables = catalog.derived("distributions.call_needs", d._call_needs_tables)
    assert tables is catalog.derived("distributions.call_needs", d._call_needs_tables)
    module_needs = {str(k): d._as_tuple(v) for k, v in (catalog.table("distributions", "modules_needing", {}) or {}).items()}
    assert tables[6] == module_needs and list(tables[10]) == list(module_needs)
    assert tables[7] == {str(k): d._as_tuple(v) for k, v in (catalog.table("distributions", "calls_needing", {}) or {}).items()}
    names = {"", ".", "a..b", *module_needs, *(m + ".x.y" for m in module_needs), *(m + "x" for m in module_needs),
             *(m.rsplit(".", 1)[0] for m in module_needs)}
    for ctx in _contexts():
        for ca in ctx.cells:
            names.update(n for imp in ca.facts.imports for n in (imp.qualified, imp.module))
            names.update(ctx.facts.resolve(c.func) for c in ca.facts.calls if c.func)
    nested = {"a.b.c": ("x",), "a": ("y",), "a.b": ("z",), "q.r": ("w",)}  # an outer entry after an inner one
    nested_order = {m: at for at, m in enumerate(nested)}
    for name in sorted(names | {"a.b.c.d", "a.b", "a.bc", "q.r.s", "q"}):
        assert d._owner_module(name, tables[10]) == _old_owner_module(name, module_needs), name
        assert d._owner_module(name, nested_order) == _old_owner_module(name, nested), name
    assert d._owner_module("torch.utils.tensorboard.writer", tables[10]) == "torch.utils.tensorboard"


def test_kept_global_loads_are_a_fresh_walks_on_every_fixture_cell_tree(monkeypatch):
    """RND's `_unread` and `_asserts_only` read each cell tree's global loads from one walk kept
    by the tree's identity: equal to a fresh walk on every fixture cell, again when asked twice,
    and an entry left by another tree under the same id is not read."""
    import ast

    from nbrefactor.audit.rules import randomness as r

    monkeypatch.setattr(r, "_GLOBAL_LOADS", {})
    trees = 0
    for ctx in _contexts():
        for ca in ctx.cells:
            tree = r._parsed(ca)
            if tree is None:
                continue
            fresh = r._global_load_lines(tree)
            assert r._kept_global_load_lines(tree) == fresh
            assert r._kept_global_load_lines(tree) is r._kept_global_load_lines(tree)
            trees += 1
    assert trees > 1000 and len(r._GLOBAL_LOADS) <= 256
    tree = ast.parse("a = b + c\n")
    r._GLOBAL_LOADS[id(tree)] = (ast.parse("z\n"), {"z": [1]})  # another tree's entry under this id
    assert r._kept_global_load_lines(tree) == {"b": [1], "c": [1]}


def test_written_modules_screen_passes_every_text_the_pattern_finds_a_file_in():
    """`written_modules` runs `_PY_FILE` only on a text holding its literal `.py`: every string,
    magic and first line it reads on the fixture notebooks, and written ones."""
    from nbrefactor.audit.distributions import _PY_FILE, written_modules

    written = ("!wget https://x.org/helper_functions.py", "%%writefile utils.py\nx = 1",
               "urlretrieve(url, 'data_setup.py')\nopen('engine.py', 'w')")
    found = 0
    for ctx in _contexts([written]):
        for ca in ctx.cells:
            texts = [m.text for m in ca.magics] + [s.value for s in ca.facts.strings] + [ca.cell.source]
            for text in texts:
                assert ".py" in text or not _PY_FILE.search(text)
        found += len(written_modules(ctx.facts))
    ctx = next(_contexts([written]))
    assert set(written_modules(ctx.facts)) >= {"helper_functions", "utils", "data_setup", "engine"}


def test_removal_entry_tables_are_made_once_per_catalogue_and_equal_a_fresh_build():
    """DEP005's `_uses` reads the path index and the call-matched functions from one build per
    catalogue's entries: equal to a fresh build, the same objects while the entries are the same,
    built again for other entries."""
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.rules import removed_apis as r

    entries, _ = load_catalog().derived("removed_apis", r._catalogue)
    paths, functions, names = r._entry_tables(entries)
    assert paths == r._path_index(entries)
    fresh: dict = {}
    for e in entries:
        if (e.keyword or e.values or e.unpacked or e.targets or e.positional >= 0 or e.path_suffix) and not e.method:
            fresh.setdefault(e.api, []).append(e)
    assert functions == fresh and names == frozenset(api.rsplit(".", 1)[-1] for api in fresh) and len(names) > 5
    again = r._entry_tables(entries)
    assert again[0] is paths and again[1] is functions
    fewer = entries[: len(entries) // 2]
    other = r._entry_tables(fewer)
    assert other[0] == r._path_index(fewer) and other[0] is not paths


def test_gpu_string_answers_are_kept_per_catalogue_and_equal_the_matches():
    """GPU's device-value and string-entry answers are kept per catalogue and string: equal to the
    matches they replace on every string of every fixture notebook (and written ones that match),
    and a catalogue other than the one kept is answered afresh. The `.is_cuda` test is asked only
    of a line holding its literal."""
    from dataclasses import replace

    from nbrefactor.audit import gpu
    from nbrefactor.audit.catalog import load_catalog

    gc = load_catalog().derived("gpu", gpu.GpuCatalog.from_catalog)
    written = ('device = "cuda:0"\nx = "gpu_hist"\nif x.is_cuda:\n    pass',)
    devices = reasons = 0
    for ctx in _contexts(written):
        for ca in ctx.cells:
            for s in ca.facts.strings:
                assert gpu._is_device_value(gc, s.value) == gpu._match(s.value, gc.device_values)
                expected = tuple(e.reason for e in gc.strings if gpu._match(s.value, e.values))
                assert gpu._string_reasons(gc, s.value) == expected
                devices += gpu._is_device_value(gc, s.value)
                reasons += bool(expected)
            for line in ca.lines:
                assert ".is_cuda" in line or not gpu._TENSOR_ON_GPU_TEST.match(line)
    assert devices >= 1 and reasons >= 1
    other = replace(gc, device_values=("gpu_hist",), strings=())
    assert gpu._is_device_value(other, "gpu_hist") and not gpu._is_device_value(other, "cuda")
    assert gpu._string_reasons(other, "gpu_hist") == ()
    assert gpu._is_device_value(gc, "cuda") and not gpu._is_device_value(gc, "gpu_hist")


def _old_fetching_functions(facts):
    import ast

    from nbrefactor.audit.analysis import cell_python_tree

    found = {}
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        for stmt in tree.body if tree is not None else ():
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            params = [a.arg for a in (*stmt.args.posonlyargs, *stmt.args.args)]
            end = stmt.end_lineno or stmt.lineno
            found[stmt.name] = [
                (ca, call, a.name, params.index(a.name)) for call in ca.facts.calls
                if call.in_function and stmt.lineno <= call.line <= end
                for a in call.args if a.name is not None and a.name in params
            ]
    return {name: calls for name, calls in found.items() if calls}


FUNCTION_CELLS = (
    ("def get(name):\n    return load_dataset(name)\n\ndef other():\n    pass\n\ndef two(a, b):\n    f(b)\n    g(a, b)",
     "def get(x):\n    return x"),  # redefined without a passing call: the last definition wins (and drops it)
    ("def a(p):\n    h(p)\n", "x = h(1)\ndef b(q, *r):\n    h(r, q)\n"),
)


def test_fetching_functions_are_the_old_scan_on_every_fixture_notebook():
    """PTH007's `_fetching_functions` reads each cell's in-function calls once, not once per
    definition: its answer is the old scan's on every fixture notebook and written definitions."""
    from nbrefactor.audit.rules import downloads

    with_functions = 0
    for ctx in _contexts(FUNCTION_CELLS):
        found = downloads._fetching_functions(ctx.facts)
        assert found == _old_fetching_functions(ctx.facts)
        with_functions += bool(found)
    assert with_functions >= 10


def test_rnd_display_reach_finds_the_tracker_handles_once_per_notebook(monkeypatch):
    """`_display_reach`'s module-level follower reads the notebook's tracker handles from one
    search per notebook (it searched again for each draw followed); RND001's findings on the
    fixtures are the rule examples' (tests/test_rule_examples.py) and unchanged on the corpora."""
    from nbrefactor.audit.rules import randomness as r

    asked = []
    find = r._tracker_handles
    monkeypatch.setattr(r, "_tracker_handles", lambda facts, tree: asked.append(facts) or find(facts, tree))
    followed = 0
    for ctx in _contexts():
        before = len(asked)
        list(r._reaches_only_displays(ctx.facts, r._facts(ctx)[1].draws))
        assert len(asked) - before <= 1
        followed += len(asked) - before
    assert followed >= 3


def test_nltk_needed_is_kept_per_catalogue_and_name_and_equals_the_scan(monkeypatch):
    """PTH007's NLTK data needs read `needed` from an answer kept per catalogue and name: the
    scan's answer for every resolved call of every fixture notebook and written NLTK reads, and
    another catalogue's data is answered afresh."""
    from dataclasses import replace

    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.rules import downloads

    nltk = downloads.fetch_catalog(load_catalog()).nltk
    monkeypatch.setattr(downloads, "_NEEDED", [None, {}])
    names = {"nltk.corpus.stopwords.words", "nltk.word_tokenize", "nltk.corpus.Foo.words", "x.y"}
    for ctx in _contexts():
        names.update(ctx.facts.resolve(c.func) for ca in ctx.cells for c in ca.facts.calls if c.func)
    needing = 0
    for name in sorted(names):
        assert nltk.needed(name) == nltk._needed(name) == nltk.needed(name), name
        needing += nltk.needed(name) is not None
    assert needing >= 2
    other = replace(nltk, calls=(), corpus_module="")
    assert other.needed("nltk.word_tokenize") is None and nltk.needed("nltk.word_tokenize") is not None


REMOVAL_CELLS = (
    ("try:\n    from sklearn.metrics import plot_roc_curve\nexcept ImportError:\n    plot_roc_curve = None",
     "from sklearn.metrics import jaccard_similarity_score"),
    ("import pandas as pd\nimport sklearn\nif sklearn.__version__ < '1.2':\n    from sklearn.metrics import plot_roc_curve",
     "df = pd.DataFrame()\nx = df.ix[0] if True else None"),
)


def test_removal_uses_build_the_parent_map_only_where_a_guard_can_stand(monkeypatch):
    """DEP005's `_uses` asks `_guarded` only in a cell holding a `try:`, an `if` or a conditional
    expression (the only places it answers yes), without building the cell's parent map elsewhere:
    its uses are those with the map built for every cell, on every fixture notebook and written
    guarded and unguarded removals."""
    import ast

    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.rules import removed_apis as r

    entries, _ = load_catalog().derived("removed_apis", r._catalogue)
    screen = r.node_classes
    used = 0
    for ctx in _contexts(REMOVAL_CELLS):
        screened = [(u.ca.cell.index, u.line, u.column, u.shown) for u in r._uses(ctx, entries)]
        monkeypatch.setattr(r, "node_classes", lambda tree: {ast.Try})
        full = [(u.ca.cell.index, u.line, u.column, u.shown) for u in r._uses(ctx, entries)]
        monkeypatch.setattr(r, "node_classes", screen)
        assert screened == full
        used += bool(full)
    assert used >= 5
    guarded = next(_contexts(REMOVAL_CELLS[:1]))
    assert [u.shown for u in r._uses(guarded, entries)] == ["sklearn.metrics.jaccard_similarity_score"]


def _old_direct(self, ca, call, required=False):
    """`gpu._Finder.direct` before the twenty-seventh round: every method entry scanned, every
    keyword entry tried against every argument."""
    from nbrefactor.audit import gpu

    gc = self.gc
    qualified = gpu._qualified(self.facts, call)
    named = gpu._named_entries(gc, qualified)
    if named.fallback and gpu.requires_gpu(ca, call.line):
        return gc.required_reason
    if qualified:
        for entry in named.calls:
            if entry.reason in gc.indexed_reasons and not self._result_indexed(ca, call):
                continue
            return entry.reason
        for entry in named.launchers:
            if self._launches_with(ca, call, entry.values):
                return entry.reason
        for entry in named.device_calls:
            first = call.arg(0, ("device_name", "name"))
            if first is not None and first.string and gpu._match(first.string, entry.values):
                return entry.reason
        if named.module is not None:
            return named.module
    if gpu._is_attribute_call(call):
        for entry in gc.methods:
            if call.method in entry.names:
                return entry.reason
        if call.method in gc.to_methods and self._moves_to_cuda(ca, call):
            return gc.to_reason
    for entry in named.required_keywords if required else named.keywords:
        keyword = entry.names[0]
        for arg in call.args:
            if arg.keyword != keyword:
                continue
            if keyword == "device" and arg.name is not None and arg.name in self.devices:
                return entry.reason
            value = gpu._text(arg)
            if value is None:
                continue
            if arg.name is not None:
                if entry.values == ("*",):
                    return entry.reason
            elif gpu._match(value, entry.values):
                return entry.reason
    for entry in gc.dict_keys:
        if any(a.keyword == entry.names[0] for a in call.args) and self._dict_key_asks(ca, call, entry):
            return entry.reason
    return None


GPU_CELLS = (
    ("import torch\nimport xgboost as xgb\ndevice = 'cuda'\nm = xgb.XGBClassifier(tree_method='gpu_hist', gpu_id=n)\n"
     "x = torch.zeros(3).cuda()\ny = x.to(device)\nmodel.to('cuda:0')\n",
     "from autogluon.tabular import TabularPredictor\nTabularPredictor(label='y').fit(df, ag_args_fit={'num_gpus': 1})\n"),
)


def test_gpu_direct_reads_method_reasons_and_passed_keywords_as_the_old_scan():
    """`_Finder.direct` reads a method's reason from one index per catalogue and tries only the
    keyword entries whose keyword the call passes: its answer is the old scan's for every call of
    every fixture notebook and of written GPU calls, required or not."""
    from nbrefactor.audit import gpu
    from nbrefactor.audit.catalog import load_catalog

    gc = load_catalog().derived("gpu", gpu.GpuCatalog.from_catalog)
    reasons = calls = 0
    for ctx in _contexts(GPU_CELLS):
        finder = gpu._Finder(ctx.facts, gc)
        for ca in ctx.cells:
            for call in ca.facts.calls:
                for required in (False, True):
                    answer = finder.direct(ca, call, required=required)
                    assert answer == _old_direct(finder, ca, call, required=required), (call.func, call.line)
                    reasons += answer is not None
                calls += 1
    assert calls > 5000 and reasons >= 20
    methods = gpu._method_reasons(gc)
    assert all(methods[n] == next(e.reason for e in gc.methods if n in e.names) for n in methods)


# --- thirtieth round: GPU001's per-notebook screen ------------------------------------------------------

# Each way `gpu_requirements` finds a need, in a notebook with nothing else the screen lets through.
GPU_SCREEN_CELLS = (
    ("import torch", "torch.cuda.synchronize()"),  # a [[call]]
    ("from torch import cuda as c", "c.set_device(0)"),  # through an alias of a submodule
    ("import torch", "assert torch.cuda.is_available()"),  # the asserted check
    ("import faiss", "idx = faiss.GpuIndexFlatL2(r, 8)"),  # a wildcard pattern
    ("import accelerate", "accelerate.notebook_launcher(train, ('fp16', 42))"),  # a launcher
    # a device call (where soft placement is off: TF2's eager default falls back, fair check 46)
    ("import tensorflow as tf\ntf.config.set_soft_device_placement(False)", "with tf.device('/GPU:0'):\n    y = 1"),
    ("from cupy import *", "x = 1"),  # a [[module]] star import (no alias)
    ("from . import cupy", "x = 1"),  # a relative import: its qualified name is the module's
    ("import cudf", "df = cudf.DataFrame()"),
    ("model = make()", "model.cuda()"),  # a method
    ("x = make()", "y = x.to('cuda:0')"),  # a CUDA device string
    ("import torch as t", "y = x.to(t.device('CUDA'))"),  # upper case, inside another call
    ("dev = 'cuda'", "y = x.to(dev)"),  # a device name
    ("clf = XGBClassifier(tree_method='gpu_hist')",),  # a keyword
    ("params = {'tree_method': 'gpu_hist'}",),  # a [[string]]
    ("args = TrainingArguments(fp16=True)",),
    ("model = Trainer(gpus=2)",),
    ("p = TabularPredictor()\np.fit(d, ag_args_fit={'num_gpus': 1})",),  # a dict key
    ("m = ModelCheckpoint(accelerator='gpu')",),
    ("!python train.py --device 0",),  # a shell line
    ("%%bash\npython train.py --gpus 1",),
    ("%load_ext cudf.pandas", "import pandas as pd", "df = pd.read_csv('a.csv')"),
    # nothing: screened out (the non-ASCII cell's calls are read, not its text: libcst keeps `ｆp16` as
    # written, which names no catalogued keyword, and so does the full computation)
    ("args = TrainingArguments(ｆp16=True)",),
    ("import numpy as np", "x = np.zeros(3)", "print('no GPU here: cpu only')"),
    ("import pandas as pd", "df = pd.read_csv('a.csv', sep=';')"),
)


def test_gpu_screen_rules_out_only_notebooks_without_requirements():
    """`gpu._may_require` (thirtieth round) is False only where `gpu_requirements` without it finds
    nothing, with and without import fallbacks, on written notebooks of every kind of need and on
    every fixture notebook; it rules out the ones without any (so the screen is no no-op)."""
    from nbrefactor.audit import gpu

    original = gpu._may_require
    ruled_out = kept = 0
    try:
        for ctx in _contexts(GPU_SCREEN_CELLS):
            gc = ctx.catalog.derived("gpu", gpu.GpuCatalog.from_catalog)
            may = original(ctx.facts, gc)
            gpu._may_require = lambda facts, gc: True
            full = (gpu.gpu_requirements(ctx.facts, ctx.catalog), gpu.gpu_requirements(ctx.facts, ctx.catalog, import_fallbacks=False))
            gpu._may_require = original
            screened = (gpu.gpu_requirements(ctx.facts, ctx.catalog), gpu.gpu_requirements(ctx.facts, ctx.catalog, import_fallbacks=False))
            assert screened == full
            if not may:
                assert full == ((), ())
                ruled_out += 1
            else:
                kept += 1
    finally:
        gpu._may_require = original
    assert ruled_out >= 3 and kept >= len(GPU_SCREEN_CELLS) - 3


def test_gpu_screen_lets_through_every_written_need():
    """Each written notebook of `GPU_SCREEN_CELLS` but the last three holds a need the full computation
    finds, and the screen lets it through; a wildcard in a pattern's first part turns the screen off."""
    from nbrefactor.audit import gpu

    contexts = list(_contexts(GPU_SCREEN_CELLS))[: len(GPU_SCREEN_CELLS)]
    for cells, ctx in zip(GPU_SCREEN_CELLS[:-3], contexts):
        gc = ctx.catalog.derived("gpu", gpu.GpuCatalog.from_catalog)
        assert gpu.gpu_requirements(ctx.facts, ctx.catalog, import_fallbacks=False), cells
        assert gpu._may_require(ctx.facts, gc), cells
    for cells, ctx in zip(GPU_SCREEN_CELLS[-3:], contexts[-3:]):
        gc = ctx.catalog.derived("gpu", gpu.GpuCatalog.from_catalog)
        assert not gpu._may_require(ctx.facts, gc), cells
    gc = contexts[0].catalog.derived("gpu", gpu.GpuCatalog.from_catalog)
    import dataclasses

    wild = dataclasses.replace(gc, modules=(*gc.modules, gpu._Entry(("cu*",), (), "a wildcard")))
    assert gpu._screen(wild).heads is None
    assert gpu._may_require(contexts[-1].facts, wild)
    gpu._screen(gc)  # (the catalogue's own screen back)


def test_download_parameters_at_reads_the_defs_and_lambdas_as_the_whole_walk():
    """`downloads._parameters_at` reads the cell's defs and lambdas from `nodes_of` (thirtieth round):
    the same names as a test of every node of the walk, at every line of every fixture cell and of
    written cells (nested defs, lambdas, async defs, keyword-only, `*args`/`**kwargs`)."""
    import ast

    from nbrefactor.audit.analysis import cell_python_tree
    from nbrefactor.audit.facts import tree_nodes
    from nbrefactor.audit.rules import downloads

    def walked(ca, line):
        tree = cell_python_tree(ca)
        names = set()
        for node in tree_nodes(tree) if tree is not None else ():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node.lineno <= line <= (node.end_lineno or node.lineno):
                a = node.args
                names.update(p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs, *(x for x in (a.vararg, a.kwarg) if x is not None)))
        return frozenset(names)

    written = (
        ("def f(a, /, b, *c, d=1, **e):\n    g = lambda x, *y: x\n    async def h(p, *, q):\n        return p\n    return g",),
        ("import transformers\ndef run(pipeline, prompt):\n    return pipeline(prompt)\nx = lambda pipeline: pipeline('a')",),
    )
    asked = found = 0
    for ctx in _contexts(written):
        for ca in ctx.cells:
            for line in range(0, len(ca.lines) + 2):
                expected = walked(ca, line)
                assert downloads._parameters_at(ca, line) == expected
                asked += 1
                found += bool(expected)
    assert asked > 1000 and found > 50


ESCAPE_CELLS = (
    ("import re\nwords = re.split('\\s+', text)",),  # an invalid escape
    ("import re\nwords = re.split(r'\\s+', text)",),  # raw: none
    ("label = r'$\\alpha$' + '\\n'\nx = b'\\d'",),  # raw, a valid escape, then bytes with an invalid one
    ("x = f'{a:\\d} and {b}'",),  # in an f-string's format spec
    ("x = f'{a} \\w'",),  # in an f-string's text
    ("x = 'a' '\\w'",),  # in a concatenation's second piece
    ("x = '\\\\w'",),  # a doubled backslash: no invalid escape, yet a kept backslash in the value
    ("s = '\\N{BULLET} \\u00e9'\nb = b'\\N'",),  # valid in str, invalid in bytes
    ('"""A docstring with \\d"""',),
    ("x = '\\8'",),
    ("x = rf'{n}\\pi/2' + R\"\"\"\\d\"\"\"",),  # raw f-string and raw triple-quoted: none
    ("x = r'\\d' '\\w'",),  # a raw piece, then a plain one with an invalid escape
    ("x = r'\\d' r'\\w'",),  # two raw pieces: none (tokenized: a concatenation is not read)
    ("s = 'é'; x = r'\\é\\d'",),  # a non-ASCII line: UTF-8 offsets
    ("x = r'\\d\\''",),  # a raw literal ending in an escaped quote
)


def test_escape_value_screen_rules_out_only_cells_without_invalid_escapes():
    """STR007 tokenizes a cell only when a literal's value (CPython's tree) keeps a backslash
    `_MAY_BE_INVALID` matches (thirtieth round): every cell of the fixtures and of written literals
    (raw, bytes, f-string pieces and format specs, concatenations, docstrings) that it rules out has
    no invalid escape by the tokenizing, and the rule's findings are those of the cells tokenized."""
    from nbrefactor.audit.analysis import cell_python_tree
    from nbrefactor.audit.rules import escapes

    ruled_out = tokenized = with_escape = 0
    for ctx in _contexts(ESCAPE_CELLS):
        for ca in ctx.cells:
            python = ca.masked.python
            tree = cell_python_tree(ca)
            if "\\" not in python or tree is None:
                continue
            found = list(escapes._escapes(python))
            with_escape += bool(found)
            if escapes._values_may_hold_invalid(tree, python):
                tokenized += 1
            else:
                assert found == [], python
                ruled_out += 1
    assert ruled_out >= 3 and with_escape >= 7 and tokenized >= with_escape


def test_secret_text_gates_admit_every_text_a_screen_admits():
    """`secrets._text_gates` (thirtieth round): every required literal of every screen holds a gate,
    so a text is never left out that a pattern's screen admits; `_find_secrets` finds the same on
    every fixture cell and output text, on written texts holding each literal, and on PDSH-like
    texts holding none; a catalogue with an unscreened pattern has no gates."""
    from nbrefactor.audit import secrets
    from nbrefactor.audit.catalog import load_catalog

    catalog = load_catalog()
    gates = secrets._text_gates(catalog)
    assert gates is not None
    screens = [p.screen for p in secrets.patterns(catalog)]
    for screen in screens:
        assert all(any(g in literal for g in gates[0]) for literal in screen.exact)
        assert all(any(g in literal for g in gates[1]) for literal in screen.folded)
    assert sum(len(s.exact) + len(s.folded) for s in screens) > len(gates[0]) + len(gates[1])

    def ungated(text):
        saved = catalog._derived.pop("secrets.gates", None)
        catalog._derived["secrets.gates"] = None
        try:
            return list(secrets._find_secrets(text, catalog))
        finally:
            catalog._derived["secrets.gates"] = saved if saved is not None else gates

    texts = [f"x = '{literal}{'A1b2C3d4' * 6}'" for s in screens for literal in (*s.exact, *(f.upper() for f in s.folded))]
    texts += ["plain text, nothing secret: 1 2 3", "naïve key AKIA" + "ABCDEFGHIJ234567", "Bearer abcdef0123456789ABCDEF"]
    for ctx in _contexts():
        for ca in ctx.cells:
            texts.append(ca.cell.source)
            texts += [o.text for o in ca.cell.outputs if o.text]
    found = 0
    for text in texts:
        expected = ungated(text)
        assert list(secrets._find_secrets(text, catalog)) == expected
        found += bool(expected)
    assert found >= 10
    assert secrets._text_gates.__name__ and secrets._gates(["xoxa-", "xoxb-", "ab", "abc"]) == ("ab", "xox")


def test_kept_query_calls_reads_the_assignments_as_the_whole_walk():
    """`hidden_state._kept_query_calls` reads the cell's assignments from `nodes_of` (thirtieth
    round): the same calls as the walk of every node, on every fixture cell and written cells
    (tuple targets, annotated, nested in functions and loops, `inplace=`, mutator methods)."""
    import ast

    from nbrefactor.audit.analysis import cell_python_tree
    from nbrefactor.audit.rules import hidden_state

    def walked(ca):
        tree = cell_python_tree(ca)
        found = set()
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            names = [t for target in targets for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
            if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and names):
                continue
            if not all(isinstance(t, ast.Name) for t in names) or hidden_state._MUTATOR_METHOD.fullmatch(value.func.attr):
                continue
            if any(k.arg == "inplace" for k in value.keywords):
                continue
            found.add((value.lineno, value.col_offset + 1))
        return frozenset(found)

    written = ((
        "a = m.interpret(x)\nb, c = m.query(y)\nd: int = m.describe()\ne = m.fit(x)\nf = m.drop(c, inplace=True)\n"
        "def g():\n    h = m.summary()\n    return h\nfor i in range(2):\n    j = m.head(i)\nk = l = m.tail()",
    ),)
    kept = 0
    for ctx in _contexts(written):
        for ca in ctx.cells:
            expected = walked(ca)
            assert hidden_state._kept_query_calls(ca) == expected
            kept += len(expected)
    assert kept > 20


def _old_python_rules_out(manifests, first_python):
    """DEP005's `_python_rules_out` before the thirty-first round kept its answers (a copy)."""
    import re

    from packaging.version import InvalidVersion, Version

    from nbrefactor.audit.rules.removed_apis import _specifier

    if not isinstance(first_python, str):
        return False
    try:
        first = Version(first_python)
    except InvalidVersion:
        return False
    major, minor = first.release[0], first.release[1] if len(first.release) > 1 else 0
    newer = [Version(f"{major}.{m}{patch}") for m in range(minor, 40) for patch in ("", ".0", ".99")]
    for manifest in manifests:
        text = (manifest.python_requires or "").strip()
        if re.match(r"^\d", text):
            text = "=" + text
        spec = _specifier(text) if text else None
        if spec is not None and str(spec) and not any(spec.contains(v, prereleases=True) for v in newer):
            return True
    return False


def test_python_bounds_answers_are_kept_by_their_strings_and_equal_the_old_computation():
    """DEP005's Python-bound test (`_python_rules_out`, issue 15 thirty-first round) is kept by the
    first Python and the manifests' bounds: the same answer as the computation it replaces for
    every `[first_python]` value of the catalogue (and ones that are no version) against written
    bounds alone, in pairs and none, asked twice (the second from the memo)."""
    from types import SimpleNamespace

    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.project import Manifest, ProjectContext
    from nbrefactor.audit.rules import removed_apis as r

    firsts = sorted({str(v) for table in load_catalog().section("removed_apis").get("first_python", {}).values() for v in table.values()})
    firsts += ["3.9", "3", "3.10.2", "not a version", None, 3.9]
    bounds = [None, "", ">=3.6, <3.9", ">=3.6,<3.10", "<3.9.0", "<=3.8", "~=3.7", "==3.8.*", "3.8", "=3.8", ">=3.9",
              "<4", "!=3.9.*", ">=2.7, !=3.0.*, <3.8", "^3.8", "garbage (", " >=3.6 , <3.9 ", "<3.12", ">3.11"]
    manifests = [(), *[(Manifest(f"m{i}", "requirements", (), python_requires=b),) for i, b in enumerate(bounds)],
                 (Manifest("a", "requirements", (), python_requires=">=3.6"), Manifest("b", "pyproject", (), python_requires="<3.9")),
                 (Manifest("a", "requirements", (), python_requires=None), Manifest("b", "pyproject", (), python_requires="<=3.7"))]
    assert len(firsts) > 6
    r._RULED_OUT.clear()
    seen = set()
    for first in firsts:
        for ms in manifests:
            ctx = SimpleNamespace(project=ProjectContext(manifests=ms))
            expected = _old_python_rules_out(ms, first)
            assert r._python_rules_out(ctx, first) is expected, (first, [m.python_requires for m in ms])
            assert r._python_rules_out(ctx, first) is expected  # (kept)
            seen.add(expected)
    assert seen == {True, False}
