"""Randomness rules RND001–RND003 beyond their embedded examples: aliasing, order, functions,
generators, conditional calls, the catalogue and its extension by a team."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbrefactor.audit.analysis import analyse_notebook
from nbrefactor.audit.catalog import Catalog, load_catalog, merge
from nbrefactor.config import Settings
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.types import Cell, Notebook
from nbrefactor.audit.project import discover_project
from nbrefactor.audit.rules import Example, ExampleCell, md
from nbrefactor.audit.rules.randomness import (
    MissingRandomState,
    PartialSeeding,
    RandomnessCatalog,
    UnseededRandom,
    analyse_randomness,
)
from nbrefactor.audit.rule_examples import positions, run_example


def spots(rule, tmp_path: Path, *cells: ExampleCell | str) -> list[tuple[int, int]]:
    return positions(run_example(rule, Example(cells=cells), tmp_path))


def messages(rule, tmp_path: Path, *cells: ExampleCell | str) -> list[str]:
    return [d.message for d in run_example(rule, Example(cells=cells), tmp_path)]


# --- RND001: order, aliases, arguments -------------------------------------------------------------


def test_rnd001_module_alias_and_seed_above_in_another_cell_is_seeded(tmp_path):
    assert spots(UnseededRandom, tmp_path, "import numpy.random as npr", "npr.seed(3)", "a = npr.normal(size=2)") == []


def test_rnd001_seed_below_draw_reports_draw_only(tmp_path):
    # `a` is used (`scaled`): a draw nothing reads, the notebook going on past it, is not reported.
    found = spots(UnseededRandom, tmp_path, "import numpy as np", "a = np.random.rand()\nscaled = a * 2", "np.random.seed(0)", "b = np.random.rand()")
    assert found == [(2, 1)]


def test_rnd001_draw_nothing_reads_is_not_reported(tmp_path):
    # Colours drawn, then every plot uses a fixed one: the draw reaches nothing.
    cells = ("import numpy as np\nimport matplotlib.pyplot as plt", "colors = np.random.rand(50)",
             "plt.scatter([1, 2], [3, 4], c='green')", "plt.show()")
    assert spots(UnseededRandom, tmp_path, *cells) == []
    # Read below (even only in another cell's text): reported.
    assert spots(UnseededRandom, tmp_path, *cells[:3], "shifted = colors + 1") == [(2, 1)]
    # The last cells of a notebook cut short: still reported.
    assert spots(UnseededRandom, tmp_path, cells[0], "colors = np.random.rand(50)") == [(2, 1)]


def test_rnd001_seed_later_on_same_line_is_too_late(tmp_path):
    found = spots(UnseededRandom, tmp_path, "import random\nx = random.random(); random.seed(0)")
    assert found == [(1, 2)]


def test_rnd001_seed_earlier_on_same_line_counts(tmp_path):
    assert spots(UnseededRandom, tmp_path, "import random\nrandom.seed(0); x = random.random()") == []


def test_rnd001_seed_with_none_or_nothing_does_not_count(tmp_path):
    found = spots(UnseededRandom, tmp_path, "import numpy as np\nnp.random.seed(None)\nnp.random.seed()\nx = np.random.rand()")
    assert found == [(1, 4)]


def test_rnd001_one_finding_per_unseeded_library_with_every_other_draw_related(tmp_path):
    cells = ("import random\nimport numpy as np", "a = random.randint(1, 6)\nb = random.choice(xs)", "c = random.sample(xs, 2)\nd = np.random.rand()")
    diags = run_example(UnseededRandom, Example(cells=cells), tmp_path)
    assert positions(diags) == [(2, 1), (3, 2)]
    python, numpy = diags
    assert [(r.cell, r.line, r.column) for r in python.related] == [(2, 2, 5), (3, 1, 5)]
    assert python.message == (
        "`random.randint` draws from the global random state of the `random` module, which no call before it seeds; "
        "2 more unseeded draws of it (line 2 of this cell; cell 3)"
    )
    assert numpy.related == () and numpy.message.endswith("which no call before it seeds")


def test_rnd001_from_import_renamed_is_resolved(tmp_path):
    assert spots(UnseededRandom, tmp_path, "from numpy.random import permutation as perm", "p = perm(10)") == [(2, 1)]


def test_rnd001_from_numpy_import_random_is_numpy_not_python(tmp_path):
    # `random` here is numpy.random: random.seed seeds numpy, and python's random is not involved.
    assert spots(UnseededRandom, tmp_path, "from numpy import random\nrandom.seed(1)", "x = random.normal()") == []
    found = messages(UnseededRandom, tmp_path / "b", "from numpy import random", "x = random.normal()")
    assert len(found) == 1 and "NumPy" in found[0]


def test_rnd001_star_import_is_followed(tmp_path):
    assert spots(UnseededRandom, tmp_path, "from random import *", "x = randint(0, 9)") == [(2, 1)]


def test_rnd001_unimported_name_is_not_a_draw(tmp_path):
    # `random` is a user dict here, not the module.
    assert spots(UnseededRandom, tmp_path, "random = {'a': 1}", "v = random.get('a')") == []


def test_rnd001_magic_cells_do_not_hide_draws(tmp_path):
    found = spots(UnseededRandom, tmp_path, "%matplotlib inline\nimport numpy as np", "%%time\nx = np.random.randn(100)")
    assert found == [(2, 2)]


# --- RND001: functions ---------------------------------------------------------------------------------


def test_rnd001_seed_helper_called_before_draw_seeds(tmp_path):
    cells = ("import numpy as np\ndef seed_all(s):\n    np.random.seed(s)", "seed_all(0)", "x = np.random.rand()")
    assert spots(UnseededRandom, tmp_path, *cells) == []


def test_rnd001_seed_helper_called_after_draw_does_not_seed_it(tmp_path):
    cells = ("import numpy as np\ndef seed_all(s):\n    np.random.seed(s)", "x = np.random.rand()", "seed_all(0)")
    assert spots(UnseededRandom, tmp_path, *cells) == [(2, 1)]


def test_rnd001_seed_helper_never_called_seeds_nothing(tmp_path):
    cells = ("import numpy as np\ndef seed_all(s):\n    np.random.seed(s)", "x = np.random.rand()")
    assert spots(UnseededRandom, tmp_path, *cells) == [(2, 1)]


def test_rnd001_seed_through_nested_helpers_counts(tmp_path):
    cells = (
        "import torch\ndef inner(s):\n    torch.manual_seed(s)\ndef setup():\n    inner(1)",
        "setup()",
        "w = torch.randn(3)",
    )
    assert spots(UnseededRandom, tmp_path, *cells) == []


def test_rnd001_draw_in_function_called_before_seed_reported_at_the_draw(tmp_path):
    cells = ("import random\ndef roll():\n    return random.randint(1, 6)", "first = roll()", "random.seed(0)")
    found = run_example(UnseededRandom, Example(cells=cells), tmp_path)
    assert positions(found) == [(1, 3)]
    assert "inside `roll`" in found[0].message and "cell 2" in found[0].message


def test_rnd001_draw_in_function_called_after_seed_is_fine_even_if_defined_before(tmp_path):
    cells = ("import random\ndef roll():\n    return random.randint(1, 6)", "random.seed(0)", "first = roll()")
    assert spots(UnseededRandom, tmp_path, *cells) == []


def test_rnd001_seed_then_draw_inside_one_function_in_source_order(tmp_path):
    ok = ("import random\ndef run():\n    random.seed(1)\n    return random.random()", "run()")
    bad = ("import random\ndef run():\n    x = random.random()\n    random.seed(1)\n    return x", "run()")
    assert spots(UnseededRandom, tmp_path / "ok", *ok) == []
    assert spots(UnseededRandom, tmp_path / "bad", *bad) == [(1, 3)]


def test_rnd001_uncalled_function_draw_gets_benefit_of_doubt_only_when_library_seeded(tmp_path):
    # `aug` is handed on (`pipeline.map(aug)`), a call we cannot follow.
    seeded = ("import numpy as np\nnp.random.seed(0)", "def aug(x):\n    return x + np.random.normal()", "pipeline.map(aug)")
    unseeded = ("import numpy as np", "def aug(x):\n    return x + np.random.normal()", "pipeline.map(aug)")
    assert spots(UnseededRandom, tmp_path / "a", *seeded) == []
    assert spots(UnseededRandom, tmp_path / "b", *unseeded) == [(2, 2)]
    # Named nowhere (no call, no callback, no subclass): it never runs, and draws nothing (fair check 20).
    assert spots(UnseededRandom, tmp_path / "c", *unseeded[:2]) == []


def test_rnd001_callback_passed_by_name_runs_where_it_is_passed(tmp_path):
    cells = (
        "import random\nimport torch\nfrom torch.utils.data import DataLoader\ndef seed_worker(i):\n    random.seed(i)",
        "loader = DataLoader(ds, worker_init_fn=seed_worker)",
        "x = random.random()",
    )
    assert spots(UnseededRandom, tmp_path, *cells) == []


# --- RND001: generators, keywords, methods ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("rng = np.random.default_rng(42)\nv = rng.integers(5)", []),
        ("rng = np.random.default_rng(seed=SEED)", []),
        ("rs = np.random.RandomState(0)\nv = rs.rand()", []),
        ("rng = np.random.default_rng()\nv = rng.integers(5)", [(2, 1)]),
        ("rng = np.random.default_rng(None)", [(2, 1)]),
        ("rs = np.random.RandomState(seed=None)", [(2, 1)]),
        ("g = np.random.Generator(np.random.PCG64())", [(2, 1)]),
    ],
)
def test_rnd001_generators(tmp_path, source, expected):
    assert spots(UnseededRandom, tmp_path, "import numpy as np\nnp.random.seed(0)", source) == expected


def test_rnd001_python_random_instance(tmp_path):
    assert spots(UnseededRandom, tmp_path, "import random", "r = random.Random(7)\nv = r.random()\nq = random.Random()") == [(2, 3)]


def test_rnd001_torch_generator_keyword_and_method_draws(tmp_path):
    cells = ("import torch", "a = torch.rand(2, generator=g)\nw = torch.empty(3)\nw.uniform_(-1, 1)\nw.normal_(generator=g)")
    assert spots(UnseededRandom, tmp_path, *cells) == [(2, 3)]


def test_rnd001_torch_method_names_ignored_without_torch(tmp_path):
    assert spots(UnseededRandom, tmp_path, "import numpy as np", "w.uniform_(0, 1)") == []


def test_rnd001_tf_dataset_shuffle_needs_seed_or_global_seed(tmp_path):
    cells = ("import tensorflow as tf", "ds = ds.shuffle(1000)\nds2 = ds.shuffle(1000, seed=3)")
    assert spots(UnseededRandom, tmp_path / "a", *cells) == [(2, 1)]
    assert spots(UnseededRandom, tmp_path / "b", "import tensorflow as tf\ntf.random.set_seed(1)", cells[1]) == []


def test_rnd001_keras_layers_are_draws_seeded_by_keras_helper(tmp_path):
    layers = "from tensorflow.keras import layers\nm = keras.Sequential([layers.Dense(8), layers.Dense(1)])"
    assert spots(UnseededRandom, tmp_path / "a", "import keras", layers) == [(2, 2)]  # the second Dense is related
    assert spots(UnseededRandom, tmp_path / "b", "import tensorflow as tf\ntf.keras.utils.set_random_seed(0)", layers) == []


def test_rnd001_lightning_without_argument_counts_but_old_pytorch_lightning_does_not(tmp_path):
    draw = "x = torch.randn(2)"
    assert spots(UnseededRandom, tmp_path / "a", "import torch\nimport lightning as L\nL.seed_everything()", draw) == []
    assert spots(UnseededRandom, tmp_path / "b", "import torch\nimport pytorch_lightning as pl\npl.seed_everything()", draw) == [(2, 1)]
    assert spots(UnseededRandom, tmp_path / "c", "import torch\nimport pytorch_lightning as pl\npl.seed_everything(1)", draw) == []


def test_rnd001_transformers_set_seed_covers_python_numpy_torch(tmp_path):
    cells = ("import random, numpy as np, torch\nfrom transformers import set_seed\nset_seed(42)",
             "a = random.random()\nb = np.random.rand()\nc = torch.rand(1)")
    assert spots(UnseededRandom, tmp_path, *cells) == []


def test_rnd001_pandas_sample_is_numpy_draw(tmp_path):
    cells = ("import pandas as pd", "a = df.sample(5)\nb = df.sample(5, random_state=1)\nc = df.sample(5, random_state=None)")
    (diag,) = run_example(UnseededRandom, Example(cells=cells), tmp_path)
    assert (diag.location.cell, diag.location.line) == (2, 1)
    assert [(r.cell, r.line) for r in diag.related] == [(2, 3)]


def test_rnd001_line_suppression_is_honoured(tmp_path):
    cells = ("import random", "x = random.random()  # noqa: RND001\ny = random.random()")
    assert spots(UnseededRandom, tmp_path, *cells) == [(2, 2)]


def test_rnd001_markdown_cells_count_in_cell_numbers(tmp_path):
    assert spots(UnseededRandom, tmp_path, md("# t"), md("## u"), "import random\nx = random.random()") == [(3, 2)]


# --- RND002 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("s = ms.GroupShuffleSplit(n_splits=3)", [(2, 1)]),
        ("s = ms.RepeatedKFold(n_splits=3)", [(2, 1)]),
        ("s = ms.RepeatedStratifiedKFold(n_splits=3, random_state=0)", []),
        ("s = ms.KFold(5, shuffle=False)", []),
        ("s = ms.KFold(5, shuffle=True)", [(2, 1)]),
        ("s = ms.RandomizedSearchCV(est, dist)", [(2, 1)]),
        ("a = ms.train_test_split(X, y, shuffle=False)", []),
        ("a = ms.train_test_split(X, y, shuffle=True)", [(2, 1)]),
        ("a = ms.cross_val_score(est, X, y, cv=5)", []),
    ],
)
def test_rnd002_model_selection(tmp_path, source, expected):
    # A third cell reads what the line binds: an object nothing reads never draws (fair check 27).
    assert spots(MissingRandomState, tmp_path, "import sklearn.model_selection as ms", source, _reader(source)) == expected


def _reader(source: str) -> str:
    """A cell printing the names `source`'s assignment binds (`print(X, y)`), or `pass`."""
    target = source.split("=", 1)[0] if "=" in source.split("(", 1)[0] else ""
    return f"print({target.strip()})" if target.strip() else "pass"


