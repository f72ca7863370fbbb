"""gpu_needs: which cells need an accelerator, on sets of cells written the way notebooks are."""

from __future__ import annotations

import pytest

from nbrefactor.audit.analysis import analyse_notebook
from nbrefactor.audit.catalog import Catalog, load_catalog, merge
from nbrefactor.audit.gpu import GpuIndicator, gpu_indicators, gpu_needs
from nbrefactor.audit.types import Cell, Notebook


def facts(*cells: str | tuple[str, str]):
    """Code cells as strings; ("markdown", text) for a markdown cell. Indices are 1-based over all."""
    built = []
    for i, c in enumerate(cells, start=1):
        kind, source = c if isinstance(c, tuple) else ("code", c)
        built.append(Cell(i, kind, source))
    return analyse_notebook(Notebook("n.ipynb", tuple(built)))


def needs(*cells: str | tuple[str, str], catalog: Catalog | None = None) -> dict[int, tuple[str, ...]]:
    return gpu_needs(facts(*cells), catalog or load_catalog())


def lines(*cells: str | tuple[str, str]) -> dict[int, list[int]]:
    """Cell → lines with a need, from the "line N: …" reasons."""
    return {cell: [int(r.split(":")[0].split()[1]) for r in reasons] for cell, reasons in needs(*cells).items()}


# --- PyTorch --------------------------------------------------------------------------------------------


def test_checks_and_device_objects_alone_are_not_needs():
    assert needs(
        "import torch\nprint(torch.cuda.is_available(), torch.cuda.device_count())",
        "device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')",
        "!nvidia-smi",
        "cpu_model = model.to('cpu')\nhalf = x.to(torch.float16)",
    ) == {}


def test_device_variable_flow_through_model_and_training_function():
    result = needs(
        "import torch\ndevice = torch.device('cuda' if torch.cuda.is_available() else 'cpu')",
        ("markdown", "## Model"),
        "class Net(torch.nn.Module):\n    def forward(self, x):\n        return x",
        "model = Net().to(device)",
        "def train(m, loader):\n    for xb in loader:\n        m(xb.to(device))",
        "train(model, loader)",
        "print(model)\nscores = model(batch)",
    )
    assert sorted(result) == [4, 6, 7]
    assert result[4] == ("line 1: moves a tensor or module to the GPU with `.to(...)`",)
    assert result[6] == ("line 1: calls `train`, whose code moves a tensor or module to the GPU with `.to(...)` (cell 5, line 3)",)
    # print(model) is not a use; model(batch) is.
    assert result[7] == ("line 2: uses `model`, set up for the GPU in cell 4, line 1",)


def test_cuda_method_literal_device_and_inline_torch_device():
    assert lines(
        "import torch",
        "x = torch.zeros(3).cuda()",
        "y = torch.ones(2, device='cuda:1')",
        "z = w.to(torch.device('cuda'))",
        "v = w.to(device='cuda')",
        "u = torch.ones(2, device='cpu')",
    ) == {2: [1], 3: [1], 4: [1], 5: [1]}


def test_function_with_need_never_called_keeps_it_where_written():
    assert lines("import torch\ndef to_gpu(t):\n    return t.cuda()", "x = 1") == {1: [3]}


def test_need_propagates_through_nested_functions_to_the_calling_cell_only():
    assert lines(
        "import torch\ndef inner(t):\n    return t.cuda()\ndef outer(t):\n    return inner(t) + 1",
        "y = outer(x)",
    ) == {2: [1]}


def test_model_moved_in_place_then_rebound_to_a_cpu_estimator():
    result = lines(
        "import torch\nfrom sklearn.linear_model import LogisticRegression",
        "net = Net()\nnet.cuda()",
        "out = net(x)",
        "net = LogisticRegression()\nnet.fit(X, y)",
    )
    assert result == {2: [2], 3: [1]}


def test_lightning_trainer_needs_gpu_where_it_fits():
    assert lines(
        "import lightning as L",
        "trainer = L.Trainer(accelerator='gpu', devices=1)",
        "trainer.fit(model, dm)",
        "cpu_trainer = L.Trainer(accelerator='cpu')\ncpu_trainer.fit(model)",
        "old = L.Trainer(gpus=0)\nold2 = L.Trainer(gpus=2)",
    ) == {2: [1], 3: [1], 5: [2]}