@pytest.mark.parametrize(
    ("imports", "source", "expected"),
    [
        ("from sklearn.ensemble import HistGradientBoostingClassifier as H", "m = H()", [(2, 1)]),
        ("from sklearn.ensemble import GradientBoostingRegressor", "m = GradientBoostingRegressor()", [(2, 1)]),
        ("from sklearn.linear_model import LogisticRegression", "m = LogisticRegression()", []),
        ("from sklearn.decomposition import PCA", "p = PCA(2, svd_solver='arpack')", [(2, 1)]),
        ("from sklearn.decomposition import PCA", "p = PCA(2, svd_solver='full')", []),
        ("from sklearn.manifold import TSNE", "e = TSNE(2).fit_transform(X)", [(2, 1)]),
        ("from sklearn.utils import shuffle", "X, y = shuffle(X, y)", [(2, 1)]),
        ("from random import shuffle", "shuffle(items)", []),
        ("from sklearn.pipeline import make_pipeline", "p = make_pipeline(a, b)", []),
        ("from sklearn.datasets import make_blobs", "X, y = make_blobs(\n    n_samples=10,\n)", [(2, 1)]),
        ("import lightgbm as lgb", "m = lgb.LGBMRegressor(seed=1)", []),
        ("from catboost import CatBoostClassifier", "m = CatBoostClassifier(random_state=1)", []),
        ("import xgboost", "m = xgboost.XGBClassifier(random_state=None)", []),  # None means XGBoost's fixed 0
        ("import lightgbm as lgb", "m = lgb.LGBMClassifier()", []),  # LightGBM's compiled-in default seeds
        ("from catboost import CatBoostClassifier", "m = CatBoostClassifier(verbose=0)", []),  # random_seed=0
        ("from imblearn.over_sampling import SMOTE", "s = SMOTE()", [(2, 1)]),
    ],
)
def test_rnd002_estimators(tmp_path, imports, source, expected):
    assert spots(MissingRandomState, tmp_path, imports, source, _reader(source)) == expected


def test_rnd002_estimator_nothing_reads_is_not_reported(tmp_path):
    # Built and never fitted nor read, or bound anew before any read: it draws nothing (fair check 27).
    assert spots(MissingRandomState, tmp_path, "import sklearn.model_selection as ms", "s = ms.KFold(5, shuffle=True)") == []
    assert spots(MissingRandomState, tmp_path, "from imblearn.over_sampling import SMOTE",
                 "s = SMOTE()", "s = SMOTE(random_state=0)\nprint(s)") == []


def test_rnd002_message_names_the_estimator_not_the_alias(tmp_path):
    found = messages(MissingRandomState, tmp_path, "from sklearn.model_selection import train_test_split as tts", "a = tts(X)")
    assert len(found) == 1 and "train_test_split" in found[0] and "random_state" in found[0]


# --- RND003 ---------------------------------------------------------------------------------------------------


WITHOUT_RND001 = {"pyproject.toml": '[tool.nbrefactor]\nignore = ["RND001"]\n'}


def test_rnd003_once_per_notebook_at_first_executed_seed(tmp_path):
    cells = (
        "import numpy as np\nimport torch\nimport random",
        "def later(s):\n    random.seed(s)",
        "np.random.seed(0)",
        "later(1)\nx = torch.rand(1)\ny = torch.rand(1)",
    )
    # RND001 ignored: with it enabled, each library would be RND001's one finding (tests/test_rules_precision.py).
    found = run_example(PartialSeeding, Example(cells=cells, files=WITHOUT_RND001), tmp_path)
    assert positions(found) == [(3, 1)]
    assert "PyTorch" in found[0].message and "NumPy" in found[0].message and "torch.manual_seed" in found[0].fix


def test_rnd003_silent_when_every_drawn_library_is_seeded(tmp_path):
    cells = ("import numpy as np\nimport torch\nnp.random.seed(0)\ntorch.manual_seed(0)", "a = np.random.rand()\nb = torch.rand(1)")
    assert spots(PartialSeeding, tmp_path, *cells) == []


def test_rnd003_unseeded_generator_alone_is_not_partial_seeding(tmp_path):
    cells = ("import numpy as np\nimport random\nrandom.seed(0)", "rng = np.random.default_rng()\nr = random.random()")
    assert spots(PartialSeeding, tmp_path, *cells) == []


def test_rnd003_names_several_libraries_in_catalogue_order(tmp_path):
    cells = ("import random, numpy as np, torch, tensorflow as tf\nrandom.seed(0)", "a = tf.random.normal([1])\nb = torch.rand(1)\nc = np.random.rand()")
    (found,) = run_example(PartialSeeding, Example(cells=cells, files=WITHOUT_RND001), tmp_path)
    message = found.message
    assert message.index("NumPy") < message.index("PyTorch") < message.index("TensorFlow/Keras")


# --- the catalogue --------------------------------------------------------------------------------------------


def test_catalogue_references_only_known_libraries():
    cat = RandomnessCatalog.from_catalog(load_catalog())
    ids = {lib.id for lib in cat.libraries}
    assert {"python", "numpy", "torch", "tensorflow"} <= ids
    referenced = {g.library for g in cat.generators} | {c.library for c in cat.conditional_draws} | {m.library for m in cat.method_draws}
    referenced |= {lib for s in cat.seeds for lib in s.seeds}
    assert referenced <= ids
    assert all(s.calls and s.seeds for s in cat.seeds)
    # a `random_state` entry names calls, or methods of objects together with the import that makes them its library's
    assert all((r.calls or (r.methods and r.requires_import)) and r.keywords for r in cat.random_state)


@pytest.mark.parametrize(
    ("qualified", "library"),
    [
        ("numpy.random.rand", "numpy"),
        ("numpy.random.seed", None),
        ("numpy.random.default_rng", None),
        ("random.shuffle", "python"),
        ("random.seed", None),
        ("torch.randn", "torch"),
        ("torch.nn.init.zeros_", None),
        ("torch.nn.init.kaiming_normal_", "torch"),
        ("torch.zeros", None),
        ("tensorflow.random.stateless_normal", None),
        ("tensorflow.random.uniform", "tensorflow"),
        ("keras.layers.Dense", "tensorflow"),
        ("keras.layers.Concatenate", None),
        ("jax.random.normal", None),
    ],
)
def test_catalogue_draw_classification(qualified, library):
    cat = RandomnessCatalog.from_catalog(load_catalog())
    found = next((lib.id for lib in cat.libraries if lib.draws_with(qualified)), None)
    assert found == library


def test_team_catalogue_extension_adds_a_library_and_its_seed():
    extra = {
        "randomness": {
            "library": [{"id": "mylib", "label": "MyLib", "draws": ["mylib.sample*"], "fix": "mylib.seed(SEED)"}],
            "seed": [{"call": "mylib.seed", "seeds": ["mylib"]}],
        }
    }
    catalog = Catalog(merge(dict(load_catalog().data), extra))
    cells = ("import mylib", "a = mylib.sample_one()", "mylib.seed(1)\nb = mylib.sample_two()")
    notebook = Notebook("n.ipynb", tuple(Cell(i + 1, "code", s) for i, s in enumerate(cells)))
    analysis = audit_notebook(notebook, Settings(), discover_project(Path("n.ipynb")), catalog, rules=[UnseededRandom])
    assert [(d.location.cell, d.location.line) for d in analysis.result.diagnostics] == [(2, 1)]
    assert "MyLib" in analysis.result.diagnostics[0].message


def test_analyse_randomness_places_in_function_calls_at_their_first_run():
    cells = ("import torch\ndef build():\n    return torch.nn.Linear(2, 2)", "x = 1", "m = build()\nn = build()")
    notebook = Notebook("n.ipynb", tuple(Cell(i + 1, "code", s) for i, s in enumerate(cells)))
    rf = analyse_randomness(analyse_notebook(notebook), RandomnessCatalog.from_catalog(load_catalog()))
    assert rf.first_run == {"build": (3, 1, 5)}
    (draw,) = rf.draws
    assert draw.library == "torch" and draw.qualified == "torch.nn.Linear"
    assert rf.moment(draw.ca, draw.call) == ((3, 1, 5), (1, 3, 12))


def test_rnd001_indices_that_only_pick_plotted_examples_are_left_out_but_any_other_use_keeps_them(tmp_path):
    # fair check 4: `np.random.choice` picks which images a figure shows; nothing computed depends on it.
    setup = "import numpy as np\nimport matplotlib.pyplot as plt\nimages = np.zeros((100, 8, 8))"
    plotted = "idx = np.random.choice(100, 40)\nfor i in range(4):\n    k = idx[i]\n    plt.imshow(images[k])\n    plt.title(k)"
    assert spots(UnseededRandom, tmp_path, setup, plotted) == []
    # The same indices also select training rows: the draw changes what is computed.
    used = plotted + "\nsubset = images[idx]"
    assert spots(UnseededRandom, tmp_path, setup, used) == [(2, 1)]
    # Read again in another cell: kept.
    assert spots(UnseededRandom, tmp_path, setup, plotted, "print(idx.sum())") == [(2, 1)]


def test_rnd001_draws_that_reach_only_displays_are_left_out_but_a_use_keeps_them(tmp_path):
    # fair check 5: picks made only to show rows, a tf.data shuffle read only by a print loop.
    def found(*cells):
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        folder.mkdir()
        return spots(UnseededRandom, folder, *cells)

    assert found("import tensorflow as tf", "ds = tf.data.Dataset.range(10).shuffle(10).batch(2)\nfor b in ds.take(1):\n    print(b)") == []
    # The same dataset then trains a model: used.
    assert found("import tensorflow as tf", "ds = tf.data.Dataset.range(10).shuffle(10).batch(2)\nfor b in ds.take(1):\n    print(b)", "model.fit(ds)") == [(2, 1)]
    # A statistic of the draws is a result, even when only printed.
    assert found("import numpy as np", "boot = np.random.choice(data, (1000, 10))\nprint(np.percentile(boot.mean(axis=1), [2.5, 97.5]))") == [(2, 1)]
    # A helper that also keeps its pick in a global list, or in a list it was given, uses it.
    assert found("import random", "picked = []\ndef show(items):\n    p = random.choice(items)\n    picked.append(p)\n    print(p)", "show([1, 2])") == [(2, 3)]
    assert found("import random", "def show(items, out):\n    p = random.choice(items)\n    out.append(p)\n    print(p)", "show([1, 2], [])") == [(2, 2)]
    # Shown, then saved; shown, then trained on in the loop; a condition on it that trains; yielded.
    assert found("import numpy as np", "x = np.random.rand(3)\nprint(x)", "np.save('x.npy', x)") == [(2, 1)]
    assert found("import numpy as np", "for i in range(3):\n    idx = np.random.randint(0, 10)\n    print(idx)\n    model.train_on_batch(X[idx], y[idx])") == [(2, 2)]
    assert found("import random", "def show(m):\n    if random.random() > 0.5:\n        m.fit(1)\n    print('x')", "show(model)") == [(2, 2)]
    assert found("import random", "def show(opt):\n    if random.random() < 0.5:\n        opt.step()\n    print('x')", "show(optimizer)") == [(2, 2)]
    assert found("import random", "def gen():\n    while True:\n        r = random.random()\n        print(r)\n        yield r", "g = gen()") == [(2, 3)]
    # Shown, then the name is rebound from something else before a use: the draw only showed.
    assert found("import numpy as np", "x = np.random.rand(3)\nprint(x)", "x = np.zeros(3)\nmodel.fit(x)") == []


def test_rnd001_a_seed_in_the_caller_before_the_call_seeds_the_callee_and_after_it_does_not(tmp_path):
    head = "import numpy as np\nimport torch\ndef split(n):\n    return np.random.permutation(n)"
    seeded_first = "def train():\n    torch.manual_seed(0)\n    np.random.seed(0)\n    return split(10)"
    seeded_late = "def train():\n    order = split(10)\n    np.random.seed(0)\n    return order"
    assert spots(UnseededRandom, tmp_path / "a", head, seeded_first, "train()") == []
    assert spots(UnseededRandom, tmp_path / "b", head, seeded_late, "train()") == [(1, 4)]
    # A seed in a callee that the caller runs before its own draw seeds it too.
    helper = "import numpy as np\ndef seed_all():\n    np.random.seed(0)\ndef train():\n    seed_all()\n    return np.random.rand(2)"
    assert spots(UnseededRandom, tmp_path / "c", helper, "train()") == []


def test_rnd001_trainer_seeds_when_built_and_a_new_head_before_it_is_a_draw(tmp_path):
    imports = "from transformers import AutoModelForSequenceClassification, Trainer"
    head = "model = AutoModelForSequenceClassification.from_pretrained('bert-base-cased', num_labels=2)"
    assert spots(UnseededRandom, tmp_path / "a", imports, head, "trainer = Trainer(model=model, args=args)") == [(2, 1)]
    assert spots(UnseededRandom, tmp_path / "b", imports, "trainer = Trainer(model=m, args=args)", head) == []
    # No new head asked for: the checkpoint's weights are loaded, nothing is drawn.
    plain = "model = AutoModelForSequenceClassification.from_pretrained('distilbert-base-uncased-finetuned-sst-2-english')"
    assert spots(UnseededRandom, tmp_path / "c", imports, plain) == []