# --- boosting libraries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "needed"),
    [
        ("import xgboost as xgb\nm = xgb.XGBClassifier(tree_method='gpu_hist')", True),
        ("import xgboost as xgb\nm = xgb.XGBClassifier(device='cuda')", True),
        ("import xgboost as xgb\nm = xgb.XGBClassifier(gpu_id=0)", True),
        ("import xgboost as xgb\nm = xgb.XGBClassifier(tree_method='hist')", False),
        ("import lightgbm as lgb\nm = lgb.LGBMClassifier(device='gpu')", True),
        ("import lightgbm as lgb\nm = lgb.LGBMClassifier(device_type='cpu')", False),
        ("from catboost import CatBoostClassifier\nm = CatBoostClassifier(task_type='GPU')", True),
        ("from catboost import CatBoostClassifier\nm = CatBoostClassifier(task_type='CPU')", False),
    ],
)
def test_boosting_keywords(source, needed):
    result = needs(source)
    assert set(result) == ({1} if needed else set())
    if needed:
        # One reason: the "gpu_hist" literal inside the call is not counted a second time.
        assert len(result[1]) == 1 and result[1][0].startswith("line 2: ")


def test_xgboost_parameter_dictionary_and_training_on_the_configured_model():
    result = lines(
        "import xgboost as xgb",
        "params = {\n    'tree_method': 'gpu_hist',\n    'max_depth': 6,\n}",
        "clf = xgb.XGBRegressor(device='cuda')",
        "clf.fit(X, y)\npreds = clf.predict(X)",
    )
    assert result == {2: [2], 3: [1], 4: [1, 2]}


# --- TensorFlow / Keras -------------------------------------------------------------------------------------


def test_keras_fit_needs_gpu_but_sklearn_fits_in_same_notebook_do_not():
    result = lines(
        "import tensorflow as tf\nfrom sklearn.preprocessing import StandardScaler",
        "scaler = StandardScaler()\nscaler.fit(X)",
        "model = build_model()\nhistory = model.fit(X, y, epochs=3)",
        "LinearRegression().fit(X, y)",
    )
    assert result == {3: [2]}


def test_fit_without_tensorflow_is_not_a_need():
    assert needs("import numpy as np", "model = build_model()\nmodel.fit(X, y)") == {}


def test_tf_device_placement():
    assert lines(
        "import tensorflow as tf",
        "with tf.device('/GPU:0'):\n    y = tf.matmul(a, b)",
        "with tf.device('/CPU:0'):\n    z = tf.matmul(a, b)",
    ) == {2: [1]}


def test_keras_fit_inside_a_function_is_attributed_to_its_caller():
    assert lines("import keras\ndef run(model):\n    model.fit(X, y)", "x = 1", "run(m)") == {3: [1]}


# --- RAPIDS and friends ---------------------------------------------------------------------------------------


def test_rapids_imports_and_calls():
    assert lines(
        ("markdown", "# RAPIDS"),
        "import cudf\nimport pandas as pd",
        "gdf = cudf.read_csv('x.csv')\npdf = pd.read_csv('x.csv')",
        "from numba import cuda\nimport cupy as cp",
    ) == {2: [1], 3: [1], 4: [1, 2]}


def test_cudf_pandas_extension_marks_later_pandas_cells():
    assert lines(
        "import pandas as pd\ndf0 = pd.read_csv('a.csv')",
        "%load_ext cudf.pandas",
        "import pandas as pd\ndf = pd.read_csv('b.csv')\nn = len(df)",
    ) == {2: [1], 3: [2]}


def test_cuml_accel_extension_marks_itself_and_later_scikit_learn_cells():
    # Fair check 38, item 31's note: `%load_ext cuml.accel` is a notebook's GPU line (cuML 25.02+).
    assert lines(
        "from sklearn.linear_model import LinearRegression\nm0 = LinearRegression()",
        "%load_ext cuml.accel",
        "from sklearn.cluster import KMeans\nimport pandas as pd\nframe = pd.read_csv('a.csv')\nkm = KMeans(3).fit(frame)",
    ) == {2: [1], 3: [4]}


def test_indicators_carry_cell_line_and_reason():
    found = gpu_indicators(facts("x = 1", "import cupy"), load_catalog())
    assert found == (GpuIndicator(2, 1, "uses a CUDA library (RAPIDS, CuPy, Numba CUDA…)"),)


def test_team_catalogue_adds_an_indicator():
    extra = {"gpu": {"keyword": [{"keyword": "use_gpu", "values": ["True"], "reason": "in-house GPU switch"}]}}
    catalog = Catalog(merge(dict(load_catalog().data), extra))
    assert needs("import ourlib", "m = ourlib.Model(use_gpu=True)\nn = ourlib.Model(use_gpu=False)", catalog=catalog) == {
        2: ("line 1: in-house GPU switch",)
    }
    assert needs("import ourlib", "m = ourlib.Model(use_gpu=True)") == {}


def test_empty_catalogue_finds_nothing():
    assert needs("import torch\nx = torch.zeros(1).cuda()", catalog=Catalog({})) == {}


# --- the audit's GPU001 and the compiler's request read the same facts -----------------------------------


def test_command_line_device_is_a_need():
    assert lines("import os", "!python train.py --data coco.yaml --device 0", "%%bash\nyolo train model=yolov8n.pt device=0") == {2: [1], 3: [2]}
    assert lines("!python train.py --device cpu", "!ls --gpu-free") == {}


def test_every_gpu001_requirement_is_in_a_cell_the_compiler_puts_on_a_gpu():
    from nbrefactor.audit.gpu import gpu_requirements

    cells = (
        "import torch\nfrom torch import nn\nimport xgboost as xgb",
        "device = torch.device('cuda')\nmodel = nn.Linear(2, 1).cuda()",
        "x = torch.zeros(2).to(device)",
        "clf = xgb.XGBClassifier(tree_method='gpu_hist')",
        "!python train.py --device 0",
        "if torch.cuda.is_available():\n    model = model.cuda()",
    )
    f = facts(*cells)
    requirements = gpu_requirements(f, load_catalog())
    assert [(r.cell, r.line) for r in requirements] == [(2, 1), (2, 2), (4, 1), (5, 1)]
    device = requirements[0]
    assert device.reason.startswith("defines `device` as a CUDA device") and [u[:2] for u in device.uses] == [(3, 1)]
    needed = gpu_needs(f, load_catalog())
    assert {r.cell for r in requirements} | {c for r in requirements for c, _, _ in r.uses} <= set(needed)


def test_gpu001_a_conditional_on_a_flag_bound_from_the_check_is_a_fallback():
    """Fair check 18: `cuda = torch.cuda.is_available()`, then `torch.device("cuda" if cuda else
    "cpu")` was reported as a CUDA device "with no CPU fallback", the fallback on the line itself.
    A flag set to a constant is no check: its conditional stays a requirement."""
    from nbrefactor.audit.gpu import gpu_requirements

    found = gpu_requirements(facts(
        "import torch\ncuda = torch.cuda.is_available()\ndevice = torch.device('cuda' if cuda else 'cpu')",
        "model = torch.nn.Linear(2, 1).to(device)",
        "use_gpu = True\nother = torch.device('cuda' if use_gpu else 'cpu')",
        "x = torch.zeros(2).to(other)",
    ), load_catalog())
    assert [(r.cell, r.line) for r in found] == [(3, 2)]
    assert found[0].reason.startswith("defines `other` as a CUDA device")


# --- accelerator requirements of fair check 5 -------------------------------------------------------------


def test_accelerate_fp16_gputil_first_gpu_and_tpu_setup_are_needs():
    assert lines(
        "from accelerate import Accelerator\naccelerator = Accelerator(mixed_precision='fp16')\ncpu_ok = Accelerator(mixed_precision='bf16')",
        "import GPUtil\nfirst = GPUtil.getGPUs()[0]\nhow_many = len(GPUtil.getGPUs())",
        "import tensorflow as tf\nresolver = tf.distribute.cluster_resolver.TPUClusterResolver()\nstrategy = tf.distribute.TPUStrategy(resolver)",
    ) == {1: [2], 2: [2], 3: [2, 3]}