def test_rnd001_a_read_in_another_cell_is_seen_whatever_the_cell_is_spelled_in(tmp_path):
    # `_plotted_only` skips a cell whose text does not contain the name: a fullwidth spelling
    # (`ｉｄｘ`, which Python reads as `idx`) and a cell that does not parse must still count.
    setup = "import numpy as np\nimport matplotlib.pyplot as plt\nimages = np.zeros((100, 8, 8))"
    plotted = "idx = np.random.choice(100, 40)\nfor i in range(4):\n    k = idx[i]\n    plt.imshow(images[k])\n    plt.title(k)"
    assert spots(UnseededRandom, tmp_path, setup, plotted, "print(\uff49\uff44\uff58.sum())") == [(2, 1)]
    assert spots(UnseededRandom, tmp_path, setup, plotted, "print(idx.sum()") == [(2, 1)]
    assert spots(UnseededRandom, tmp_path, setup, plotted, "print(other.sum())") == []


# --- RND001: the fix fits the TensorFlow the notebook uses (fair check 5, messages) ---------------


def _found(tmp_path: Path, *cells: str, files: dict[str, str] | None = None):
    return run_example(UnseededRandom, Example(cells=cells, files=files or {}), tmp_path)


def test_rnd001_tensorflow_before_2_7_fix_has_no_keras_set_random_seed(tmp_path):
    # Fair check 41, item 128: a TF 2.4 notebook (a saved `tensorflow.python.keras` object) importing only
    # keras: keras.utils.set_random_seed came with 2.7, and tf.random.set_seed needs `import tensorflow as tf`.
    layers = "from tensorflow.keras.models import Sequential\nfrom tensorflow.keras.layers import Dense\nmodel = Sequential()\nmodel.add(Dense(4))"
    saved = ExampleCell("it = gen.flow_from_directory('d')\nit", outputs=({
        "output_type": "execute_result", "execution_count": 1, "metadata": {},
        "data": {"text/plain": "<tensorflow.python.keras.preprocessing.image.DirectoryIterator at 0x7f>"}},))
    old = run_example(UnseededRandom, Example(cells=(layers, saved)), tmp_path / "old")
    assert len(old) == 1
    assert "keras.utils.set_random_seed(SEED)" not in old[0].fix.replace("no keras.utils.set_random_seed", "")
    assert "`import tensorflow as tf`, then tf.random.set_seed(SEED)" in old[0].fix
    pinned = _found(tmp_path / "pinned", "import tensorflow as tf\n" + layers, files={"requirements.txt": "tensorflow==2.4.1\n"})
    assert pinned[0].fix.endswith("Seed TensorFlow/Keras in the first code cell: " + "tf.random.set_seed(SEED) with np.random.seed(SEED) and "
                                  "random.seed(SEED) (this TensorFlow is older than 2.7, which has no keras.utils.set_random_seed)")
    # No evidence of the version: the catalogue's call, and the import the alternative needs.
    new = _found(tmp_path / "new", layers)
    assert "keras.utils.set_random_seed(SEED) (or `import tensorflow as tf` and tf.random.set_seed(SEED))" in new[0].fix
    newer = _found(tmp_path / "newer", "import tensorflow as tf\n" + layers, files={"requirements.txt": "tensorflow>=2.4,<2.16\n"})
    assert newer[0].fix.endswith("keras.utils.set_random_seed(SEED) (or tf.random.set_seed(SEED))")


def test_rnd001_fix_in_an_agentpy_model_names_its_seed_parameter(tmp_path):
    # Fair check 41, items 127, 133: the model also draws from agentpy's generator, seeded only by parameters['seed'].
    model = ("import agentpy as ap\nimport numpy as np\nclass Fire(ap.Model):\n    def setup(self):\n"
             "        self.grid = ap.Grid(self, (10, 10))\n        self.grid.add_agents(self.agents, random=True)\n"
             "        self.start = np.random.randint(10)\n")
    found = _found(tmp_path / "own", model, "m = Fire({'size': 10})\nm.run()")
    assert len(found) == 1 and "give `Fire` a seed in its parameters (`'seed': SEED`" in found[0].fix
    # A model drawing only from NumPy's global state: the NumPy seed is the whole fix.
    plain = model.replace(", random=True", "")
    only_numpy = _found(tmp_path / "numpy", plain, "m = Fire({'size': 10})\nm.run()")
    assert len(only_numpy) == 1 and "agentpy" not in only_numpy[0].fix


def test_rnd001_tensorflow_1_fix_names_tf_set_random_seed(tmp_path):
    # TF 1.x has no tf.random.set_seed nor keras.utils.set_random_seed: the fix names its own call.
    found = _found(
        tmp_path / "calls",
        "import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 4])",
        "w = tf.Variable(tf.random_normal([4, 2]))",
    )
    assert len(found) == 1
    assert "tf.set_random_seed(SEED)" in found[0].fix
    assert "keras.utils.set_random_seed" not in found[0].fix and "tf.random.set_seed(SEED)" not in found[0].fix
    # The TF1 tutorial helper's import alone says TensorFlow 1.
    tutorial = _found(
        tmp_path / "import",
        "import tensorflow as tf\nfrom tensorflow.examples.tutorials.mnist import input_data",
        "w = tf.Variable(tf.random_normal([4, 2]))",
    )
    assert "tf.set_random_seed(SEED)" in tutorial[0].fix


def test_rnd001_fix_names_a_cell_where_the_library_is_imported(tmp_path):
    # Fair check 35, item 134: NumPy seeded in cell 1, TensorFlow imported only in cell 3; a
    # tf.set_random_seed beside the NumPy seed would raise NameError. The fix names the import's cell.
    found = _found(
        tmp_path / "partial",
        "import numpy as np\nnp.random.seed(42)",
        "X = np.ones((4, 2))",
        "import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 2])",
        "W = tf.Variable(tf.random_normal([2, 1]))",
    )
    assert len(found) == 1
    assert found[0].fix.startswith("Seed TensorFlow/Keras after its import in cell 3 (the existing seed in cell 1 comes before it)")
    # Nothing seeded: not "the first code cell" when the library comes in later.
    late = _found(tmp_path / "late", "import numpy as np\nX = np.ones((4, 2))", "import torch\nw = torch.randn(3)")
    assert late[0].fix.startswith("Seed PyTorch after its import in cell 2:")
    # Imported in the first code cell: the fix stays there.
    first = _found(tmp_path / "first", "import torch\nimport numpy as np", "w = torch.randn(3)")
    assert first[0].fix.startswith("Seed PyTorch in the first code cell:")


def test_rnd001_tensorflow_1_fix_after_the_graph_reset(tmp_path):
    # Fair check 35, item 129: the draw's cell resets the default graph first, which drops a graph
    # seed set beside the notebook's other seed (cell 1): the fix names the reset.
    found = _found(
        tmp_path / "reset",
        "import numpy as np\nimport random\nimport tensorflow as tf\nrandom.seed(0)\nnp.random.seed(0)",
        "x = np.ones((4, 2))",
        "tf.reset_default_graph()\ninp = tf.placeholder(tf.float32, [None, 2])\nw = tf.Variable(tf.random_uniform([2, 1], -1.0, 1.0))",
    )
    assert len(found) == 1
    assert found[0].fix.startswith("Seed TensorFlow/Keras right after the tf.reset_default_graph() of cell 3 (line 1)")
    # A reset after the first draw (a second model) leaves the fix where it was.
    later = _found(
        tmp_path / "later",
        "import tensorflow as tf\nsess = tf.Session()",
        "w = tf.Variable(tf.random_normal([2, 1]))",
        "tf.reset_default_graph()\nv = tf.Variable(tf.random_normal([2, 1]))",
    )
    assert later[0].fix.startswith("Seed TensorFlow/Keras in the first code cell:")


def test_rnd001_tensorflow_1_fix_inside_graph_block(tmp_path):
    # Fair check 35, item 138: the ops are built under `with graph.as_default():`, and
    # tf.set_random_seed seeds the default graph where it is called: the fix names the block.
    found = _found(
        tmp_path / "graph",
        "import numpy as np\nimport tensorflow as tf\nnp.random.seed(0)",
        "graph = tf.Graph()\nwith graph.as_default(), tf.device('/cpu:0'):\n    x = tf.placeholder(tf.float32, [None, 4])\n"
        "    w = tf.Variable(tf.random_uniform([4, 2], -1.0, 1.0))",
    )
    assert len(found) == 1
    assert found[0].fix.startswith("Seed TensorFlow/Keras inside the `with graph.as_default():` block (cell 2, line 2), before its ops")
    assert "graph.seed = SEED" in found[0].fix


def test_rnd001_fix_names_the_seed_of_a_call_that_reseeds_from_entropy(tmp_path):
    # Fair check 35, item 119: trax's `training.Loop(…)` without `random_seed` re-seeds random,
    # NumPy and TensorFlow from the OS's entropy when built, so np.random.seed alone repeats nothing
    # of the training: the fix says to pass random_seed=SEED to the Loop.
    found = _found(
        tmp_path / "loop",
        "import numpy as np\nimport trax\nfrom trax.supervised import training",
        "def batches(n):\n    while True:\n        yield np.random.randint(1, 31, (n, 4))\n\ndata = batches(16)\nfirst = next(data)",
        "loop = training.Loop(model, task, output_dir='out')\nloop.run(1000)",
    )
    assert len(found) == 1
    assert "pass random_seed=SEED to `training.Loop(…)` (cell 3, line 1)" in found[0].fix
    assert "re-seeds the `random` module, NumPy and TensorFlow/Keras from the operating system's entropy" in found[0].fix
    assert (3, 1) in [(r.cell, r.line) for r in found[0].related]
    # Given its seed, the Loop seeds those libraries for the draws after it (and names no re-seed).
    seeded = _found(
        tmp_path / "seeded",
        "import numpy as np\nfrom trax.supervised import training",
        "loop = training.Loop(model, task, random_seed=0)",
        "w = np.random.rand(3)\nprint(w.sum())",
    )
    assert seeded == []


def test_rnd001_tf_graph_seed_reaches_only_its_own_graph(tmp_path):
    # Fair check 35, item 138's class: tf.set_random_seed seeds the graph that is the default where
    # it is called, so ops built under another graph's `with graph.as_default():` are unseeded.
    found = _found(
        tmp_path / "other",
        "import tensorflow as tf\ntf.set_random_seed(1)",
        "graph = tf.Graph()\nwith graph.as_default():\n    x = tf.placeholder(tf.float32, [None, 4])\n"
        "    w = tf.Variable(tf.random_normal([4, 2]))",
    )
    assert [(f.location.cell, f.location.line) for f in found] == [(2, 4)]
    assert "which no seed before it reaches" in found[0].message
    assert "the `tf.set_random_seed(…)` of cell 1 (line 2) seeds the default graph, and the draw is built in `graph`" in found[0].message
    assert found[0].fix.startswith("Seed TensorFlow/Keras inside the `with graph.as_default():` block (cell 2, line 2), before its ops")
    assert (1, 2) in [(r.cell, r.line) for r in found[0].related]
    # A seed inside the block, or a draw in a def that block runs, follow the graph of the call site.
    inside = _found(
        tmp_path / "inside",
        "import tensorflow as tf\ndef build():\n    return tf.Variable(tf.random_normal([4, 2]))",
        "graph = tf.Graph()\nwith graph.as_default():\n    tf.set_random_seed(1)\n    w = build()\n    sess = tf.Session()",
    )
    assert inside == []
    # A seed set inside the block seeds only that graph.
    outside = _found(
        tmp_path / "outside",
        "import tensorflow as tf\ngraph = tf.Graph()\nwith graph.as_default():\n    tf.set_random_seed(1)",
        "sess = tf.Session()\nw = tf.Variable(tf.random_normal([4, 2]))",
    )
    assert [(f.location.cell, f.location.line) for f in outside] == [(2, 2)]
    assert "seeds only `graph`, not the default graph" in outside[0].message


def test_rnd001_tf_fix_names_every_new_graph_block(tmp_path):
    # Fair check 36, items 129, 134, 138, 140: each model's cell builds `graph = tf.Graph()` anew,
    # so a seed in the first block seeds only the first graph: the fix names every block.
    cells = (
        "import tensorflow as tf",
        "graph = tf.Graph()\nwith graph.as_default():\n    x = tf.placeholder(tf.float32, [None, 4])\n"
        "    w = tf.Variable(tf.truncated_normal([4, 2]))",
        "graph = tf.Graph()\nwith graph.as_default():\n    x = tf.placeholder(tf.float32, [None, 4])\n"
        "    v = tf.Variable(tf.truncated_normal([4, 8]))",
    )
    found = _found(tmp_path / "two", *cells)
    assert [(f.location.cell, f.location.line) for f in found] == [(2, 4)]
    assert found[0].fix.startswith(
        "Seed TensorFlow/Keras inside each `with graph.as_default():` block that builds its ops, before them: "
        "cell 2 (line 2) and cell 3 (line 2). tf.set_random_seed(SEED) seeds the graph"
    )
    # A seed in the first block does not reach the second graph, built after `graph` is bound anew.
    seeded_first = _found(
        tmp_path / "first", cells[0],
        "graph = tf.Graph()\nwith graph.as_default():\n    tf.set_random_seed(1)\n    w = tf.Variable(tf.truncated_normal([4, 2]))",
        cells[2],
    )
    assert [(f.location.cell, f.location.line) for f in seeded_first] == [(3, 4)]
    # The same graph entered twice (no new binding between) is one graph: one block to seed.
    same = _found(
        tmp_path / "same", cells[0],
        "graph = tf.Graph()\nwith graph.as_default():\n    x = tf.placeholder(tf.float32, [None, 4])\n    w = tf.Variable(tf.truncated_normal([4, 2]))",
        "with graph.as_default():\n    v = tf.Variable(tf.truncated_normal([4, 8]))",
    )
    assert same[0].fix.startswith("Seed TensorFlow/Keras inside the `with graph.as_default():` block (cell 2, line 2)")