def test_gpu001_tpu_setup_is_one_finding_and_a_try_block_is_its_fallback():
    from nbrefactor.audit.gpu import gpu_requirements

    found = gpu_requirements(facts(
        "import tensorflow as tf\nresolver = tf.distribute.cluster_resolver.TPUClusterResolver()",
        "strategy = tf.distribute.TPUStrategy(resolver)",
        "try:\n    tpu = tf.distribute.cluster_resolver.TPUClusterResolver()\nexcept ValueError:\n    tpu = None",
    ), load_catalog())
    assert [(r.cell, r.line) for r in found] == [(1, 2), (2, 1)]


def test_gpu001_fix_is_the_library_s_own_way_to_run_without_a_gpu(tmp_path):
    """Each library's GPU setting gets that library's fix (rules/gpu.toml `fix`), not PyTorch's
    `torch.device(...)` (fair check 13: an XGBoost `tree_method` was told to call `.to(device)`)."""
    from nbrefactor.audit.rule_examples import run_example
    from nbrefactor.audit.rules import Example
    from nbrefactor.audit.rules.accelerators import GpuOnlyCode

    found = run_example(GpuOnlyCode, Example(cells=(
        "import xgboost as xgb\nimport lightgbm as lgb\nimport catboost\nimport torch",
        "clf = xgb.XGBClassifier(tree_method='gpu_hist')",
        "gbm = lgb.LGBMClassifier(device_type='gpu')",
        "cat = catboost.CatBoostClassifier(task_type='GPU')",
        "net = torch.nn.Linear(2, 1).cuda()",
    )), tmp_path)
    fixes = {d.location.cell: d.fix for d in found}
    assert sorted(fixes) == [2, 3, 4, 5]
    assert fixes[2].startswith("Ask XGBoost for its `device` instead of a GPU-only setting: `tree_method=\"hist\", device=\"cuda\"`")
    assert "torch" not in fixes[2]
    assert fixes[3].startswith("LightGBM does not fall back by itself")
    assert fixes[4] == ("CatBoost does not fall back by itself: choose its device where the notebook runs, "
                        "`task_type=\"GPU\" if catboost.utils.get_gpu_device_count() > 0 else \"CPU\"`.")
    assert fixes[5].startswith('Choose the device once, with a fallback: `device = torch.device("cuda" if torch.cuda.is_available() else "cpu")`')


def test_gpu001_tf1_session_code_is_told_soft_placement_not_a_tf2_api(tmp_path):
    """TensorFlow 1 graph code (`tf.Session`) has no `tf.config.list_physical_devices`: its fix is
    the session's soft placement (fair check 30, item 37); TF2 code keeps the catalogue's fix."""
    from nbrefactor.audit.rule_examples import run_example
    from nbrefactor.audit.rules import Example
    from nbrefactor.audit.rules.accelerators import GpuOnlyCode

    tf1 = run_example(GpuOnlyCode, Example(cells=(
        "import tensorflow as tf\nwith tf.Graph().as_default(), tf.Session() as sess, tf.device('/gpu:0'):\n    a = tf.ones(3)",
    )), tmp_path / "tf1")
    assert [d.fix for d in tf1] == [
        "This is TensorFlow 1 code (`tf.Session`): let its sessions place an op on the CPU where there is no GPU, "
        "`tf.Session(config=tf.ConfigProto(allow_soft_placement=True))`, or choose the device string once, with a fallback."
    ]
    # TF2 eager code places softly by default: no finding (fair check 46, items 60, 61), unless the
    # notebook turns soft placement off; then the catalogue's fix.
    eager = "import tensorflow as tf\nwith tf.device('/GPU:0'):\n    a = tf.ones(3)"
    assert run_example(GpuOnlyCode, Example(cells=(eager,)), tmp_path / "eager") == []
    tf2 = run_example(GpuOnlyCode, Example(cells=("import tensorflow as tf\ntf.config.set_soft_device_placement(False)", eager)),
                      tmp_path / "tf2")
    assert [d.fix.startswith("Place on the GPU only where there is one") for d in tf2] == [True]


# --- fair check 15: RAPIDS notebooks ----------------------------------------------------------------------