def test_rnd001_pick_loaded_by_item_getters_and_drawn_by_display_helpers(tmp_path):
    # Fair check 36, item 128: a random image id loaded by `dataset.load_image` (its value taken)
    # and drawn by an imported `display_*` helper only changes what is shown.
    shown = (
        "import numpy as np\nfrom mrcnn import visualize\nfrom mrcnn.visualize import display_images",
        "image_id = np.random.choice(dataset.image_ids)\nimage = dataset.load_image(image_id)\n"
        "visualize.display_instances(image, boxes, masks, ids, names)\ndisplay_images([image])",
    )
    assert _found(tmp_path / "shown", *shown) == []
    # A getter whose value nothing takes may have been called for what it does to its receiver.
    statement = _found(
        tmp_path / "statement", shown[0],
        "image_id = np.random.choice(dataset.image_ids)\ndataset.load_subset(image_id)\nmodel.train(dataset)",
    )
    assert [(f.location.cell, f.location.line) for f in statement] == [(2, 1)]
    # The notebook's own `show_*` def is followed into its body: here it saves what it gets.
    own = _found(
        tmp_path / "own", shown[0],
        "def show_image(image):\n    np.save('picked.npy', image)",
        "image_id = np.random.choice(dataset.image_ids)\nimage = dataset.load_image(image_id)\nshow_image(image)",
    )
    assert [(f.location.cell, f.location.line) for f in own] == [(3, 1)]


def test_rnd001_seeding_function_assigned_instead_of_called(tmp_path):
    # Fair check 36, item 141: `np.random.seed = 100` seeds nothing and replaces the function; the
    # finding names the assignment (related) and the fix is the call the author meant.
    found = _found(
        tmp_path / "assigned",
        "import numpy as np\nimport torch",
        "np.random.seed = 100\ntorch.manual_seed = 0\nx = np.random.rand(100)\nnp.save('x.npy', x)\nw = torch.randn(3)\nw.sum().backward()",
    )
    by_line = {f.location.line: f for f in found}
    assert sorted(by_line) == [3, 5]
    numpy = by_line[3]
    assert ("the `np.random.seed = 100` of cell 2 (line 1) assigns to `np.random.seed` instead of calling it: it seeds "
            "nothing, and replaces the function by that value") in numpy.message
    assert numpy.fix == "Call np.random.seed(100) in place of the assignment `np.random.seed = 100` (cell 2, line 1)"
    assert (2, 1) in [(r.cell, r.line) for r in numpy.related]
    assert "`torch.manual_seed = 0` of cell 2 (line 2)" in by_line[5].message
    # After the first draw, the fix keeps its place and also drops the assignment.
    late = _found(
        tmp_path / "late",
        "import random\nitems = list(range(10))\nrandom.shuffle(items)\nwith open('order.txt', 'w') as f:\n    f.write(str(items))",
        "random.seed = 3",
    )
    assert late[0].fix.startswith("Seed the `random` module in the first code cell: random.seed(SEED); and drop the assignment `random.seed = 3` (cell 2, line 1)")


def test_rnd001_tf_reset_default_graph_after_the_seed_drops_it(tmp_path):
    # A graph reset after the seed gives a new default graph without it (TensorFlow 1's graph mode).
    found = _found(
        tmp_path / "after",
        "import tensorflow as tf\ntf.set_random_seed(1)\nsess = tf.Session()",
        "tf.reset_default_graph()\nw = tf.Variable(tf.random_normal([4, 2]))",
    )
    assert [(f.location.cell, f.location.line) for f in found] == [(2, 2)]
    assert "which the `tf.reset_default_graph()` of cell 2 (line 1) replaces" in found[0].message
    assert found[0].fix.startswith("Seed TensorFlow/Keras again right after the `tf.reset_default_graph()` of cell 2 (line 1)")
    before = _found(
        tmp_path / "before",
        "import tensorflow as tf\ntf.reset_default_graph()\ntf.set_random_seed(1)\nsess = tf.Session()",
        "w = tf.Variable(tf.random_normal([4, 2]))",
    )
    assert before == []


def test_rnd001_reseeding_call_after_a_seed_is_an_unseeded_source(tmp_path):
    # Fair check 35, item 119's class: trax's Loop without random_seed re-seeds NumPy from entropy,
    # so a NumPy seed before it does not repeat the training: the Loop itself is reported …
    found = _found(
        tmp_path / "loop",
        "import numpy as np\nfrom trax.supervised import training\nnp.random.seed(0)",
        "loop = training.Loop(model, task, output_dir='out')\nloop.run(1000)",
    )
    assert [(f.location.cell, f.location.line) for f in found] == [(2, 1)]
    assert "runs without `random_seed`" in found[0].message and "it undoes the `np.random.seed(…)` of cell 1, line 3" in found[0].message
    assert found[0].fix == "Pass random_seed=SEED to `training.Loop(…)`"
    # … and a NumPy draw after it is unseeded, with the Loop in the fix (one finding, not two).
    after = _found(
        tmp_path / "after",
        "import numpy as np\nfrom trax.supervised import training\nnp.random.seed(0)",
        "loop = training.Loop(model, task, output_dir='out')",
        "idx = np.random.permutation(100)\nresult = fit(data[idx])\nresult.save('r.pkl')",
    )
    assert [(f.location.cell, f.location.line) for f in after] == [(3, 1)]
    assert "is undone by the `training.Loop(…)` of cell 2 (line 1)" in after[0].message
    assert after[0].fix.startswith("Pass random_seed=SEED to `training.Loop(…)` (cell 2, line 1)")


def test_rnd001_a_reseeding_call_given_its_seed_as_none_is_said_so(tmp_path):
    # trax's `training.Loop(…, random_seed=None)` re-seeds from entropy as without it (trax's
    # `_init_random_number_generators(None)`): the message and fix say it is given None, and the fix
    # still names random_seed= (the Loop is not "without" it).
    loop = "loop = training.Loop(model, task, random_seed=None)"
    found = _found(tmp_path / "source", "import numpy as np\nfrom trax.supervised import training\nnp.random.seed(0)", loop + "\nloop.run(1000)")
    assert [(f.location.cell, f.location.line) for f in found] == [(2, 1)]
    assert "runs with `random_seed=None`" in found[0].message and "without" not in found[0].message
    assert found[0].fix == "Pass random_seed=SEED to `training.Loop(…)` in place of None"
    after = _found(
        tmp_path / "after",
        "import numpy as np\nfrom trax.supervised import training\nnp.random.seed(0)",
        loop,
        "idx = np.random.permutation(100)\nresult = fit(data[idx])\nresult.save('r.pkl')",
    )
    assert "which, given random_seed=None, re-seeds" in after[0].message
    assert after[0].fix.startswith("Pass random_seed=SEED to `training.Loop(…)` (cell 2, line 1) in place of None: with None, it re-seeds")
    unseeded = _found(
        tmp_path / "unseeded",
        "import numpy as np\nfrom trax.supervised import training",
        "def batches(n):\n    while True:\n        yield np.random.randint(1, 31, (n, 4))\n\ndata = batches(16)\nfirst = next(data)",
        loop + "\nloop.run(1000)",
    )
    assert "pass random_seed=SEED to `training.Loop(…)` (cell 3, line 1) in place of None: with None, it re-seeds" in unseeded[0].fix


def test_rnd001_tensorflow_1_pin_in_manifest_and_tensorflow_2_default(tmp_path):
    pinned = _found(tmp_path / "pin", "import tensorflow as tf\nw = tf.random_normal([3])", files={"requirements.txt": "tensorflow==1.15.5\n"})
    assert "tf.set_random_seed(SEED)" in pinned[0].fix
    modern = _found(tmp_path / "v2", "import tensorflow as tf\nw = tf.random.normal([3])", files={"requirements.txt": "tensorflow>=1.15\n"})
    assert "keras.utils.set_random_seed(SEED)" in modern[0].fix and "tf.set_random_seed" not in modern[0].fix


def test_rnd001_estimator_input_function_fix_is_runconfig_not_a_global_seed(tmp_path):
    found = _found(
        tmp_path,
        "import numpy as np\nimport tensorflow as tf\nx = np.zeros((4, 2))",
        "train_fn = tf.compat.v1.estimator.inputs.numpy_input_fn(x={'x': x}, shuffle=True)",
    )
    assert len(found) == 1
    assert "shuffles the training batches without a seed" in found[0].message
    assert "global random state" not in found[0].message
    assert "RunConfig(tf_random_seed=SEED)" in found[0].fix and "shuffle(buffer_size, seed=SEED)" in found[0].fix
    assert "keras.utils.set_random_seed" not in found[0].fix


def test_rnd001_pipeline_framework_tf_draws_from_tensorflow(tmp_path):
    found = _found(tmp_path, "from transformers import pipeline\ngen = pipeline('text-generation', 'distilgpt2', framework='tf')")
    assert len(found) == 1
    assert "TensorFlow" in found[0].message and "PyTorch" not in found[0].message
    assert "torch.manual_seed" not in found[0].fix


def test_rnd001_text2text_pipeline_samples_only_with_do_sample(tmp_path):
    # Greedy or beam decoding by default: no draw. With do_sample=True it samples.
    assert _found(tmp_path / "greedy", "from transformers import pipeline\nsummarizer = pipeline('text2text-generation', 't5-small', framework='tf')") == []
    assert _found(tmp_path / "summary", "from transformers import pipeline\ns = pipeline('summarization')") == []
    sampled = _found(tmp_path / "sampled", "from transformers import pipeline\ns = pipeline('text2text-generation', 't5-small', do_sample=True)")
    assert len(sampled) == 1 and "PyTorch" in sampled[0].message


def test_rnd001_estimator_input_function_is_not_seeded_by_a_global_seed(tmp_path):
    # The Estimator builds its own graph: tf.set_random_seed before it does not reach the shuffle.
    found = _found(
        tmp_path,
        "import numpy as np\nimport tensorflow as tf\ntf.set_random_seed(1)\nx = np.zeros((4, 2))",
        "w = tf.random_normal([3])\ntrain_fn = tf.estimator.inputs.numpy_input_fn(x={'x': x}, shuffle=True)",
    )
    assert [(d.location.cell, d.location.line) for d in found] == [(2, 2)]
    assert "RunConfig(tf_random_seed=SEED)" in found[0].fix


def test_rnd001_in_a_method_names_the_method_call_not_the_constructor(tmp_path):
    # Fair check 6 (item 147): "first run in cell 2" named where the class was built; its `setup`
    # method, which draws, runs where `dm.setup()` is called.
    cells = (
        "import torch\nfrom torch.utils.data import random_split\n"
        "class Splits:\n    def __init__(self, items):\n        self.items = items\n"
        "    def setup(self):\n        self.train, self.val = random_split(self.items, [8, 2])",
        "dm = Splits(list(range(10)))",
        "print(len(dm.items))",
        "dm.setup()",
    )
    [message] = messages(UnseededRandom, tmp_path, *cells)
    assert "`random_split` inside `Splits.setup` (`setup()` first called in cell 4)" in message


def test_rnd001_in_a_method_not_called_by_name_names_where_the_class_is_built(tmp_path):
    # Keras calls `call` itself; `subprocess.call` is no call of that method.
    cells = (
        "import subprocess\nimport numpy as np\n"
        "class Jitter:\n    def __init__(self, scale):\n        self.scale = scale\n"
        "    def call(self, x):\n        return x + np.random.normal(0, self.scale, x.shape)",
        "layer = Jitter(0.1)",
        "subprocess.call(['ls'])",
    )
    [message] = messages(UnseededRandom, tmp_path, *cells)
    assert "`np.random.normal` inside `Jitter.call` (`Jitter` first built in cell 2)" in message


def test_rnd002_numpy_seeded_above_says_the_result_hangs_on_earlier_draws(tmp_path):
    """Fair check 8: NumPy seeded in a cell above, a scikit-learn estimator without random_state
    repeats top to bottom; the message says what does change it (re-runs and order), not that
    it changes from run to run."""
    example = Example(cells=(
        "import numpy as np\nfrom sklearn.cluster import KMeans\nnp.random.seed(0)\nX = np.random.rand(20, 2)",
        "model = KMeans(n_clusters=2, n_init=10).fit(X)",
    ))
    (hit,) = run_example(MissingRandomState, example, tmp_path)
    assert hit.message == (
        "`KMeans(...)` is called with no random_state: it draws from NumPy's global generator, which cell 1 seeds, "
        "so its result depends on every draw before it (re-running a cell, or running cells in another order, changes it)"
    )
    unseeded = Example(cells=("import numpy as np\nfrom sklearn.cluster import KMeans\nX = np.ones((20, 2))",
                              "model = KMeans(n_clusters=2, n_init=10).fit(X)", "np.random.seed(0)"))
    (hit,) = run_example(MissingRandomState, unseeded, tmp_path)
    assert hit.message.endswith("its result changes from run to run")


def test_rnd002_a_name_also_bound_by_except_as_is_not_a_class_alias(tmp_path):
    """`transform = TSNE`, and `except … as transform` elsewhere: which object the name holds at the
    call is unknown. RND002's own walk missed the `except` binding; the bindings index it now shares
    with DEP005 (`rules.single_assignments`) counts it."""
    head = "from sklearn.manifold import TSNE"
    assert spots(MissingRandomState, tmp_path, head, "transform = TSNE\nemb = transform(n_components=2).fit_transform(X)") == [(2, 2)]
    assert spots(
        MissingRandomState, tmp_path, head,
        "transform = TSNE\ntry:\n    pass\nexcept ValueError as transform:\n    pass\nemb = transform(n_components=2).fit_transform(X)",
    ) == []


# --- fair check 18 (fix18rnd) ------------------------------------------------------------------------


def test_rnd002_seed_guarded_by_a_parameter_every_call_leaves_none_seeds_nothing(tmp_path):
    # `make_data(n, seed=None)` seeds NumPy only `if seed is not None`, and its one call passes None:
    # no "which cell 1 seeds" (fair check 18, item 154), and the function's own draw is RND001's.
    cells = (
        "import numpy as np\nfrom sklearn.ensemble import RandomForestRegressor\n"
        "def make_data(n, seed=None):\n    if seed is not None:\n        np.random.seed(seed)\n    return np.random.normal(size=(n, 2))",
        "X = make_data(50, seed=None)\nmodel = RandomForestRegressor()\nmodel.fit(X, X[:, 0])\nprint(model.score(X, X[:, 0]))",
    )
    assert messages(MissingRandomState, tmp_path, *cells) == [
        "`RandomForestRegressor(...)` is called with no random_state: its result changes from run to run"]
    assert spots(UnseededRandom, tmp_path, *cells) == [(1, 6)]
    # A call that passes a seed does seed, from that call on (said as the cell of that call).
    seeded = (cells[0], "X = make_data(50, seed=3)", cells[1].split("\n", 1)[1])
    assert "which cell 2 seeds" in messages(MissingRandomState, tmp_path, *seeded)[0]
    assert spots(UnseededRandom, tmp_path, *seeded) == []


def test_rnd001_project_seed_helper_counts_for_the_libraries_it_seeds(tmp_path):
    # Read from the module (never imported): `random.seed` and `np.random.seed` unconditionally,
    # torch only under an `if`; re-exported by the package's `__init__.py`.
    helpers = {
        "labkit/__init__.py": "from .seeding import seed_all\n",
        "labkit/seeding.py": (
            "import random\nimport numpy as np\n\n\ndef _numpy(seed):\n    np.random.seed(seed)\n\n\n"
            "def seed_all(seed=42):\n    random.seed(seed)\n    _numpy(seed)\n    if seed > 100:\n        import torch\n        torch.manual_seed(seed)\n"
        ),
    }
    cells = ("import numpy as np\nimport torch\nfrom labkit import seed_all", "seed_all(1)",
             "idx = np.random.permutation(9)\nrows = data[idx]", "w = torch.randn(300)\nprint(float(w.sum()))")
    found = run_example(UnseededRandom, Example(cells=cells, files=helpers), tmp_path)
    assert positions(found) == [(4, 1)]
    assert "the notebook seeds the `random` module and NumPy (cell 2, line 1) but never PyTorch" in found[0].message
    # `seed_all(None)` may pass None to the seeding calls: it does not count.
    unseeded = run_example(UnseededRandom, Example(cells=(cells[0], "seed_all(None)", *cells[2:]), files=helpers), tmp_path / "none")
    assert positions(unseeded) == [(3, 1), (4, 1)]


def test_rnd001_generator_fallbacks_are_one_finding_and_only_when_taken(tmp_path):
    define = (
        "import numpy as np\n"
        "def walk(n, rng=None):\n    if rng is None:\n        rng = np.random.default_rng()\n    return rng.normal(size=n)\n"
        "def shuffle_rows(x, rng=None):\n    if rng is None:\n        rng = np.random.default_rng()\n    return rng.permutation(x)"
    )
    assert spots(UnseededRandom, tmp_path, define, "a = walk(5, rng=np.random.default_rng(1))\nb = shuffle_rows(a, np.random.default_rng(2))") == []
    found = messages(UnseededRandom, tmp_path, define, "a = walk(5)\nb = shuffle_rows(a, rng=None)")
    assert found == [
        "`np.random.default_rng()` creates a NumPy generator without a seed when `walk` is called without `rng`, as the "
        "notebook does: that call takes fresh entropy on every run; 1 more function falls back the same way (`shuffle_rows`)"]


def test_rnd002_workers_folded_through_a_config_literal(tmp_path):
    head = "from gensim.models import Word2Vec\nCFG = {'w2v': {'workers': 1}, 'threads': 4}"
    assert spots(MissingRandomState, tmp_path, head, "model = Word2Vec(s, workers=CFG['w2v']['workers'], seed=1)") == []
    # Assigned into: the literal no longer says what the call reads.
    assert spots(MissingRandomState, tmp_path, head, "CFG['w2v']['workers'] = 8", "model = Word2Vec(s, workers=CFG['w2v']['workers'], seed=1)") == [(3, 1)]
    assert messages(MissingRandomState, tmp_path, head, "model = Word2Vec(s, workers=CFG['threads'], seed=1)")[0].startswith(
        "`Word2Vec(...)` trains with `workers=CFG['threads']` (= 4): ")


# --- fair check 20 (fix20rnd) ------------------------------------------------------------------------


def test_rnd002_seed_in_a_generator_the_package_init_re_exports(tmp_path):
    # The package's `__init__.py` only re-exports (no "seed" in its text); the generator's module
    # runs `np.random.seed(random_seed)`: the split is seeded through NumPy's global state (item 149).
    helpers = {
        "toydata/__init__.py": "from .uplift import make_toy\n",
        "toydata/uplift.py": "import numpy as np\n\n\ndef make_toy(n=10, random_seed=7):\n    np.random.seed(random_seed)\n    return np.random.rand(n, 2)\n",
    }
    cells = ("from sklearn.model_selection import train_test_split\nfrom toydata import make_toy", "X = make_toy(20)",
             "a, b = train_test_split(X)\nprint(len(a))")
    found = run_example(MissingRandomState, Example(cells=cells, files=helpers), tmp_path)
    assert [d.message for d in found] == [
        "`train_test_split(...)` is called with no random_state: it draws from NumPy's global generator, which "
        "`make_toy(…)` in cell 2 seeds, so its result depends on every draw before it (re-running a cell, or running "
        "cells in another order, changes it)"]
    # Without the seeding call in the generator: changes from run to run.
    plain = {**helpers, "toydata/uplift.py": "import numpy as np\n\n\ndef make_toy(n=10):\n    return np.random.rand(n, 2)\n"}
    found = run_example(MissingRandomState, Example(cells=cells, files=plain), tmp_path / "plain")
    assert [d.message for d in found] == ["`train_test_split(...)` is called with no random_state: its result changes from run to run"]


def test_rnd001_check_cell_names_rebound_before_read_and_checks_over_cells(tmp_path):
    head = "import numpy as np\ndef shift(v, k):\n    return np.roll(v, k)"
    check = "v = np.random.randn(8)\nw = shift(v, 3)\nback = shift(w, -3)\nassert np.allclose(v, back)"
    # `w` is rebound before the next read: the check cell's names reach nothing else.
    assert spots(UnseededRandom, tmp_path / "a", head, check, "w = {'k': 3}\nprint(w)") == []
    # Read as it is (trained on): reported.
    assert spots(UnseededRandom, tmp_path / "b", head, check, "model.fit(w)") == [(2, 1)]
    # A check spread over cells: derived names reach only asserts and shape prints.
    spread = (head, "x = np.random.randn(5, 3)", "y = x @ np.eye(3)\nprint(y.shape)",
              "for k in range(3):\n    z = np.roll(y, k, axis=0)\n    assert np.allclose(np.sort(z, axis=0), np.sort(y, axis=0))")
    assert spots(UnseededRandom, tmp_path / "c", *spread) == []
    assert spots(UnseededRandom, tmp_path / "d", *spread, "np.save('y.npy', y)") == [(2, 1)]
    # A rebinding under a condition may not run: the drawn value may still be read.
    assert spots(UnseededRandom, tmp_path / "e", head, check, "if flag:\n    w = {'k': 3}", "model.fit(w)") == [(2, 1)]


def test_rnd001_draw_whose_frame_is_replaced_before_any_read(tmp_path):
    head = "import random\nimport pandas as pd"
    draw = "picked = [0] + random.sample(range(1, 9), 3)\ncounts = pd.read_csv('big.csv', usecols=picked)"
    replaced = "counts = counts.round()\ncounts = pd.read_csv('pinned.csv')"
    assert spots(UnseededRandom, tmp_path / "a", head, draw, replaced, "print(counts.shape)") == []
    # Written out before it is replaced: the draw reaches the file.
    assert spots(UnseededRandom, tmp_path / "b", head, draw, "counts.to_csv('out.csv')\n" + replaced) == [(2, 1)]


def test_rnd001_colours_returned_by_a_helper_reach_only_a_figure(tmp_path):
    head = "import numpy as np\nimport matplotlib.pyplot as plt"
    helpers = (
        "def random_palette(labels):\n    palette = {}\n    for label in labels:\n        palette[label] = np.random.randint(0, 255, 3)\n    return palette\n"
        "def paint(image, palette):\n    out = np.zeros(image.shape + (3,), dtype=np.uint8)\n    for label, colour in palette.items():\n"
        "        out[image == label] = colour\n    return out\n"
        "def show(image):\n    palette = random_palette(np.unique(image))\n    fig, ax = plt.subplots()\n    ax.imshow(paint(image, palette))\n    plt.show()"
    )
    assert spots(UnseededRandom, tmp_path / "a", head, helpers, "show(np.eye(3, dtype=int))") == []
    # The palette handed back to the notebook and saved: used.
    assert spots(UnseededRandom, tmp_path / "b", head, helpers, "p = random_palette([0, 1])\nnp.save('p.npy', p[0])") == [(2, 4)]
    # A colour list shuffled in place for `plot`: shown only; shuffled rows fitted: used.
    tracks = "def plot_tracks(tracks):\n    colours = ['r', 'g', 'b']\n    np.random.shuffle(colours)\n    for i, t in enumerate(tracks):\n        plt.plot(t, color=colours[i % 3])"
    assert spots(UnseededRandom, tmp_path / "c", head, tracks, "plot_tracks([np.arange(3)])") == []


def test_rnd001_function_named_only_in_a_string_keeps_its_draw(tmp_path):
    # `getattr(module, "make_noise")` may call it: a mention of the name anywhere keeps the draw.
    cells = ("import numpy as np", "def make_noise():\n    return np.random.rand(3)", "f = globals()['make_noise']\nprint(f().sum())")
    assert spots(UnseededRandom, tmp_path, *cells) == [(2, 2)]


# --- fair check 25 (fix25other) ----------------------------------------------------------------------


def test_rnd001_project_seed_helper_switches_on_by_default_seed(tmp_path):
    # cs224u's `utils.fix_random_seeds(seed=42, set_system=True, set_torch=True, set_tensorflow=False)`
    # seeds NumPy under `if set_system:` and torch under `if set_torch:` (items 145, 153): a call that
    # leaves the switches to their true defaults seeds both; one that passes a false switch does not.
    helpers = {"utils.py": (
        "import random\nimport numpy as np\n\n\n"
        "def fix_random_seeds(seed=42, set_system=True, set_torch=True, set_tensorflow=False):\n"
        "    if set_system:\n        np.random.seed(seed)\n        random.seed(seed)\n"
        "    if set_torch:\n        try:\n            import torch\n        except ImportError:\n            pass\n"
        "        else:\n            torch.manual_seed(seed)\n"
        "    if set_tensorflow:\n        import tensorflow as tf\n        tf.random.set_seed(seed)\n"
    )}
    head = "import numpy as np\nimport torch\nimport tensorflow as tf\nimport utils"
    draws = ("idx = np.random.permutation(9)\nrows = data[idx]", "w = torch.randn(300)\nprint(float(w.sum()))",
             "t = tf.random.normal([3])\nprint(float(tf.reduce_sum(t)))")

    def found(call: str, name: str):
        return run_example(UnseededRandom, Example(cells=(head, call, *draws), files=helpers), tmp_path / name)

    assert positions(found("utils.fix_random_seeds()", "defaults")) == [(5, 1)]
    assert positions(found("utils.fix_random_seeds(set_tensorflow=True)", "all")) == []
    assert positions(found("utils.fix_random_seeds(7, True, False)", "positional")) == [(4, 1), (5, 1)]
    assert positions(found("utils.fix_random_seeds(set_system=False, set_torch=0)", "off")) == [(3, 1), (4, 1), (5, 1)]
    # A switch passed as a name is not known to be on.
    assert positions(found("flag = True\nutils.fix_random_seeds(set_torch=flag)", "name")) == [(4, 1), (5, 1)]


def test_rnd001_tensorflow_compat_v2_set_seed_seeds_tensorflow(tmp_path):
    # rl-book's `import tensorflow.compat.v2 as tf; tf.random.set_seed(0)` (item 152): TF 2's own
    # `tf.random.set_seed` under its compat name.
    draw = "from tensorflow import keras\nlayer = keras.layers.Dense(3)\nmodel = keras.Sequential([layer])\nmodel.save('m.keras')"
    assert spots(UnseededRandom, tmp_path / "v2", "import tensorflow.compat.v2 as tf\ntf.random.set_seed(0)", draw) == []
    assert spots(UnseededRandom, tmp_path / "v1", "import tensorflow.compat.v1 as tf\ntf.set_random_seed(0)", draw) == []
    assert spots(UnseededRandom, tmp_path / "none", "import tensorflow.compat.v2 as tf", draw) == [(2, 2)]


def test_rnd002_truncated_svd_projection_only_plotted_is_not_reported(tmp_path):
    # Item 155 (kallistobustools): the 2-D projection reaches only scatter plots (one coloured by
    # density through a helper with `**kwargs`); used for anything else it stays reported.
    head = "import numpy as np\nimport matplotlib.pyplot as plt\nfrom sklearn.decomposition import TruncatedSVD\nfrom sklearn.cluster import KMeans"
    svd = "tsvd = TruncatedSVD(n_components=2)\ntsvd.fit(mtx)\nX = tsvd.transform(mtx)"
    helper = "def dots(x, y, ax, **kwargs):\n    return ax.scatter(x, y, **kwargs)\n"
    shown = helper + "fig, ax = plt.subplots()\nsc = dots(X[:, 0], X[:, 1], ax, cmap='Greens')\nfig.colorbar(sc, ax=ax)\nplt.show()"
    assert spots(MissingRandomState, tmp_path / "shown", head, svd, shown) == []
    # The projection clustered: a result that changes with the solver's start.
    assert spots(MissingRandomState, tmp_path / "used", head, svd, shown, "labels = KMeans(3, random_state=0).fit_predict(X)\nprint(np.bincount(labels))") == [(2, 1)]
    # The projection passed into the helper's `**kwargs` (`c=X[:, 0]`) is not followed there: kept.
    into_kwargs = helper + "fig, ax = plt.subplots()\nsc = dots(X[:, 0], X[:, 1], ax, c=X[:, 0])\nfig.colorbar(sc, ax=ax)\nplt.show()"
    assert spots(MissingRandomState, tmp_path / "kwargs", head, svd, into_kwargs) == [(2, 1)]