def _gpu001(tmp_path, *cells: str):
    from nbrefactor.audit.rule_examples import run_example
    from nbrefactor.audit.rules import Example
    from nbrefactor.audit.rules.accelerators import GpuOnlyCode

    return run_example(GpuOnlyCode, Example(cells=cells), tmp_path)


def test_gpu001_a_rapids_notebook_is_one_finding_with_every_gpu_line_related(tmp_path):
    """Class rapids-notebook-split-per-call: cuDF and cuML called in cell after cell, a re-import,
    and (gpu-notebook-split-per-kind) XGBoost's `gpu_hist` and a CUDA device in the same notebook:
    one finding at the first GPU line, the 8 others related (the CUDA device's use too, as the
    definition's related line; written out by hand below)."""
    found = _gpu001(
        tmp_path,
        "import pandas as pd\nimport cudf",
        "gdf = cudf.read_csv('a.csv')",
        "from cuml.cluster import KMeans\nlabels = KMeans(n_clusters=3).fit_predict(gdf)",
        "params = {'tree_method': 'gpu_hist'}",
        "import torch\ndevice = 'cuda'\nt = torch.zeros(2, device=device)",
        "import cudf\nsmall = cudf.DataFrame({'a': [1]})",
    )
    assert [(d.location.cell, d.location.line) for d in found] == [(1, 2)]
    finding = found[0]
    assert sorted((r.cell, r.line) for r in finding.related) == [(2, 1), (3, 1), (3, 2), (4, 1), (5, 2), (5, 3), (6, 1), (6, 2)]
    assert "built on RAPIDS (`cudf`, `cuml`)" in finding.message
    assert "its 8 other GPU lines, in 5 cells, are related" in finding.message
    assert "pandas for cuDF, scikit-learn for cuML" in finding.fix


def test_gpu001_dask_cudf_is_a_rapids_library(tmp_path):
    found = _gpu001(tmp_path, "import dask_cudf\nparts = dask_cudf.read_csv('a-*.csv')", "print(parts.head())")
    assert [(d.location.cell, d.location.line) for d in found] == [(1, 1)]
    assert "built on RAPIDS (`dask_cudf`)" in found[0].message


def test_gpu001_cupy_lines_are_one_finding_and_other_kinds_stay_their_own(tmp_path):
    """CuPy is not RAPIDS (it imports without a GPU; NumPy is its fallback): its lines in several
    cells are one finding (`once`), and the notebook's XGBoost setting stays a finding of its own."""
    found = _gpu001(
        tmp_path,
        "import cupy as cp\nx = cp.arange(4)",
        "y = cp.sqrt(x)",
        "params = {'tree_method': 'gpu_hist'}",
    )
    assert [(d.location.cell, d.location.line) for d in found] == [(1, 1), (3, 1)]
    assert sorted((r.cell, r.line) for r in found[0].related) == [(1, 2), (2, 1)]
    assert not any("RAPIDS (`" in d.message for d in found)


def test_gpu001_a_cudf_import_that_may_fall_back_does_not_make_the_notebook_rapids(tmp_path):
    """`try: import cudf as xdf` … `except ImportError: import pandas as xdf`: not built on RAPIDS,
    so the notebook's other kinds of GPU line keep their own findings."""
    found = _gpu001(
        tmp_path,
        "try:\n    import cudf as xdf\nexcept ImportError:\n    import pandas as xdf",
        "import torch\nnet = torch.nn.Linear(2, 1).cuda()",
    )
    assert not any("built on RAPIDS" in d.message for d in found)
    assert (2, 2) in {(d.location.cell, d.location.line) for d in found}