# --- RND001: training-only Keras draws of a loaded model (fair check 25) ----------------------------

_LOADED_BUILD = (
    "def build(weights=None):\n    inputs = keras.Input(shape=(8,))\n    x = keras.layers.Dense(16)(inputs)\n"
    "    x = keras.layers.Dropout(0.2)(x)\n    net = keras.Model(inputs, keras.layers.Dense(2)(x))\n"
    "    net.load_weights(weights)\n    return net"
)


def test_rnd001_dropout_of_a_loaded_model_only_predicting_is_not_reported(tmp_path):
    assert spots(UnseededRandom, tmp_path, "import numpy as np\nfrom tensorflow import keras", _LOADED_BUILD,
                 "net = build('w.h5')\nprint(net.predict(np.load('x.npy')))") == []


def test_rnd001_a_parameter_named_like_the_switch_is_its_own(tmp_path):
    # `train = False` at module level does not decide `if train:` in a def whose parameter it is:
    # `fit_or_not()` leaves its True default, so the model trains.
    assert spots(UnseededRandom, tmp_path, "import numpy as np\nfrom tensorflow import keras", _LOADED_BUILD,
                 "train = True\ntrain = False",
                 "def fit_or_not(net, train=True):\n    if train:\n        net.fit(np.load('x.npy'), np.load('y.npy'))",
                 "net = build('w.h5')\nfit_or_not(net)") == [(2, 4)]


def test_rnd001_a_flag_passed_through_a_name_may_be_on(tmp_path):
    # The def is also handed on (`callbacks.append(play)`): its calls are not all seen, so its
    # `train=False` default decides nothing; nor does a call passing a name.
    cells = ("import numpy as np\nfrom tensorflow import keras", _LOADED_BUILD,
             "def play(net, train=False):\n    if train:\n        net.fit(np.load('x.npy'), np.load('y.npy'))",
             "net = build('w.h5')\nplay(net)")
    assert spots(UnseededRandom, tmp_path, *cells) == []
    assert spots(UnseededRandom, tmp_path, *cells, "callbacks = [play]") == [(2, 4)]
    assert spots(UnseededRandom, tmp_path, *cells, "flag = bool(np.load('f.npy'))\nplay(net, train=flag)") == [(2, 4)]


def test_rnd001_a_switch_read_in_its_own_cell_decides_nothing(tmp_path):
    assert spots(UnseededRandom, tmp_path, "import numpy as np\nfrom tensorflow import keras", _LOADED_BUILD,
                 "train = True\nif train:\n    print('training')\ntrain = False",
                 "net = build('w.h5')\nif train:\n    net.fit(np.load('x.npy'), np.load('y.npy'))") == [(2, 4)]


# --- fair check 32 (fix34rnd) ------------------------------------------------------------------------


def test_rnd002_seed_in_a_function_counts_where_the_function_runs(tmp_path):
    """Fair check 32, item 131: `np.random.seed(0)` inside `make_sine_wave`, which nothing calls,
    seeds nothing (RND001 already said so); RND002 said "which cell 1 seeds". Called, it seeds
    from the cell of the call, named by the function."""
    head = "import numpy as np\nfrom sklearn.model_selection import train_test_split"
    maker = "def make_sine_wave():\n    np.random.seed(0)\n    return np.sin(np.linspace(0, 6, 50))"
    split = "a, b = train_test_split(np.arange(10))\nprint(a, b)"
    assert messages(MissingRandomState, tmp_path, head, maker, split) == [
        "`train_test_split(...)` is called with no random_state: its result changes from run to run"]
    (message,) = messages(MissingRandomState, tmp_path, head, maker, "wave = make_sine_wave()", split)
    assert "which `make_sine_wave(…)` in cell 3 seeds" in message
    # Called in the estimator's own cell, above it: every run of the cell repeats it, as a seed written there.
    assert messages(MissingRandomState, tmp_path, head, maker, "wave = make_sine_wave()\n" + split) == []


def test_rnd001_a_redefined_function_draws_where_that_definition_runs(tmp_path):
    """Fair check 32, item 120: `boot` defined again after `np.random.seed(1)` and called after it
    draws seeded; its draws were timed by the first `boot`'s first call (before the seed) and
    listed as unseeded."""
    cells = (
        "import numpy as np",
        "def boot(n):\n    return np.random.rand(n).mean()",
        "r = boot(100)\nprint(r)",
        "np.random.seed(1)",
        "def boot(n):\n    return np.random.choice(5, n).mean()",
        "r2 = boot(100)\nprint(r2)",
    )
    (hit,) = run_example(UnseededRandom, Example(cells=cells), tmp_path)
    assert positions([hit]) == [(2, 2)] and hit.related == ()
    assert "inside `boot` (first run in cell 3)" in hit.message and "more unseeded" not in hit.message
    # Redefined before the seed and called only after it: seeded, and said of neither definition.
    assert spots(UnseededRandom, tmp_path, cells[0], cells[1], cells[4], cells[3], cells[5]) == []


def test_rnd002_gensim_workers_below_one_trains_nothing(tmp_path):
    """Fair check 32, item 144: gensim starts `range(workers)` threads, so `workers=-1` trains
    nothing; the message says so instead of "its vectors change from run to run"."""
    cells = ("from gensim.models import FastText, Word2Vec",
             "ft = FastText(sentences, workers=-1, seed=7)", "w2v = Word2Vec(sentences, workers=0)")
    (hit,) = run_example(MissingRandomState, Example(cells=cells), tmp_path)
    assert positions([hit]) == [(2, 1)] and [(r.cell, r.line) for r in hit.related] == [(3, 1)]
    assert hit.message.startswith("`FastText(...)` is given `workers=-1`: gensim starts one training thread per worker and none below 1")
    assert "never trained" in hit.message and "change from run to run" not in hit.message


def test_rnd002_repeated_trials_in_a_plain_loop_get_a_seed_once_fix(tmp_path):
    """Fair check 32, item 137: ten repetitions of a shuffled 10-fold CV collected in a list (ISLR
    Fig. 5.4): a constant random_state would collapse the ten curves, so the fix seeds NumPy once
    or varies the seed per repetition. A sweep whose loop variable is read keeps the plain fix."""
    head = "from sklearn.utils import shuffle\nfrom sklearn.model_selection import cross_val_score"
    loop = ("scores_list = []\nfor _ in range(10):\n    scores = []\n    for power in range(1, 4):\n"
            "        X2, y2 = shuffle(X, y)\n        scores.append(cross_val_score(lr, X2, y2, cv=10).mean())\n"
            "    scores_list.append(scores)\nprint(scores_list)")
    (hit,) = run_example(MissingRandomState, Example(cells=(head, loop)), tmp_path)
    assert positions([hit]) == [(2, 5)]
    assert hit.message.endswith("the loop of line 2 repeats it and collects each repetition's result, "
                                "so a constant random_state would make the repetitions identical")
    assert hit.fix == "Seed NumPy once above the loop of line 2 (np.random.seed(SEED)), or pass random_state=SEED + the repetition's number"
    sweep = loop.replace("for _ in range(10):\n    scores = []", "for k in range(10):\n    scores = [k]")
    (plain,) = run_example(MissingRandomState, Example(cells=(head, sweep)), tmp_path)
    assert plain.fix == "Pass random_state=SEED (a constant defined once at the top)"


def test_rnd002_repeated_trials_added_into_a_total_get_the_seed_once_fix(tmp_path):
    """Fair check 38, item 136: `testmodel` averages cross-validation over 9 reshuffles by adding
    each into `cvscore` (`cvscore += …`), a total from before the loop: a constant random_state
    would give the same permutation 9 times. A total the loop resets each time is no repetition."""
    head = "from sklearn.utils import shuffle\nfrom sklearn.model_selection import cross_val_score"
    body = ("def testmodel(matrix, model):\n    cvscore = 0\n    for i in range(9):\n        shuffled = shuffle(matrix)\n"
            "        cvscore += cross_val_score(model, shuffled[cols], shuffled['y'], cv=3).mean()\n    print(cvscore / 9)")
    (hit,) = run_example(MissingRandomState, Example(cells=(head, body, "testmodel(df, lr)")), tmp_path)
    assert positions([hit]) == [(2, 4)]
    assert hit.fix == "Seed NumPy once above the loop of line 3 (np.random.seed(SEED)), or pass random_state=SEED + the repetition's number"
    reset = body.replace("        shuffled = shuffle(matrix)\n", "        shuffled = shuffle(matrix)\n        cvscore = 0\n")
    (plain,) = run_example(MissingRandomState, Example(cells=(head, reset, "testmodel(df, lr)")), tmp_path)
    assert plain.fix == "Pass random_state=SEED (a constant defined once at the top)"


def test_rnd002_refits_as_repeated_trials_below_a_seed_are_not_reported(tmp_path):
    """Fair check 38, item 143: models handed to `simulate`, which refits each on 50 simulated
    training sets, below `np.random.seed(4)`: the seed once above the loop is there. Without the
    seed they are reported with that fix, not a constant random_state (items 136, 143); with a
    hyperparameter the loop sets (a sweep), or with the model also given to `cross_val_score`, as usual."""
    head = ("import numpy as np\nfrom sklearn.ensemble import BaggingRegressor\nfrom sklearn.model_selection import cross_val_score\n"
            "from sklearn.tree import DecisionTreeRegressor")
    simulate = ("def simulate(estimators):\n    for name, estimator in estimators:\n        y_predict = np.zeros((100, 50))\n"
                "        for i in range(50):\n            estimator.fit(X_train[i], y_train[i])\n"
                "            y_predict[:, i] = estimator.predict(X_test)\n        print(name, y_predict.var(axis=1).mean())")
    use = "estimators = [('Bagging', BaggingRegressor(DecisionTreeRegressor()))]\nsimulate(estimators)"
    assert spots(MissingRandomState, tmp_path, head + "\nnp.random.seed(4)", simulate, use) == []
    (unseeded,) = run_example(MissingRandomState, Example(cells=(head, simulate, use)), tmp_path)
    assert positions([unseeded]) == [(3, 1)]
    assert ("; `simulate` refits it as repeated trials and collects each one's result, so a constant "
            "random_state would give every trial the same draws") in unseeded.message
    assert unseeded.fix == ("Seed NumPy once at the top, above the call of `simulate` (np.random.seed(SEED)), or pass "
                            "random_state=SEED + the trial's number inside it")
    sweep = simulate.replace("        for i in range(50):\n", "        for i in range(50):\n            estimator.n_estimators = i + 1\n")
    assert spots(MissingRandomState, tmp_path, head + "\nnp.random.seed(4)", sweep, use) == [(3, 1)]
    escapes = simulate.replace("        print(name,", "        print(cross_val_score(estimator, X, y), name,")
    assert spots(MissingRandomState, tmp_path, head + "\nnp.random.seed(4)", escapes, use) == [(3, 1)]


def test_rnd001_a_transform_whose_loader_is_iterated_before_it_is_bound_anew_draws(tmp_path):
    """Fair check 38, item 131, the other side: the flip's loader shown, then iterated before the
    rebinding: the flip and the shuffle draw there, unseeded."""
    cells = (
        "import torch\nfrom torch.utils.data import DataLoader\nfrom torchvision import datasets, transforms",
        "flip = transforms.Compose([transforms.RandomHorizontalFlip(p=0.5), transforms.ToTensor()])\n"
        "train_data = datasets.ImageFolder(root=train_dir, transform=flip)\ntrain_dataloader = DataLoader(train_data, batch_size=32, shuffle=True)",
        "train_dataloader",
        "image, label = next(iter(train_dataloader))\nprint(image.shape)",
        "train_data = datasets.ImageFolder(root=train_dir, transform=transforms.ToTensor())\n"
        "train_dataloader = DataLoader(train_data, batch_size=32, shuffle=True)",
    )
    (hit,) = run_example(UnseededRandom, Example(cells=cells), tmp_path)
    assert positions([hit]) == [(2, 1)] and [(r.cell, r.line) for r in hit.related] == [(4, 1)]


def test_rnd001_a_seed_passed_by_a_redefined_function_seeds_from_that_definition_run(tmp_path):
    """Fair check 32, item 120, for seeds: the seed value a redefined `run` passes seeds from the
    first call after that definition (cell 6), not from the first `run`'s call (cell 3), which
    passed None: the draw of cell 5 comes before it."""
    cells = (
        "import numpy as np\ndef make(n, seed=None):\n    if seed is not None:\n        np.random.seed(seed)\n    return np.ones(n)",
        "def run():\n    return make(3, seed=None)",
        "a = run()\nprint(a)",
        "def run():\n    return make(3, seed=1)",
        "z = np.random.rand(2)\nscaled = z * 2",
        "b = run()\nprint(b)",
    )
    assert spots(UnseededRandom, tmp_path, *cells) == [(5, 1)]