def test_the_rapids_fixture_s_steps_request_a_gpu_as_their_lines_need_not_as_findings_fold():
    """The compiler's GPU request per step reads `gpu_requirements`, not GPU001's findings: the
    fair15 RAPIDS fixture (one finding) still has every step with a GPU line on a GPU node, among
    them the Aggregate step that runs only `dask_cudf` (on a CPU node before `dask_cudf` was
    catalogued); the CuPy fixture's report step runs no GPU line and requests none. Steps written
    out by reading the notebooks."""
    from pathlib import Path

    from nbrefactor.audit.engine import audit_notebook
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.project import discover_project
    from nbrefactor.compile.plan import plan_model
    from nbrefactor.config import Settings
    from nbrefactor.migrate.pipeline_build import gpu_steps

    folder = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "fair15" / "rapids_notebook"
    expected = {
        "taxi_fares_rapids": ({"taxi_fares_on_the_gpu", "aggregate", "train", "tensors", "report"}, 1),
        "cupy_kernels": ({"array_maths_with_cupy", "settings_step"}, 2),
    }
    for name, (steps, findings) in expected.items():
        path = folder / f"{name}.ipynb"
        analysis = audit_notebook(read_notebook(path, path.name), Settings(), discover_project(path), load_catalog())
        assert sum(d.code == "GPU001" for d in analysis.result.diagnostics) == findings, name
        plan = plan_model(name, [(analysis.facts, analysis.result.diagnostics)])
        assert {step for step, _ in gpu_steps(plan, load_catalog())} == steps, name


# --- left15: a GPU library imported with a CPU fallback ---------------------------------------------------


FALLBACK_CELLS = (
    "try:\n    import cudf\nexcept ImportError:\n    import pandas as cudf",
    "fares = cudf.DataFrame({'fare': [11.0, 24.5]})",
    "import numpy as np\ntry:\n    import cupy as xp\nexcept (ImportError, ModuleNotFoundError):\n    xp = np",
    "grid = xp.linspace(0.0, 1.0, 8)",
)


def test_gpu001_a_gpu_library_imported_with_a_cpu_fallback_is_no_requirement():
    """As torch's `"cuda" if torch.cuda.is_available() else "cpu"`: no requirement of the notebook
    (it runs on the CPU where the library is not installed), still GPU code for `gpu_needs`."""
    from nbrefactor.audit.gpu import gpu_requirements

    assert gpu_requirements(facts(*FALLBACK_CELLS), load_catalog()) == ()
    assert lines(*FALLBACK_CELLS) == {1: [2], 2: [1], 3: [3], 4: [1]}


def test_the_compiler_reads_an_import_fallback_as_gpu_code_the_package_installs():
    """`gpu_steps` asks with `import_fallbacks=False`: the package's requirements install cuDF and
    CuPy, and CuPy, installed, imports without a GPU and fails at its first array, so the
    `except ImportError` never runs there. The lines are those written in FALLBACK_CELLS."""
    from nbrefactor.audit.gpu import gpu_requirements

    found = gpu_requirements(facts(*FALLBACK_CELLS), load_catalog(), import_fallbacks=False)
    assert [(r.cell, r.line) for r in found] == [(1, 2), (2, 1), (3, 3), (4, 1)]


@pytest.mark.parametrize("cells, required", [
    # The handler binds nothing: `cp` is unbound on the CPU and `cp.arange` fails.
    (("try:\n    import cupy as cp\nexcept ImportError:\n    print('no CuPy')", "x = cp.arange(3)"), [(1, 2), (2, 1)]),
    # A handler for another error is no fallback for a failed import.
    (("try:\n    import cupy as xp\nexcept KeyError:\n    import numpy as xp", "x = xp.arange(3)"), [(1, 2), (2, 1)]),
    # The handler binds another name (`np`): `xp` is unbound on the CPU.
    (("try:\n    import cupy as xp\nexcept ImportError:\n    import numpy as np", "x = xp.arange(3)"), [(1, 2), (2, 1)]),
    # A later plain import binds the name to cuDF whatever the first did: its calls need the GPU.
    (("try:\n    import cudf\nexcept ImportError:\n    import pandas as cudf", "import cudf", "df = cudf.DataFrame({'a': [1]})"),
     [(2, 1), (3, 1)]),
    # Bound to another GPU library in the handler: no CPU path.
    (("try:\n    import cudf as frames\nexcept ImportError:\n    import dask_cudf as frames", "df = frames.read_csv('a.csv')"),
     [(1, 2), (1, 4), (2, 1)]),
])
def test_gpu001_what_is_no_import_fallback(cells, required):
    from nbrefactor.audit.gpu import gpu_requirements

    assert [(r.cell, r.line) for r in gpu_requirements(facts(*cells), load_catalog())] == required