def test_rnd002_unbounded_best_split_tree_does_not_claim_its_result_changes(tmp_path):
    # Its draws only break ties: the message says the result changes only where the data has ties,
    # not flatly that it changes (fair check 34, item 150: one feature read from a pickle, no tie).
    found = messages(MissingRandomState, tmp_path, "import pandas as pd\nfrom sklearn.tree import DecisionTreeRegressor",
                     "df = pd.read_pickle('data.p')\ntree = DecisionTreeRegressor()\ntree.fit(df[['age', 'degree']].values, df['y'])\n"
                     "print(tree.predict(df[['age', 'degree']].values))")
    assert len(found) == 1
    assert "its result changes from run to run:" not in found[0] and "its result changes from run to run;" not in found[0]
    assert "only break ties" in found[0] and "where the data has such ties" in found[0]


def test_rnd001_anchor_skips_a_first_draw_that_only_reaches_a_plot(tmp_path):
    # Fair check 35, item 136 (r-anchor-on-display-only-draw): the first NumPy draws only make a
    # random walk that is plotted; `pm.sample` in `inference` draws the trace behind the results.
    found = _found(
        tmp_path / "walk",
        "import numpy as np\nimport matplotlib.pyplot as plt\nimport pymc3 as pm",
        "Q = np.random.randn(3, 3)\nS = Q.dot(Q.T)\ne = np.random.randn(1000, 3)\ne = e.dot(S)\n"
        "walk = np.cumsum(e, axis=0)\nplt.plot(walk)\nplt.show()",
        "def inference(y):\n    with pm.Model() as model:\n        trace = pm.sample(1000, njobs=4)\n    return trace",
        "trace = inference(np.ones(10))\npm.traceplot(trace)",
    )
    assert [(f.location.cell, f.location.line) for f in found] == [(3, 3)]
    assert [(r.cell, r.line) for r in found[0].related] == [(2, 1), (2, 3)]
    # Nothing but plotted draws: the first one carries the finding, as before.
    alone = _found(
        tmp_path / "alone",
        "import numpy as np\nimport matplotlib.pyplot as plt",
        "e = np.random.randn(1000, 3)\nwalk = np.cumsum(e, axis=0)\nplt.plot(walk)\nplt.show()",
        "x = np.random.randn(1000)\nplt.hist(np.cumsum(x))\nplt.show()",
    )
    assert [(f.location.cell, f.location.line) for f in alone] == [(2, 1)]


def test_env_reset_fix_follows_declared_old_gym(tmp_path: Path) -> None:
    """Fair check 39, recall T-10.6: a project pinning gym==0.11.0 (whose `reset()` takes no seed)
    gets `env.seed(SEED)` without the gym 0.26+ alternative; a call handing the environment to a
    helper module's function before the notebook's own reset makes "first, here" unknown."""
    cells = (
        "import gym\nimport numpy as np\nimport rlutils",
        "env_cp = gym.make('CartPole-v0')",
        "scores = rlutils.run_nepisodes(env_cp, None, 10)\nnp.random.seed(0)",
        "def mc_policy_eval(env, n):\n    total = 0\n    for _ in range(n):\n        s = env.reset()\n"
        "        done = False\n        while not done:\n            s, r, done, _ = env.step(env.action_space.sample())\n"
        "            total += r\n    return total\n\nprint(mc_policy_eval(env_cp, 5))",
    )
    pinned = run_example(MissingRandomState, Example(cells=cells, files={"requirements.txt": "gym==0.11.0\nnumpy\n"}), tmp_path / "pinned")
    (diag,) = [d for d in pinned if "env_cp" in d.message]
    assert "requirements.txt declares gym==0.11.0" in diag.message
    assert "may reset it before" in diag.message and "first, here" not in diag.message
    assert "0.26+" not in (diag.fix or "") and "env_cp.seed(SEED)" in (diag.fix or "")
    unpinned = run_example(MissingRandomState, Example(cells=cells), tmp_path / "unpinned")
    (diag,) = [d for d in unpinned if "env_cp" in d.message]
    assert "env_cp.reset(seed=SEED)" in (diag.fix or "")  # (nothing says which gym: the 0.26 API's fix)


def test_rnd001_fix_for_fastai_training_and_a_shuffled_numpy_array(tmp_path: Path) -> None:
    """Fair check 45, items 134 and 146: fastai 2's training also draws from NumPy and torch, so the
    fix is fastai's set_seed, not random.seed; `random.shuffle` of a NumPy array swaps rows through
    views (duplicating some), so its fix is a seeded generator's permutation. A list keeps random.seed."""
    fastai = _found(tmp_path / "fastai", "from fastai.vision.all import *", "dls = ImageDataLoaders.from_folder(path)\n"
                    "learn = vision_learner(dls, resnet34, metrics=error_rate)", "learn.fine_tune(1)")
    assert len(fastai) == 1 and "set_seed(SEED)" in fastai[0].fix and "random.seed(SEED)" not in fastai[0].fix
    array = _found(tmp_path / "array", "import random\nimport numpy as np\nimport pandas as pd",
                   "data = np.array(pd.read_csv('d.csv'))", "random.shuffle(data)\nvalid, train = data[:100], data[100:]")
    assert len(array) == 1 and "data = rng.permutation(data)" in array[0].fix and "random.seed" not in array[0].fix
    items = _found(tmp_path / "list", "import random", "data = [1, 2, 3]", "random.shuffle(data)\nprint(sum(data[:2]))")
    assert len(items) == 1 and "random.seed(SEED)" in items[0].fix


def test_rnd001_function_drawing_from_two_unseeded_libraries_names_both(tmp_path):
    # Fair check 47, item 146: `data.sample(n)` (NumPy) and `random.randint` (Python's `random`) in the
    # same generator of synthetic receipts: the NumPy finding names the other source, and its fix
    # seeds both; a function drawing from one library says nothing of the other.
    cells = (
        "import random\nimport pandas as pd\ndata = pd.read_csv('products.csv')",
        "def pick_date():\n    return random.randint(0, 365)",
        "def generate_random_products():\n    number_of_products = random.randint(1, 16)\n"
        "    titles = data['product_name'].sample(number_of_products)\n    return {t: random.randint(10, 900) * 100 for t in titles}",
        "rows = [(pick_date(), generate_random_products()) for _ in range(100)]\npd.DataFrame(rows).to_excel('nota.xlsx')",
    )
    found = run_example(UnseededRandom, Example(cells=cells), tmp_path)
    numpy = next(d for d in found if "NumPy" in d.message.split(";")[0])
    assert "`generate_random_products` also draws from the `random` module (`random.randint`, line 2)" in numpy.message
    assert numpy.fix.endswith("and seed the `random` module too: random.seed(SEED)")
    python = next(d for d in found if d is not numpy)
    assert "also draws from" not in python.message


def test_rnd002_gradient_boosting_on_every_row_and_feature_says_its_draws_only_break_ties(tmp_path):
    # Fair check 49, item 161: no subsample < 1, no max_features: the seed only orders the features
    # each split tries, as a best-split tree's does. With subsample=0.8 it draws the rows: no such words.
    head = "import pandas as pd\nfrom sklearn.ensemble import GradientBoostingClassifier"
    body = ("df = pd.read_pickle('data.p')\nclf = GradientBoostingClassifier(n_estimators=100{})\nclf.fit(df[['age', 'degree']].values, df['y'])\n"
            "print(clf.predict(df[['age', 'degree']].values))")
    (found,) = messages(MissingRandomState, tmp_path, head, body.format(""))
    assert "only break ties" in found and "which its many trees can meet" in found
    (found,) = messages(MissingRandomState, tmp_path, head, body.format(", subsample=0.8"))
    assert "only break ties" not in found


# --- session 65 round (fix65rnd): draws whose values reach only a display --------------------


def test_rnd001_softmax_of_drawn_values_only_printed_is_display_only(tmp_path):
    # Fair check 39, item 96: an activation-function tour's random inputs go through the notebook's
    # softmax (`np.exp(s) / np.sum(np.exp(s))`, a normalisation of the values by their own sum) and
    # its backward pass (`np.sum(g * p, axis=-1, keepdims=True)`, broadcast back): only printed.
    head = ("import numpy as np", "x = np.zeros((2, 2))\nx.fill(np.random.randint(-10, 10))\nprint(x)",
            "def softmax(x):\n    shifted_x = x - np.max(x)\n    return np.exp(shifted_x) / np.sum(np.exp(shifted_x))\n\nsoftmax(x)")
    assert spots(UnseededRandom, tmp_path, *head) == []
    backward = "probs = softmax(x)\nsum_term = np.sum(2 * probs, axis=-1, keepdims=True)\nprint(sum_term, probs * (2 - sum_term))"
    assert spots(UnseededRandom, tmp_path, *head, backward) == []
    # A statistic of the values themselves, not kept in shape, is a result: reported.
    assert spots(UnseededRandom, tmp_path, *head, "print(np.sum(softmax(x) * 2, axis=-1))") == [(2, 2)]
    # Saved: reported.
    assert spots(UnseededRandom, tmp_path, *head, "np.save('p.npy', softmax(x))") == [(2, 2)]


def test_rnd002_tsne_map_framed_by_its_own_limits_in_a_helper_is_display_only(tmp_path):
    # Fair check 43, item 152: the t-SNE map only reaches the notebook's plotting helper, which sets
    # the axes' limits from the coordinates' min and max: the bounds frame the picture, nothing else.
    head = "import numpy as np\nimport matplotlib.pyplot as plt\nfrom sklearn.manifold import TSNE\nfeats = np.load('f.npy')"
    helper = ("def plot_with_labels(low_d_weights, labels):\n    X, Y = low_d_weights[:, 0], low_d_weights[:, 1]\n"
              "    for x, y, s in zip(X, Y, labels):\n        plt.text(x, y, s)\n    plt.xlim(X.min(), X.max())\n"
              "    plt.gca().set_ylim(Y.min() - 1, Y.max() + 1)\n    plt.show()")
    call = "for step in range(3):\n    emb = TSNE(n_components=2).fit_transform(feats)\n    plot_with_labels(emb, feats)"
    assert spots(MissingRandomState, tmp_path, head, helper, call) == []
    # The same statistic printed is a number of the layout: reported.
    printed = helper.replace("plt.show()", "plt.show()\n    print(X.max())")
    assert spots(MissingRandomState, tmp_path, head, printed, call) == [(3, 2)]


def test_rnd001_model_given_only_to_an_optimizer_never_stepped_reaches_nothing(tmp_path):
    # Fair check 43, item 148: a book's cell builds the notebook's model and an Adam optimizer of its
    # parameters only to show weight_decay; nothing steps the optimizer or calls the model.
    net = ("import torch\nimport torch.nn as nn",
           "class A(nn.Module):\n    def __init__(self):\n        super(A, self).__init__()\n        self.fc1 = nn.Linear(3, 4)\n"
           "    def forward(self, x):\n        return self.fc1(x)")
    built = "# instantiate model and create optimizer\nmodel = A()\noptimizer = torch.optim.Adam(model.parameters(), weight_decay=1e-5)"
    assert spots(UnseededRandom, tmp_path, *net, built, "print(1 + 2)") == []
    # The optimizer stepped, or the model called: reported.
    assert spots(UnseededRandom, tmp_path, *net, built, "optimizer.step()") == [(2, 4)]
    assert spots(UnseededRandom, tmp_path, *net, built, "y = model(torch.ones(3))\nprint(y)") == [(2, 4)]


def test_rnd001_random_image_run_through_a_detector_and_drawn_is_a_spot_check(tmp_path):
    # Fair check 36, item 137: Mask R-CNN's `model.detect([image])` of a random training image, its
    # reference printed, detections drawn (the artists bound to `a`, rebound for another image below)
    # and ground truth `log`ged: a spot check, no metric.
    head = ("import random\nimport mrcnn.model as modellib\nfrom mrcnn import visualize\nfrom mrcnn.model import log\nfrom mrcnn.utils import compute_ap\n"
            "dataset = load()\nconfig = Config()\nmodel = modellib.MaskRCNN(mode='inference', model_dir='.', config=config)")
    pick = ("image_id = random.choice(dataset.image_ids)\n"
            "image, meta, gt_class_id, gt_bbox, gt_mask = modellib.load_image_gt(dataset, config, image_id)\n"
            "print(image_id, dataset.image_reference(image_id))\nresults = model.detect([image], verbose=1)\nr = results[0]\n"
            "a = visualize.display_instances(image, r['rois'], r['masks'], r['class_ids'], dataset.class_names)\n"
            "log('gt_bbox', gt_bbox)")
    again = ("image = load_image('x.jpg')\nresults = model.detect([image])\nr = results[0]\n"
             "a = visualize.display_instances(image, r['rois'], r['masks'], r['class_ids'], dataset.class_names)")
    assert spots(UnseededRandom, tmp_path, head, pick, again) == []
    # The detections scored: reported.
    assert spots(UnseededRandom, tmp_path, head, pick + "\nprint(compute_ap(r['rois'], gt_bbox))", again) == [(2, 1)]


def test_rnd001_value_fed_to_a_stateless_tf1_graph_and_printed_is_display_only(tmp_path):
    # Fair check 35, item 139: a random 4x4 'image' fed (`feed_dict`) through a constant moving-average
    # convolution, the session's output printed; the graph has no variable, so nothing is learnt.
    head = "import numpy as np\nimport tensorflow as tf\nsess = tf.Session()"
    graph = ("x_val = np.random.uniform(size=[1, 4, 4, 1])\nx_data = tf.placeholder(tf.float32, shape=[1, 4, 4, 1])\n"
             "f = tf.constant(0.25, shape=[2, 2, 1, 1])\nlayer = tf.nn.conv2d(x_data, f, [1, 2, 2, 1], padding='SAME')")
    shown = "print(sess.run(layer, feed_dict={x_data: x_val}))"
    assert spots(UnseededRandom, tmp_path, head, graph, shown) == []
    # A variable in the graph (the run may train it): reported.
    trained = graph + "\nw = tf.Variable(tf.zeros([1]))"
    assert spots(UnseededRandom, tmp_path, head, trained, shown) == [(2, 1)]


# --- fair check 51 (fix67f51m) --------------------------------------------------------------------