def test_the_import_fallback_fixture_has_no_finding_and_its_steps_still_request_a_gpu():
    """fixtures/notebooks/left15/gpu_import_fallback/frames_anywhere: no GPU001 (both imports fall
    back), and both steps (one per heading) call through the fallback names, which the package
    installs: on a GPU node, as before. Steps written out by reading the notebook."""
    from pathlib import Path

    from nbrefactor.audit.engine import audit_notebook
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.project import discover_project
    from nbrefactor.compile.plan import plan_model
    from nbrefactor.config import Settings
    from nbrefactor.migrate.pipeline_build import gpu_steps

    path = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "left15" / "gpu_import_fallback" / "frames_anywhere.ipynb"
    analysis = audit_notebook(read_notebook(path, path.name), Settings(), discover_project(path), load_catalog())
    assert [d.code for d in analysis.result.diagnostics if d.code == "GPU001"] == []
    plan = plan_model("frames_anywhere", [(analysis.facts, analysis.result.diagnostics)])
    assert {step for step, _ in gpu_steps(plan, load_catalog())} == {"fares_with_or_without_a_gpu", "grid_step"}  # (`grid` is a variable of the step)


# --- fair check 21: GPU lines behind a switch the notebook turns off ---------------------------------------


def test_gpu001_under_a_switch_saved_off_says_when_the_lines_run(tmp_path):
    """Chapter15's Trainers (`gpus=-1`) all sit under `if train_model:`, and the notebook binds
    `train_model = False` ("Set this to True to train model"): the finding stays (the switch is
    documented), but says the lines run only once the switch is on. A switch saved on, or bound
    twice, is no such note."""
    off = _gpu001(
        tmp_path,
        "import pytorch_lightning as pl",
        "# Set this to True to train model\ntrain_model = False",
        "if train_model:\n    trainer = pl.Trainer(gpus=-1, max_epochs=5)\n    trainer.fit(model, datamodule)\nelse:\n    print('Skipping Training')",
        "if train_model:\n    trainer = pl.Trainer(gpus=-1, max_epochs=10)\n    trainer.fit(model, datamodule)",
    )
    assert [(d.location.cell, d.location.line) for d in off] == [(3, 2)]
    assert "no GPU once `train_model` is set True (every such line is under `if train_model:`, and cell 2 sets it False as saved, so as saved they do not run)" in off[0].message
    on = _gpu001(
        tmp_path,
        "import pytorch_lightning as pl",
        "train_model = True",
        "if train_model:\n    trainer = pl.Trainer(gpus=-1, max_epochs=5)",
    )
    rebound = _gpu001(
        tmp_path,
        "import pytorch_lightning as pl",
        "train_model = False",
        "train_model = False\nif train_model:\n    trainer = pl.Trainer(gpus=-1, max_epochs=5)",
    )
    assert [d.location.cell for d in on] == [3] and [d.location.cell for d in rebound] == [3]
    assert "train_model" not in on[0].message and "train_model" not in rebound[0].message


def test_a_need_repeated_on_a_line_a_switch_turns_off_is_the_live_line_s(tmp_path):
    """Fair check 47, item 44: `fp16=True` under `if HP_SEARCH:` (with `HP_SEARCH = False` above) and again in the next
    cell's live TrainingArguments: the requirement, GPU001's anchor and the pipeline's request alike, is the live line.
    Alone under the switch, the need stays (what the notebook does once the switch is on)."""
    from nbrefactor.audit.gpu import gpu_requirements

    search = "HP_SEARCH = False\n\nif HP_SEARCH:\n    args = TrainingArguments('out', fp16=True)"
    train = "args = TrainingArguments('out', fp16=True)\ntrainer = Trainer(model=model, args=args)\ntrainer.train()"
    found = gpu_requirements(facts("from transformers import TrainingArguments, Trainer", search, train), load_catalog())
    assert [(r.cell, r.line) for r in found] == [(3, 1)]
    alone = gpu_requirements(facts("from transformers import TrainingArguments, Trainer", search), load_catalog())
    assert [(r.cell, r.line) for r in alone] == [(2, 4)]
    # A switch bound twice, or on, is no switch.
    on = gpu_requirements(facts("from transformers import TrainingArguments", search.replace("False", "True"), train), load_catalog())
    assert [(r.cell, r.line) for r in on] == [(2, 4), (3, 1)]