def test_rnd002_unseeded_searches_gathered_in_one_comparison_list_are_one_finding(tmp_path):
    # Fair check 51, items 150/153/159: nine unseeded searches bound to names of one def, gathered
    # in one list the def's loop fits and compares: one finding, the others related.
    body = (
        "from sklearn.model_selection import RandomizedSearchCV\nfrom sklearn.ensemble import RandomForestClassifier",
        "def process(X, y):\n"
        "    gs_1 = RandomizedSearchCV(RandomForestClassifier(random_state=0), param_distributions=grid, n_iter=10)\n"
        "    gs_2 = RandomizedSearchCV(RandomForestClassifier(random_state=0), param_distributions=grid, n_iter=10)\n"
        "    gs_3 = RandomizedSearchCV(RandomForestClassifier(random_state=0), param_distributions=grid, n_iter=10)\n"
        "    grids = [gs_1, gs_2, gs_3]\n    for gs in grids:\n        gs.fit(X, y)\n    return grids",
        "process(X, y)",
    )
    found = run_example(MissingRandomState, Example(cells=body), tmp_path)
    assert positions(found) == [(2, 2)]
    assert len(found[0].related) == 2 and "2 more estimators compared with it" in found[0].message
    # Names not gathered in one list (or a name bound twice) stay one finding each.
    apart = (
        body[0],
        "a = RandomizedSearchCV(RandomForestClassifier(random_state=0), param_distributions=grid)\n"
        "b = RandomizedSearchCV(RandomForestClassifier(random_state=0), param_distributions=grid)\n"
        "a.fit(X, y)\nb.fit(X, y)\n"
        "c = RandomizedSearchCV(RandomForestClassifier(random_state=0), param_distributions=grid)\n"
        "d = RandomizedSearchCV(RandomForestClassifier(random_state=0), param_distributions=grid)\n"
        "c.fit(X, y)\nc = d\nfor s in [c, d]:\n    s.fit(X, y)",
    )
    assert spots(MissingRandomState, tmp_path, *apart) == [(2, 1), (2, 2), (2, 5), (2, 6)]


def test_rnd002_randomized_search_whose_grid_is_no_larger_than_n_iter_is_not_reported(tmp_path):
    # Fair check 51, item 148: a lists-only grid of 2 candidates, n_iter=10: every candidate is
    # evaluated, the seed only orders them.
    head = "from sklearn.model_selection import RandomizedSearchCV\nfrom sklearn.svm import SVC\nfrom sklearn.ensemble import RandomForestClassifier"
    whole = (
        "def fit(X, y):\n    grid = [{'classifier': [SVC()], 'classifier__C': [1.0]},\n"
        "            {'classifier': [RandomForestClassifier(random_state=0)], 'classifier__max_depth': [16]}]\n"
        "    clf = RandomizedSearchCV(pipe, n_iter=10, param_distributions=grid, cv=10)\n    return clf.fit(X, y)"
    )
    assert spots(MissingRandomState, tmp_path, head, whole, "fit(X, y)") == []
    # A larger grid, a distribution, a default n_iter below the grid's size, or a grid bound twice are sampled.
    sampled = (
        "s1 = RandomizedSearchCV(pipe, {'C': [1, 2, 3], 'gamma': [1, 2, 3, 4]}, n_iter=10)\n"
        "s2 = RandomizedSearchCV(pipe, {'C': uniform(0, 4)}, n_iter=10)\n"
        "s3 = RandomizedSearchCV(pipe, param_distributions={'C': list(range(20))})\n"
        "g = {'C': [1, 2]}\ng = {'C': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]}\ns4 = RandomizedSearchCV(pipe, g)\n"
        "s5 = RandomizedSearchCV(pipe, {'C': [1, 2, 3]}, n_iter=2)\n"
        "for s in (s1, s2, s3, s4, s5):\n    s.fit(X, y)\n    print(s.best_params_)"
    )
    found = run_example(MissingRandomState, Example(cells=(head, sampled)), tmp_path)
    # (all five gathered in one tuple: one finding, the four others related)
    assert positions(found) == [(2, 1)] and sorted(r.line for r in found[0].related) == [2, 3, 6, 7]


def test_rnd002_svc_with_probability_read_only_through_predict_is_not_reported(tmp_path):
    # Fair check 51, item 149: `model2 = svm.fit(…)` (the same object), read only by predict in the
    # cells below: the calibration's seed reaches nothing.
    head = "from sklearn.svm import SVC"
    assert spots(MissingRandomState, tmp_path, head,
                 "svm = SVC(kernel='rbf', probability=True)\nmodel2 = svm.fit(X_train, y_train)",
                 "pred = model2.predict(X_test)\nprint(pred[:5])",
                 "print(model2.score(X_test, y_test))") == []
    # Its probabilities read, or the model given to a function, keep it reported.
    assert spots(MissingRandomState, tmp_path, head,
                 "svm = SVC(kernel='rbf', probability=True)\nmodel2 = svm.fit(X_train, y_train)",
                 "print(model2.predict_proba(X_test)[:5])") == [(2, 1)]
    assert spots(MissingRandomState, tmp_path, head,
                 "svm = SVC(kernel='rbf', probability=True).fit(X_train, y_train)",
                 "report(svm, X_test)") == [(2, 1)]


def test_rnd002_unseeded_learners_of_one_list_bound_to_a_name_are_one_finding(tmp_path):
    # Fair check 52, item 156 (N, rnd002-one-finding-per-estimator-of-one-ensemble): the learners of
    # one `models` list, which the notebook's own `stack` fits fold by fold: one finding at the
    # first, the others related and counted, as for a list given straight to a library's stack.
    cells = (
        "from sklearn.tree import DecisionTreeRegressor\nfrom sklearn.ensemble import RandomForestRegressor\n"
        "from sklearn.linear_model import LinearRegression",
        "models = [LinearRegression(),\n          DecisionTreeRegressor(),\n          RandomForestRegressor()]",
        "def stack(X, y, models):\n    return [m.fit(X, y).predict(X) for m in models]",
        "preds = stack(X, y, models)",
    )
    found = run_example(MissingRandomState, Example(cells=cells), tmp_path)
    assert positions(found) == [(2, 2)]
    assert len(found[0].related) == 1 and "1 more learner of this list has no seed either (line 3)" in found[0].message
    # Two estimators bound to names of their own: two findings.
    apart = (cells[0], "tree = DecisionTreeRegressor()\nforest = RandomForestRegressor()", "tree.fit(X, y)\nforest.fit(X, y)")
    assert spots(MissingRandomState, tmp_path, *apart) == [(2, 1), (2, 2)]


def test_rnd002_unseeded_study_optimized_with_parallel_trials_also_asks_for_one_job(tmp_path):
    # Fair check 52, item 155 (R, message): `study.optimize(…, n_jobs=6)` runs trials in threads, so
    # a seeded sampler alone does not repeat the search: the fix says n_jobs=1 too.
    head = "import optuna"
    parallel = "study = optuna.create_study(direction='minimize')\nstudy.optimize(objective, n_trials=50, n_jobs=6)"
    (finding,) = run_example(MissingRandomState, Example(cells=(head, parallel)), tmp_path)
    assert "`study.optimize(…)` runs its trials in parallel threads (`n_jobs=6`)" in finding.message
    assert finding.fix.endswith(", and run the trials one at a time (`n_jobs=1` instead of `n_jobs=6`)")
    # One job (or none given): the sampler's seed is the whole fix.
    for serial in ("study.optimize(objective, n_trials=50, n_jobs=1)", "study.optimize(objective, n_trials=50)"):
        (finding,) = run_example(MissingRandomState, Example(cells=(head, "study = optuna.create_study()", serial)), tmp_path)
        assert "n_jobs" not in finding.message and "n_jobs" not in finding.fix


def test_rnd002_list_fold_names_what_the_list_holds(tmp_path):
    # Session 67's note (fair check 40, 04-umap's `candidates` of cell 13): a list of embeddings
    # (TSNE, SpectralEmbedding) is not a model's learners: the folded finding counts its estimators;
    # a list of classifiers and regressors still counts learners.
    found = messages(MissingRandomState, tmp_path,
                     "from sklearn.manifold import TSNE, SpectralEmbedding",
                     "candidates = [('t-SNE', TSNE(n_components=2)),\n"
                     "              ('spectral', SpectralEmbedding(n_components=2))]",
                     "for name, est in candidates:\n    est.fit_transform(X).tofile(name + '.bin')")
    assert len(found) == 1 and "1 more estimator of this list has no seed either (line 2)" in found[0], found
    found = messages(MissingRandomState, tmp_path,
                     "from sklearn.tree import DecisionTreeRegressor\nfrom sklearn.ensemble import RandomForestRegressor",
                     "models = [DecisionTreeRegressor(),\n          RandomForestRegressor()]",
                     "for m in models:\n    m.fit(X, y).predict(X).tofile('p.bin')")
    assert len(found) == 1 and "1 more learner of this list has no seed either (line 2)" in found[0], found


# --- RND001/RND003: what only an unseeded draw needs is built only then (issue 15, session 68) ---------


@pytest.mark.parametrize("rule", [UnseededRandom, PartialSeeding])
def test_timed_or_shown_draws_built_only_when_a_draw_no_seed_reaches_asks(rule, tmp_path, monkeypatch):
    import nbrefactor.audit.rules.randomness as randomness

    asked: list[int] = []
    timed_or_shown = randomness._timed_or_shown

    def counted(ctx, rf):
        asked.append(len(rf.draws))
        return timed_or_shown(ctx, rf)

    monkeypatch.setattr(randomness, "_timed_or_shown", counted)
    # Every draw a seed reaches: neither rule needs to know which draws are only timed or shown.
    assert spots(rule, tmp_path, "import numpy as np\nnp.random.seed(0)", "x = np.random.rand(3)\nprint(x.sum())") == []
    assert asked == []
    # A draw no seed reaches: RND001 asks (RND003 too, for a library drawn from that no seed covers).
    spots(UnseededRandom, tmp_path, "import numpy as np", "x = np.random.rand(3)\nprint(x.sum())")
    assert asked == [1]  # (and, the sum only printed, it answers: no finding)


def test_rnd002_estimators_of_one_comparison_mapping_are_one_finding_at_the_strongest(tmp_path):
    # Fair check 53, item 152 (R, fold): `models = {'decision_tree': {'model': DecisionTreeClassifier(…),
    # 'parameters': …}, 'random_forest': {'model': RandomForestClassifier(…), …}}`, each searched in
    # one loop: the candidates of one comparison, one fix. One finding, at the first estimator whose
    # draws do more than break ties (the forest), the tree related and counted.
    cells = (
        "from sklearn.tree import DecisionTreeClassifier\nfrom sklearn.ensemble import RandomForestClassifier\n"
        "from sklearn.model_selection import GridSearchCV",
        "def best_model(X, y):\n"
        "    models = {\n"
        "        'decision_tree': {'model': DecisionTreeClassifier(criterion='gini'), 'parameters': {'max_depth': [2, 3]}},\n"
        "        'random_forest': {'model': RandomForestClassifier(), 'parameters': {'n_estimators': [100, 200]}},\n"
        "    }\n"
        "    scores = []\n"
        "    for name, mp in models.items():\n"
        "        grd = GridSearchCV(mp['model'], mp['parameters'], cv=5)\n"
        "        grd.fit(X, y)\n"
        "        scores.append(grd.best_score_)\n"
        "    return scores\n"
        "best_model(X, y)",
    )
    found = run_example(MissingRandomState, Example(cells=cells), tmp_path)
    assert positions(found) == [(2, 4)]
    assert "only break ties" not in found[0].message
    assert "1 more estimator of this mapping has no seed either (line 3)" in found[0].message
    assert len(found[0].related) == 1
    # A flat mapping of estimators bound to one name: one finding too, at the first (both draw fully).
    flat = (cells[0], "models = {'a': RandomForestClassifier(), 'b': RandomForestClassifier(max_depth=3)}",
            "for m in models.values():\n    m.fit(X, y)")
    assert spots(MissingRandomState, tmp_path, *flat) == [(2, 1)]
    # Two estimators bound to names of their own: two findings.
    apart = (cells[0], "tree = DecisionTreeClassifier()\nforest = RandomForestClassifier()", "tree.fit(X, y)\nforest.fit(X, y)")
    assert len(spots(MissingRandomState, tmp_path, *apart)) == 2


def test_rnd001_fix_in_first_cell_says_the_import_it_needs_and_the_draws_own_seed_keyword(tmp_path):
    # Fair check 53, item 150 (R, message): `train_datagen.flow_from_directory(…)` draws from NumPy,
    # which the notebook imports only in cell 4: "seed NumPy in the first code cell" needs its
    # import there, and the iterator's own `seed=` is the direct fix.
    cells = (
        "import tensorflow as tf\nfrom tensorflow.keras.preprocessing.image import ImageDataGenerator",
        "train_datagen = ImageDataGenerator(rescale=1/255)\ntrain_generator = train_datagen.flow_from_directory('/tmp/data', batch_size=128)",
        "history = model.fit(train_generator, epochs=15)",
        "import numpy as np\nprint(np.mean(history.history['loss']))",
    )
    (finding,) = [d for d in run_example(UnseededRandom, Example(cells=cells), tmp_path) if "flow_from_directory" in d.message]
    assert finding.fix.startswith(
        "Pass seed=SEED to `flow_from_directory(…)`, or seed NumPy in the first code cell, importing it there "
        "(`import numpy as np`: the notebook imports NumPy only in cell 4): np.random.seed(SEED)"
    )
    # NumPy imported above the draw: the fix is unchanged.
    (finding,) = [d for d in run_example(UnseededRandom, Example(cells=("import numpy as np\n" + cells[0], *cells[1:])), tmp_path)
                  if "flow_from_directory" in d.message]
    assert finding.fix.startswith("Seed NumPy in the first code cell: np.random.seed(SEED)")
