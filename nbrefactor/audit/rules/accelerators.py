"""GPU001: code that runs only where a GPU is present. Read from `nbrefactor.audit.gpu`, the same
catalogue (`rules/gpu.toml`) and finder the compiler's kfp stage uses to request a GPU, so what
the audit reports and what the pipeline asks for agree."""

from __future__ import annotations

import ast
import re
from typing import Iterator, Optional

from nbrefactor.audit.analysis import cell_python_tree
from nbrefactor.audit.facts import dotted_name, nodes_of
from nbrefactor.audit.gpu import GpuCatalog, in_branch, gpu_requirements, tf1_session_config
from nbrefactor.audit.types import Family, Severity
from nbrefactor.audit.rules import Example, Hit, Rule, RuleContext, md, single_assignments


class GpuOnlyCode(Rule):
    code = "GPU001"
    name = "gpu-only-code"
    family = Family.GPU
    severity = Severity.WARNING
    summary = "Code that runs only with a GPU present, with no CPU fallback."
    what_it_does = (
        "Reports each line that needs a GPU by itself: `.cuda()`, `.to(\"cuda\")`, `device=\"cuda\"`, "
        "(not `.cuda()` on a container just made empty, `model = torch.nn.Sequential()` then `model.cuda()` before any "
        "layer is added: it has no tensor to move), "
        "a device defined as CUDA with no fallback (`device = torch.device(\"cuda\")`, reported once "
        "at its definition, the lines moving things to it as related locations, also a call of the notebook's own function "
        "whose body moves that argument there: `get_params(params, gpu0)` with `.to(device)` inside, and a list of CUDA devices "
        "given to a call placing data on each, `nn.parallel.scatter(data, devices)`: `[device_lists]` of `rules/gpu.toml`), CUDA runtime calls (not the allocator's memory statistics, `torch.cuda.memory_allocated()`: they read 0 where CUDA is not initialised), "
        "`tf.device('/GPU:0')` in TensorFlow 1 session code (`tf.Session()` without soft placement) or after "
        "`tf.config.set_soft_device_placement(False)` (TensorFlow 2's eager code places softly by default: the ops run on the "
        "CPU where there is no GPU, not reported), GPU settings of XGBoost/LightGBM/CatBoost/Lightning, AutoGluon's per-model "
        "`ag_args_fit={\"num_gpus\": 1}` (each model asserts the GPUs are there; `fit(num_gpus=1)` is lowered to "
        "what the machine has and is not reported), RAPIDS/CuPy "
        "imports, `%load_ext cudf.pandas` (and `cuml.accel`), `--device 0`/`device=0` on `!` command lines, fp16 mixed precision "
        "(`fp16=True`, Accelerate's `mixed_precision=\"fp16\"`, `\"fp16\"` in the `args` of `notebook_launcher`), TF32 matmuls "
        "asked of Hugging Face training arguments (`tf32=True`: they raise without an Ampere or newer GPU), "
        "a model mapped whole onto a CUDA device (`from_pretrained(…, device_map={\"\": 0})`), a device asked in "
        "`model_kwargs={\"device\": \"cuda\"}`, "
        "the first GPU taken from `GPUtil.getGPUs()[0]`, and Cloud TPU set-up (`TPUClusterResolver()`, `TPUStrategy`) "
        "outside a `try:`/`if` giving a fallback (one setting such as `fp16=True`, an XGBoost `\"gpu_hist\"` literal, or the TPU set-up, repeated in "
        "several cells is one finding, the repeats related; so are the literal CUDA placements of a notebook, "
        "`.cuda()`, `.to(\"cuda\")`, `device=\"cuda:0\"` in cell after cell: one finding at the first, one device "
        "chosen with a fallback fixes them all, and so are a notebook's `tf.device(\"/gpu:0\")` placements in cell after cell; and when the CUDA placements lie in function bodies below a device defined as CUDA "
        "(`gpu = torch.device(\"cuda\")`, then `torch.tensor([eps]).cuda()` in a method) they are related to that definition's finding; "
        "a line under `if x.is_cuda:` follows where its input already is and is not reported; in a notebook importing a library that stops without a GPU, "
        "`[whole_notebook]` of `rules/gpu.toml` such as Unsloth, all its GPU lines are one finding at the first, the "
        "others and the import related; so for a notebook built on RAPIDS, an import of cuDF, cuML, cuGraph, `dask_cudf`… "
        "outside a `try:`/`if`, `[rapids_notebook]` of `rules/gpu.toml`: one finding saying so, a CPU path being a port to "
        "pandas and scikit-learn; the lines of a CUDA library such as CuPy are one finding per notebook), and a GPU check the notebook asserts (`assert "
        "torch.cuda.is_available()`, `assert len(tf.config.list_physical_devices('GPU')) > 0`, `if not …: raise`): "
        "one finding per notebook, the other asserts related, and so are the CUDA devices defined or used in the "
        "cells holding an assert (one edit: check, then choose the device with a fallback) and, after an assert at the top level "
        "of a cell, the GPU lines of the cells below it (they run only where it passed); an assert of a GPU count "
        "(`assert torch.cuda.device_count() >= 2`) says the step needs a node with that many GPUs; an assert that no GPU be "
        "present (`assert not tf.test.is_gpu_available(), \"do this on a CPU\"`) demands a CPU and is not reported. Code "
        "that falls back to the CPU is not reported: a line holding a GPU check (`\"cuda\" if "
        "torch.cuda.is_available() else \"cpu\"`), a device or flag defined on such a line, a conditional expression testing "
        "such a flag (`cuda = torch.cuda.is_available()`, then `torch.device(\"cuda\" if cuda else \"cpu\")`; `args.cuda` set so too), and code "
        "nested under `if torch.cuda.is_available():` or under `if train_on_gpu:` for such a flag (also one set and tested in a function body) "
        "or for a flag named for the GPU that the notebook binds only to `False` or `None`, or nowhere (`if is_cuda:` with "
        "`is_cuda = False`: the block never runs; the notebook's unguarded lines are reported), and `tf.device(\"/gpu:0\")` in a "
        "notebook whose TensorFlow 1 sessions are told `allow_soft_placement=True` (`tf.ConfigProto(allow_soft_placement=True)`, "
        "or `config.allow_soft_placement = True`: the op goes to the CPU where the GPU is missing; for TF1 code, `tf.Session`, "
        "that is the fix given); so is a GPU library "
        "imported with a CPU library bound to the same name where the import fails (`try: import cudf` / `except "
        "ImportError: import pandas as cudf`, `import cupy as xp` with `import numpy as xp` in the handler), and the calls "
        "through that name: where the library is not installed the notebook runs on the CPU (a handler that binds "
        "nothing, `except ImportError: print(…)`, is no fallback), and a GPU setting probed in the body of a `try:` whose handler returns or assigns a CPU "
        "configuration (`except Exception: return {\"tree_method\": \"hist\"}, \"cpu\"`; a handler that only prints is no "
        "fallback). Keras training is not reported either (TensorFlow uses "
        "a GPU only when there is one), nor XGBoost's estimators told `device=\"cuda\"` (they warn and train on the CPU), nor sahi's detection models "
        "(`AutoDetectionModel.from_pretrained(…, device=\"cuda:0\")`: sahi's `select_device` reverts to the CPU), nor the GPU lines "
        "in function bodies of a notebook saved from a CPU-only Kaggle kernel (`isGpuEnabled: false`) that ran every cell without an error "
        "(those functions did not run there, or ran without a GPU), nor PyTorch's mixed-precision helpers (`torch.autocast(device_type=\"cuda\")`, "
        "`GradScaler(device=\"cuda\")`: without a GPU they warn and disable themselves), nor `nn.DataParallel(model)` (without a GPU "
        "it keeps the module and runs it on the CPU). The catalogue is `rules/gpu.toml`; the compiler requests a GPU "
        "for the pipeline steps that run these lines (or call functions that do), for the steps calling a GPU library imported "
        "with a CPU fallback (the package installs the library, and CuPy, installed, imports without a GPU: the fallback "
        "never runs there), and for training steps holding any GPU code."
    )
    why_bad = (
        "The notebook fails on every machine without a GPU: a CI job, a laptop, a CPU node of the "
        "cluster. The pipeline step holding this code must be scheduled on a GPU node, which costs "
        "more and waits longer; a fallback lets tests run it on the CPU."
    )
    example = 'model = Net().cuda()\nx = x.to("cuda")'
    use_instead = 'import torch\n\ndevice = torch.device("cuda" if torch.cuda.is_available() else "cpu")\nmodel = Net().to(device)\nx = x.to(device)'
    passing = (
        # The flag bound only to False: the block never runs (fair check 43, item 44).
        Example(cells=(
            "import torch\nmodel = torch.nn.Linear(2, 1)",
            "is_cuda = False\nif is_cuda:\n    model = model.cuda()",
        )),
        # `.cuda()` on a container just made empty moves no tensor (fair check 42, items 29 and 31).
        Example(cells=(
            "import torch\nmodel = torch.nn.Sequential()\nmodel.cuda()\n"
            "for i in range(3):\n    model.add_module(f'layer{i}', torch.nn.Linear(2, 2))",
        )),
        # TF32 switched off, or chosen where the notebook runs, asks nothing of the machine.
        Example(cells=(
            "import torch\nfrom transformers import TrainingArguments\n"
            "args = TrainingArguments(output_dir='out', tf32=False)\n"
            "fast = TrainingArguments(output_dir='out', tf32=torch.cuda.is_available())",
        )),
        Example(cells=(
            "import torch\ndevice = torch.device('cuda' if torch.cuda.is_available() else 'cpu')",
            "model = torch.nn.Linear(2, 1).to(device)\nx = torch.zeros(2).to(device)",
            "if torch.cuda.is_available():\n    model = model.cuda()\n    torch.cuda.synchronize()",
        )),
        # A course exercise that must run on a CPU: it asserts the ABSENCE of a GPU.
        Example(cells=(
            "import tensorflow as tf\nimport torch\nassert not tf.test.is_gpu_available(), 'Please do this part without a GPU'",
            "assert len(tf.config.list_physical_devices('GPU')) == 0\nassert (not torch.cuda.is_available())",
        )),
        # A flag set from the check guards like the check itself.
        Example(cells=(
            "import torch\ntrain_on_gpu = torch.cuda.is_available()",
            "model = torch.nn.Linear(2, 1)\nif train_on_gpu:\n    model.cuda()",
            "def step(x):\n    if train_on_gpu:\n        x = x.cuda()\n    return model(x)",
        )),
        # ... also a flag set and tested in one function body (fair check 31, item 74).
        Example(cells=(
            "import torch\ndef setup_gpu():\n    gpu_available = torch.cuda.is_available()\n    if gpu_available:\n"
            "        print(torch.cuda.get_device_name(0))\n    else:\n        print('No GPU detected')",
        )),
        # A conditional testing such a flag (a name or `args.` attribute bound from the check) holds
        # its own CPU arm, as `"cuda" if torch.cuda.is_available() else "cpu"` does (fair check 18).
        Example(cells=(
            "import torch\ncuda = torch.cuda.is_available()\ndevice = torch.device('cuda' if cuda else 'cpu')\n"
            "Tensor = torch.cuda.FloatTensor if cuda else torch.FloatTensor",
            "generator = torch.nn.Linear(4, 4).to(device)\nnoise = torch.randn(8, 4).to(device)",
            "args.cuda = not args.no_cuda and torch.cuda.is_available()\nrun_on = torch.device('cuda' if args.cuda else 'cpu')",
            "critic = torch.nn.Linear(4, 1).to(run_on)",
        )),
        # Mixed precision asked of CUDA: on a CPU-only machine autocast and the scaler disable themselves.
        Example(cells=(
            "import torch\nfrom torch.amp import autocast\ndevice = 'cuda' if torch.cuda.is_available() else 'cpu'",
            "scaler = torch.amp.GradScaler(device='cuda')\nwith torch.autocast(device_type='cuda', dtype=torch.float16):\n    y = model(x.to(device))",
            "with autocast(device_type='cuda', enabled=True):\n    loss = criterion(model(x), y)",
        )),
        # A device chosen under the check, with a CPU branch, has its fallback.
        Example(cells=(
            "import torch\nif torch.cuda.is_available():\n    device = 'cuda'\nelif torch.backends.mps.is_available():\n    device = 'mps'\nelse:\n    device = 'cpu'",
            "x = torch.zeros(2).to(device)",
        )),
        # A comment after the check's colon still guards the block.
        Example(cells=(
            "import torch\nimport pytorch_lightning as pl",
            "if torch.cuda.is_available():  # if you have GPUs\n    trainer = pl.Trainer(max_epochs=5, gpus=1)\nelse:\n    trainer = pl.Trainer(max_epochs=5)",
        )),
        Example(cells=(
            "import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(1)])",
            "model.compile('adam', 'mse')\nmodel.fit(X, y)",
        )),
        # A TPU set-up in a `try:` falling back to the default strategy; a GPU count; bf16.
        Example(cells=(
            "import tensorflow as tf\ntry:\n    resolver = tf.distribute.cluster_resolver.TPUClusterResolver()\n"
            "    strategy = tf.distribute.TPUStrategy(resolver)\nexcept ValueError:\n    strategy = tf.distribute.get_strategy()",
            "import GPUtil\nhas_gpu = len(GPUtil.getGPUs()) > 0",
            "from accelerate import Accelerator\naccelerator = Accelerator(mixed_precision='bf16')",
        )),
        # XGBoost's estimators told `device="cuda"` warn and train on the CPU where there is no GPU.
        Example(cells=(
            "import xgboost as xgb\nclf = xgb.XGBClassifier(tree_method='hist', device='cuda')",
            "reg = xgb.XGBRegressor(n_estimators=50,\n                       device='gpu')",
        )),
        # sahi's detection models pass `device=` to its `select_device`, which reverts to the CPU where
        # `torch.cuda.is_available()` is False (fair check 49, items 55, 56).
        Example(cells=(
            "from sahi import AutoDetectionModel\n"
            "model = AutoDetectionModel.from_pretrained(model_type='ultralytics', model_path='best.pt', device='cuda:0')",
            "from sahi.models.ultralytics import UltralyticsDetectionModel\n"
            "model = UltralyticsDetectionModel(model_path='best.pt', device='cuda')",
        )),
        # A GPU setting probed in a `try:` whose handler returns a CPU configuration falls back
        # (fair check 44, items 48 and 49).
        Example(cells=(
            "import xgboost as xgb\nimport catboost as cb\n"
            "def pick_params(X, y):\n    try:\n        trial = xgb.XGBRegressor(n_estimators=1, tree_method='gpu_hist')\n"
            "        trial.fit(X, y)\n        return {'tree_method': 'gpu_hist'}\n    except Exception:\n"
            "        return {'tree_method': 'hist', 'device': 'cpu'}",
            "try:\n    booster = cb.CatBoostRegressor(iterations=1, task_type='GPU')\n    booster.fit([[0], [1]], [0, 1])\n"
            "    task = 'GPU'\nexcept Exception:\n    task = 'CPU'",
        )),
        # A GPU library imported with a CPU library under the same name where the import fails:
        # the notebook runs on the CPU where the library is not installed.
        Example(cells=(
            "try:\n    import cudf\nexcept ImportError:\n    import pandas as cudf",
            "fares = cudf.DataFrame({'fare': [11.0, 24.5]})\nprint(fares['fare'].mean())",
            "try:\n    import cupy as xp\nexcept ImportError:\n    import numpy as xp",
            "grid = xp.linspace(0.0, 1.0, 8)\nprint(float(xp.sqrt(grid).max()))",
        )),
        # DataParallel without a GPU keeps the module and runs it on the CPU (fair check 19).
        Example(cells=(
            "import torch\nfrom torch import nn\ndevice = 'cuda' if torch.cuda.is_available() else 'cpu'",
            "net = nn.DataParallel(nn.Linear(4, 2)).to(device)\nout = net(torch.zeros(3, 4).to(device))",
        )),
        # Checks that only report, or fall back: not requirements.
        Example(cells=(
            "import torch\nimport tensorflow as tf\nprint(len(tf.config.list_physical_devices('GPU')))",
            "if not torch.cuda.is_available():\n    print('No GPU: training on the CPU')",
        )),
        # The notebook's own function handed a device with its fallback, or one that picks its own.
        Example(cells=(
            "import torch\ndef get_params(params, device):\n    return [p.clone().to(device) for p in params]",
            "def evaluate(net, device=None):\n    device = device or 'cpu'\n    return net.to(device)",
            "dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')\nnew_params = get_params([torch.zeros(2)], dev)",
        )),
        # The allocator's memory statistics read 0 where CUDA is not initialised (fair check 29, item 38).
        Example(cells=(
            "import torch\nprint(f'GPU memory: {torch.cuda.memory_allocated() / 1024**3:.2f} GB')\npeak = torch.cuda.max_memory_allocated()",
        )),
        # TensorFlow 1 sessions with soft placement put an op pinned to a missing GPU on the CPU.
        Example(cells=(
            "import tensorflow as tf\nconfig = tf.ConfigProto(allow_soft_placement=True)\nsess = tf.Session(config=config)",
            "with tf.device('/gpu:0'):\n    a = tf.ones(3)",
        )),
        Example(cells=(
            "import tensorflow as tf\nconfig = tf.compat.v1.ConfigProto()\nconfig.allow_soft_placement = True",
            "with tf.device('/gpu:0'):\n    a = tf.ones(3)",
        )),
        # Accelerate's own placement, and a device chosen with a fallback in `model_kwargs`.
        Example(cells=(
            "import torch\nfrom transformers import AutoModelForCausalLM\n"
            "model = AutoModelForCausalLM.from_pretrained('gpt2', device_map='auto')\n"
            "emb = HuggingFaceEmbeddings(model_kwargs={'device': 'cuda' if torch.cuda.is_available() else 'cpu'})",
        )),
        # TensorFlow 2's eager code places softly by default (`allow_soft_placement =
        # executing_eagerly()`): without a GPU the Keras training runs on the CPU (fair check 46,
        # items 60, 61: tf2-eager-soft-placement-default).
        Example(cells=(
            "import tensorflow as tf\nnet = tf.keras.Sequential([tf.keras.layers.Dense(1)])",
            "with tf.device('/device:GPU:0'):\n    tf.keras.backend.clear_session()\n    net.compile(loss='mse')\n"
            "    history = net.fit(features, targets, epochs=3)",
        )),
    )
    failing = (
        # A textbook's `if is_cuda:` placements with the flag bound only to False (or nowhere): switched off,
        # no requirement; its unguarded `.cuda()` is the finding (fair check 43, items 43 and 44). A flag set
        # to True runs the block: reported there.
        Example(cells=(
            "import torch\nmodel = torch.nn.Linear(2, 1)\nif is_cuda:\n    model = model.cuda()",
            "x = torch.zeros(2).cuda()",
        ), expect=((2, 1),)),
        Example(cells=(
            "import torch\nuse_gpu = True\nmodel = torch.nn.Linear(2, 1)\nif use_gpu:\n    model = model.cuda()",
        ), expect=((1, 5),)),
        # Layers added before the `.cuda()`: their parameters move to the GPU.
        Example(
            cells=("import torch\nmodel = torch.nn.Sequential()\nmodel.add_module('layer', torch.nn.Linear(2, 2))\nmodel.cuda()",),
            expect=((1, 4),),
        ),
        # TF32 matmuls asked of the training arguments: they raise without an Ampere or newer GPU
        # (transformers' `TrainingArguments.__post_init__`, 4.27.1 to 5.25.0; fair check 29).
        Example(
            cells=("from transformers import TrainingArguments\nargs = TrainingArguments(output_dir='out', bf16=True, tf32=True)",),
            expect=((1, 2),),
        ),
        # A GPU asserted present, in two cells: one requirement of the notebook, the second related.
        Example(
            cells=(
                "import tensorflow as tf\nimport torch\nassert len(tf.config.list_physical_devices('GPU')) > 0",
                "assert torch.cuda.is_available(), 'Run this on a GPU runtime'",
                "if not torch.cuda.is_available():\n    raise SystemError('GPU device not found')",
            ),
            expect=((1, 3),),
        ),
        Example(
            cells=(
                md("# Train"),
                "import torch\nfrom torch import nn\nmodel = nn.Linear(4, 2).cuda()\nmodel = nn.DataParallel(model)",
                "device = torch.device('cuda:0')\nbatch = torch.zeros(4).to(device)\nout = model(batch)",
            ),
            expect=((2, 3), (3, 1)),
        ),
        # The same TensorFlow placement in three cells: one finding, the others related (fair
        # check 30, items 38, 39).
        Example(
            cells=(
                "import tensorflow as tf\nwith tf.Session() as sess, tf.device('/gpu:0'):\n    a = tf.ones(3)",
                "with tf.Session() as sess, tf.device('/gpu:0'):\n    b = tf.ones(3)",
                "with tf.Session() as sess, tf.device('/gpu:1'):\n    c = tf.ones(3)",
            ),
            expect=((1, 2),),
        ),
        # Soft placement switched off: an op pinned to a missing GPU fails (fair check 46, items 60, 61).
        Example(
            cells=(
                "import tensorflow as tf\nimport xgboost as xgb\ntf.config.set_soft_device_placement(False)",
                "with tf.device('/GPU:0'):\n    y = tf.ones(3)",
                "clf = xgb.XGBClassifier(tree_method='gpu_hist')",
                "!python train.py --data coco.yaml --device 0",
            ),
            expect=((2, 1), (3, 1), (4, 1)),
        ),
        # One estimator spread over lines: its GPU keywords are the call's one finding, not one more
        # at the `"gpu_hist"` literal. LightGBM's `device="gpu"` stops where there is no OpenCL GPU.
        Example(
            cells=(
                "import xgboost as xgb\nimport lightgbm as lgb",
                "clf = xgb.XGBClassifier(\n    n_estimators=200,\n    tree_method='gpu_hist',\n    predictor='gpu_predictor',\n)",
                "booster = lgb.LGBMClassifier(\n    num_leaves=31,\n    device='gpu',\n)",
            ),
            expect=((2, 1), (3, 1)),
        ),
        # A top-level assert of two GPUs: the later cells' GPU lines run only where it passed, related
        # to its one finding, which says the step needs 2 GPUs (fair check 19).
        Example(
            cells=(
                "import torch\nassert torch.cuda.device_count() >= 2",
                "a = torch.ones(8, device='cuda:0')\nb = torch.ones(8, device='cuda:1')",
                "torch.cuda.synchronize()",
            ),
            expect=((1, 2),),
        ),
        # Two calls of one cell asking for "cuda": one finding, the second related.
        Example(
            cells=(
                "import torch\ndef predict(x, device):\n    return torch.as_tensor(x).to(device)",
                "gpu_a = predict([1.0], device='cuda')\ngpu_b = predict([2.0], device='cuda')",
            ),
            expect=((2, 1),),
        ),
        # Accelerator requirements without a fallback: the first GPU GPUtil lists, fp16 passed to
        # the launched training function, a TPU set up twice (one finding, the second related).
        Example(
            cells=(
                "import GPUtil\ngpus = GPUtil.getGPUs()\nfree = gpus[0].memoryFree",
                "from accelerate import notebook_launcher\nnotebook_launcher(train, ('fp16', 42), num_processes=2)",
                "import tensorflow as tf\nresolver = tf.distribute.cluster_resolver.TPUClusterResolver()",
                "strategy = tf.distribute.TPUStrategy(resolver)",
            ),
            expect=((1, 2), (2, 2), (3, 2)),
        ),
        # A tour of moving tensors to the GPU, one literal placement per cell: one root cause (no
        # device chosen with a fallback), one finding at the first, the others related.
        Example(
            cells=(
                "import torch\npoints = torch.ones(3, 2)\non_gpu = points.to(device='cuda')",
                "on_gpu = points.to(device='cuda:0')",
                "on_gpu = points.cuda()",
            ),
            expect=((1, 3),),
        ),
        # The assert and the CUDA device it guards, in one cell: one finding, the device related.
        Example(
            cells=(
                "import torch\nassert torch.cuda.is_available()\nDEVICE = torch.device('cuda')",
                "weights = torch.zeros(3).to(DEVICE)",
            ),
            expect=((1, 2),),
        ),
        # AutoGluon: a GPU per model is asserted present; the total `num_gpus=` is lowered, not required.
        Example(
            cells=(
                "from autogluon.tabular import TabularPredictor",
                "predictor = TabularPredictor(label='y').fit(train, ag_args_fit={'num_gpus': 1})",
                "cpu_ok = TabularPredictor(label='y').fit(train, num_gpus=1, ag_args_fit={'num_gpus': 0})",
            ),
            expect=((2, 1),),
        ),
        # A notebook built on RAPIDS: cuDF and cuML called in cell after cell, and the XGBoost GPU
        # setting trained on cuDF frames, are one finding at the first GPU line, the others related.
        # CuPy lines in several cells (not RAPIDS) are one finding too.
        Example(
            cells=(
                "import cudf\nfrom cuml.linear_model import Ridge",
                "sales = cudf.read_csv('sales.csv')",
                "model = Ridge().fit(sales[['price']], sales['units'])",
                "params = {'tree_method': 'gpu_hist'}",
            ),
            expect=((1, 1),),
        ),
        Example(
            cells=(
                "import cupy as cp\nx = cp.arange(8)",
                "y = cp.cumsum(x)",
            ),
            expect=((1, 1),),
        ),
        # A handler that binds no CPU library to the name is no fallback: `cp.arange` fails on the CPU.
        Example(
            cells=(
                "try:\n    import cupy as cp\nexcept ImportError:\n    print('CuPy is not installed')",
                "x = cp.arange(8)",
            ),
            expect=((1, 2),),
        ),
        # A CUDA device with no fallback and a literal `.cuda()` in a method: one finding, at the
        # device; a line under `if scores.is_cuda:` follows its input (fair check 20).
        Example(cells=(
            "import torch\ngpu = torch.device('cuda')\nnet = torch.nn.Linear(4, 2).to(gpu)",
            "def shift(scores):\n    eps = torch.tensor([1e-9]).cuda()\n    if scores.is_cuda:\n        eps = eps.cuda()\n    return scores + eps",
        ), expect=((1, 2),)),
        # A CUDA device handed to the notebook's own function that moves its argument there
        # (`.to(device)` in its body): a use of the device, as `.to(gpu0)` is (fair check 28).
        Example(cells=(
            "import torch\ndef get_params(params, device):\n    return [p.clone().to(device) for p in params]",
            "gpu0 = torch.device('cuda:0')\nnew_params = get_params([torch.zeros(2)], gpu0)",
        ), expect=((2, 1),)),
        # A list of CUDA devices handed to `nn.parallel.scatter`, which places a shard on each.
        Example(cells=(
            "import torch\nfrom torch import nn\ndata = torch.arange(20).reshape(4, 5)",
            "devices = [torch.device('cuda:0'), torch.device('cuda:1')]\nsplit = nn.parallel.scatter(data, devices)",
        ), expect=((2, 1),)),
        # A QLoRA notebook's bf16 probe, a model mapped whole onto CUDA device 0 and embeddings told
        # "cuda": each fails without a GPU (fair check 46, recall T-7.10).
        Example(
            cells=(
                "import torch\nfrom transformers import AutoModelForCausalLM\nmajor, _ = torch.cuda.get_device_capability()",
                "model = AutoModelForCausalLM.from_pretrained('gpt2', device_map={'': 0})",
                "from langchain.embeddings import HuggingFaceEmbeddings\n"
                "emb = HuggingFaceEmbeddings(model_name='all-MiniLM-L6-v2', model_kwargs={'device': 'cuda'})",
            ),
            expect=((1, 3), (2, 1), (3, 2)),
        ),
        # The current CUDA device asked for before any fallback: `torch.cuda.current_device()` initialises
        # CUDA and raises on a CPU-only machine, as `current_stream()` does (fair check 51, recall T-9.1);
        # the same call under `torch.cuda.is_available()` is the check's own branch.
        Example(
            cells=(
                "import torch\nprint(torch.cuda.current_device())",
                "if torch.cuda.is_available():\n    dev = torch.cuda.current_device()\nelse:\n    dev = 'cpu'",
            ),
            expect=((1, 2),),
        ),
        # A handler that only reports the failure is no fallback (fair check 44, items 48 and 49:
        # the handler must return or assign a CPU configuration).
        Example(
            cells=(
                "import xgboost as xgb\ntry:\n    clf = xgb.XGBClassifier(tree_method='gpu_hist')\n"
                "    clf.fit([[0], [1]], [0, 1])\nexcept Exception as err:\n    print('GPU training failed', err)",
            ),
            expect=((1, 3),),
        ),
        # An XGBoost GPU literal in a function's parameter dict and again in the next cell's tuned
        # parameters: one setting, one finding at the first, the second related (fair check 51, item 50).
        Example(
            cells=(
                "import xgboost as xgb\ndef fit_gpu(X, y, depth):\n    params = {'max_depth': depth,\n"
                "              'tree_method': 'gpu_hist'}\n    return xgb.train(params, xgb.DMatrix(X, y))",
                "best = {'max_depth': 4}\nbest['tree_method'] = 'gpu_hist'\nmodel = xgb.train(best, xgb.DMatrix(X, y))",
            ),
            expect=((1, 4),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        needs = gpu_requirements(ctx.facts, ctx.catalog)
        if not needs:
            return  # (every finding below is one of the needs: issue 15, thirtieth round)
        cells = {c.index: c for c in ctx.facts.notebook.cells}
        # `.cuda()` on a module just made empty (`model = torch.nn.Sequential()`, then `model.cuda()`
        # before any layer is added) moves no tensor: it touches no GPU (fair check 42, items 29, 31).
        empty = _empty_module_moves(ctx)
        if empty:
            needs = tuple(n for n in needs if (n.cell, n.line) not in empty)
            if not needs:
                return
        # A notebook saved from a CPU-only Kaggle kernel that ran to the end without an error: the
        # GPU lines in its function bodies did not run there (a dict of model factories whose GPU
        # entries the selection list leaves out), or ran without a GPU. Not requirements of the
        # notebook as saved (fair check 13); module-level GPU lines stay.
        unrun = _function_lines_unrun_on_cpu(ctx)
        if unrun:
            needs = tuple(n for n in needs if (n.cell, n.line) not in unrun)
        # The same need twice in one cell (`device="cuda"` passed to two calls timing a GPU run) is
        # one edit and one finding: the first, the others related.
        # A GPU-only setting (`fp16=True` in training arguments, `accelerator="gpu"`) repeated in
        # several cells is one setting to make configurable: one finding per notebook, the others
        # related. (A `device=` keyword is a placement, edited where it is made: per cell.)
        gc = ctx.catalog.derived("gpu", GpuCatalog.from_catalog)
        device_reasons = frozenset(e.reason for e in gc.device_calls)
        # (`tf.device("/gpu:0")` where TensorFlow places softly, TF2's eager default or TF1 sessions
        # told `allow_soft_placement=True`, is no need: `gpu_requirements` leaves it out.)
        settings = frozenset(e.reason for e in gc.keywords if e.names[0] != "device") | frozenset(gc.once_reasons) | {gc.required_reason}
        # So is a GPU-only literal of a library's configuration (`"tree_method": "gpu_hist"` in one
        # cell's parameter dict, `best_params["tree_method"] = "gpu_hist"` in the next): one setting
        # (a device constant, `tree_method="hist", device=…`) fixes both (fair check 51, item 50,
        # gpu-setting-split-per-cell).
        settings |= frozenset(e.reason for e in gc.strings)
        # Literal CUDA placements (`.cuda()`, `.to("cuda")`, `device="cuda"`) in several cells of one
        # notebook (a book's tensor-API tour moving things to the GPU cell after cell) have one root
        # cause and one fix, a device chosen once with a fallback: one finding per notebook, at the
        # first, the others related (fair check 10). A device *defined* as CUDA stays its own finding.
        placements = frozenset(
            [gc.to_reason, *(e.reason for e in gc.methods if "cuda" in e.names),
             *(e.reason for e in gc.keywords if e.names[0] == "device" and not e.only_calls)]
        )
        first: dict[tuple[int, str], object] = {}
        repeats: dict[tuple[int, str], list] = {}
        for need in needs:
            key = (-1 if need.reason in settings else need.cell, need.reason)
            if key in first:
                repeats.setdefault(key, []).append(need)
            else:
                first[key] = need
        # A cell that asserts a GPU and then defines or uses a CUDA device holds one root cause, the
        # demanded GPU, fixed by one edit (check and choose with a fallback): its other per-cell needs
        # are related locations of the assert's finding, not findings of their own.
        required = (-1, gc.required_reason)
        if required in first:
            asserted = {n.cell for n in (first[required], *repeats.get(required, []))}
            # An assert at the top level of a cell stops the notebook there without a GPU: every GPU
            # line of the cells after it runs only where the assert passed, one requirement of the
            # notebook (a two-GPU benchmark after `assert torch.cuda.device_count() >= 2`; fair check
            # 19, gpu-asserted-notebook-split-per-line): related to the assert's finding too.
            top = [n.cell for n in (first[required], *repeats.get(required, [])) if _top_level_line(ctx, n.cell, n.line)]
            after = min(top) if top else None
            for key in [k for k in first if k != required and (k[0] in asserted or (
                    after is not None and first[k].cell > after and "TPU" not in first[k].reason))]:
                repeats.setdefault(required, []).append(first.pop(key))
                repeats[required].extend(repeats.pop(key, []))
        moves = sorted((k for k in first if first[k].reason in placements and not first[k].uses),
                       key=lambda k: (first[k].cell, first[k].line, first[k].column))
        for key in moves[1:]:
            repeats.setdefault(moves[0], []).extend([first.pop(key), *repeats.pop(key, [])])
        # The same for TensorFlow's placements (`with tf.Session() as sess, tf.device('/gpu:0'):` in
        # cells 6, 8 and 10 of a style-transfer notebook): one device choice, or one session config
        # with soft placement, fixes every cell; one finding at the first, the others related (fair
        # check 30, items 38, 39: tf-device-split-per-cell).
        tf_places = sorted((k for k in first if first[k].reason in device_reasons and not first[k].uses),
                           key=lambda k: (first[k].cell, first[k].line, first[k].column))
        for key in tf_places[1:]:
            repeats.setdefault(tf_places[0], []).extend([first.pop(key), *repeats.pop(key, [])])
        tf1 = bool(tf_places) and tf1_session_config(ctx.facts)[0]
        # A notebook that defines a CUDA device with no fallback (`gpu = torch.device("cuda")`) and
        # later also places things on CUDA literally (`torch.tensor([eps]).cuda()` in a method): one
        # device chosen with a fallback (and `.to(x.device)` in the method) fixes both, one finding at
        # the definition, the literal placements related (fair check 20: gpu-notebook-split-per-kind).
        # Only placements inside function and method bodies, the helper's own tensors: a top-level
        # `model = Net().to("cuda")` is a second place the notebook names its device, edited apart
        # (mnist_cnn), and placements before any definition (a tour of the ways to move a value, then a
        # device named in a later cell) stay apart from it (fair check 10: gpu-demo-split-per-line).
        definitions = sorted((k for k in first if first[k].uses and first[k].reason.startswith("defines `")),
                             key=lambda k: (first[k].cell, first[k].line, first[k].column))
        placed_too: Optional[tuple] = None
        if definitions and moves and moves[0] in first and (
                (first[definitions[0]].cell, first[definitions[0]].line) < (first[moves[0]].cell, first[moves[0]].line)
        ) and not any(_top_level_line(ctx, n.cell, n.line) for n in (first[moves[0]], *repeats.get(moves[0], []))):
            placed_too = definitions[0]
            repeats.setdefault(placed_too, []).extend([first.pop(moves[0]), *repeats.pop(moves[0], [])])
        # A notebook importing a library that stops without a GPU (`from unsloth import …`,
        # `[whole_notebook] modules` of rules/gpu.toml) needs a GPU as a whole: no fallback of one
        # line lets it run on a CPU, so its GPU lines are one scheduling decision, one finding at
        # the first (fair check 12), the others and the import related.
        whole = _whole_notebook_import(ctx)
        # A notebook built on RAPIDS (an unguarded `import cudf`, `from cuml import …`) likewise: its
        # cuDF frames feed the XGBoost `gpu_hist` and PyTorch `device="cuda"` lines too, and a CPU
        # path is a port to pandas and scikit-learn, so its GPU lines are one finding at the first,
        # the others related (fair check 15: 393 findings in 81 notebooks, one root cause each).
        rapids = _rapids_modules(ctx, {(n.cell, n.line) for n in needs}) if whole is None else ()
        anchor = None
        if whole is not None or rapids:
            gpu_keys = sorted((k for k in first if "TPU" not in first[k].reason),
                              key=lambda k: (first[k].cell, first[k].line, first[k].column))
            if gpu_keys:
                anchor = gpu_keys[0]
                for key in gpu_keys[1:]:
                    repeats.setdefault(anchor, []).extend([first.pop(key), *repeats.pop(key, [])])
        for key, need in first.items():
            cell = cells[need.cell]
            more = repeats.get(key, [])
            uses = [*need.uses, *((m.cell, m.line, m.column) for m in more), *(u for m in more for u in m.uses)]
            tpu = "TPU" in need.reason
            whole_note = ""
            if key == anchor and whole is not None:
                module, import_at = whole
                uses.append(import_at)
                whole_note = (f" (the notebook imports `{module}`, which runs only on a GPU: its other GPU lines "
                              "are related, one decision for the whole notebook)")
            related = tuple(dict.fromkeys((cells[c], line, column) for c, line, column in uses))
            if key == anchor and rapids:
                others = {(c.index, line) for c, line, _ in related} - {(need.cell, need.line)}
                in_cells = len({c for c, _ in others})
                yield Hit(
                    cell, need.line, need.column,
                    f"This line {need.reason}: the notebook is built on RAPIDS ({', '.join(f'`{m}`' for m in rapids)}), "
                    "which runs only on an NVIDIA GPU, so the notebook runs only on a GPU node "
                    "(the pipeline schedules the steps running its GPU lines there); "
                    + (f"its {len(others)} other GPU line{'s' if len(others) != 1 else ''}, in {in_cells} "
                       f"cell{'s' if in_cells != 1 else ''}, {'are' if len(others) != 1 else 'is'} related: "
                       "one decision for the whole notebook, not a fallback per line" if others else
                       "one decision for the whole notebook, not a fallback on this line"),
                    fix=str((ctx.catalog.table("gpu", "rapids_notebook", {}) or {}).get("fix", ""))
                    or "Run the notebook on a GPU node, or port it to pandas and scikit-learn for a CPU path.",
                    key=need.reason,
                    related=related,
                )
                continue
            count = _asserted_gpu_count(cell.source, need.line) if need.reason == gc.required_reason else 0
            if count > 1:
                yield Hit(
                    cell, need.line, need.column,
                    f"This line asserts at least {count} GPUs: the notebook stops on a machine with fewer (a pipeline "
                    f"`nbrefactor migrate` builds from it asks for a node with {count} GPUs for that step)"
                    + (f"; the notebook's {len(related)} other GPU line{'s' if len(related) != 1 else ''} "
                       f"{'are' if len(related) != 1 else 'is'} related (they run only where the assert passed)" if related else ""),
                    fix=f"Schedule the notebook's steps on a node with {count} GPUs (say so where the notebook is run), "
                        "or let it measure what the machine has instead of asserting a count.",
                    key=need.reason,
                    related=related,
                )
                continue
            toggle = _switched_off(ctx, [(need.cell, need.line), *((c.index, line or 0) for c, line, _ in related)])
            # `if train_model:` around every GPU line, with `train_model = False` as saved: the lines
            # run only once the reader turns the switch on (fair check 21, Chapter15 cell 47).
            switched = (f" once `{toggle[0]}` is set True (every such line is under `if {toggle[0]}:`, and cell "
                        f"{toggle[1]} sets it False as saved, so as saved they do not run)") if toggle else ""
            yield Hit(
                cell,
                need.line,
                need.column,
                f"This line {need.reason}, with no CPU fallback: the notebook fails where there is no TPU{switched}"
                if tpu else
                f"This line {need.reason}, with no CPU fallback: the notebook fails where there is no GPU{switched} "
                "(a pipeline `nbrefactor migrate` builds from it schedules that step on a GPU node)" + whole_note
                + ("; the notebook's literal CUDA placements (`.cuda()`, `device=\"cuda\"`) are related: the same "
                   "device choice fixes them" if key == placed_too else ""),
                fix=("Fall back where there is no TPU: `try: resolver = tf.distribute.cluster_resolver.TPUClusterResolver() … "
                     "except ValueError: strategy = tf.distribute.get_strategy()`." if tpu else
                     "Let the notebook run without a GPU: print which device is found instead of asserting one, and "
                     "choose the device with a fallback (`\"cuda\" if torch.cuda.is_available() else \"cpu\"`)."
                     if need.reason == gc.required_reason else
                     # TensorFlow 1 graph code has no `tf.config.list_physical_devices` (TF 2.1+): its
                     # sessions fall back by soft placement (fair check 30, item 37).
                     _TF1_DEVICE_FIX if tf1 and need.reason in device_reasons else
                     # the library's own way to run without a GPU where it has one (rules/gpu.toml `fix`)
                     gc.fix_for(need.reason) or
                     # a device already chosen with a fallback: the literal placements bypass it (fair
                     # check 42, item 30: `torch.set_default_device(device)` in cell 2, `.cuda()` calls below)
                     (f"The notebook already chooses its device with a CPU fallback (cell {chosen}): drop the literal "
                      "CUDA placements (`.cuda()`, `\"cuda\"`) or move with `.to(device)`, so they follow that choice."
                      if need.reason in placements and not need.uses and (chosen := _device_chosen_with_fallback(ctx, gc)) is not None
                      else None) or
                     'Choose the device once, with a fallback: `device = torch.device("cuda" if torch.cuda.is_available() else "cpu")`, then `.to(device)`.'),
                key=need.reason,
                related=related,
            )


_TF1_DEVICE_FIX = (
    "This is TensorFlow 1 code (`tf.Session`): let its sessions place an op on the CPU where there is no GPU, "
    "`tf.Session(config=tf.ConfigProto(allow_soft_placement=True))`, or choose the device string once, with a fallback."
)


def _switched_off(ctx: RuleContext, places: list[tuple[int, int]]) -> Optional[tuple[str, int]]:
    """The switch every place (cell, line) sits under, `if train_model:`, when the notebook binds it
    once, to `False` (`train_model = False  # Set this to True to train model`): (its name, the cell
    binding it), else None. A documented switch: the lines are what the notebook does when turned
    on, so the finding stays, saying so."""
    trees = {ca.cell.index: cell_python_tree(ca) for ca in ctx.cells}
    common: Optional[set[str]] = None
    for cell, line in places:
        tree = trees.get(cell)
        names = {
            node.test.id for node in ast.walk(tree) if isinstance(node, ast.If) and isinstance(node.test, ast.Name)
            and node.body[0].lineno <= line <= (node.body[-1].end_lineno or node.body[-1].lineno)
        } if tree is not None else set()
        common = names if common is None else common & names
        if not common:
            return None
    bound = single_assignments(ctx)
    for name in sorted(common or ()):
        statements = bound.get(name, ())
        if len(statements) != 1 or not isinstance(statements[0].value, ast.Constant) or statements[0].value.value is not False:
            continue
        for index, tree in trees.items():
            if tree is not None and any(node is statements[0] for node in tree.body):
                return name, index
    return None


def _device_chosen_with_fallback(ctx: RuleContext, gc: GpuCatalog) -> Optional[int]:
    """The first cell that chooses a torch device with a CPU fallback at its top level: a GPU check
    (`torch.cuda.is_available()`) and, in the same cell, `torch.device(…)` bound to a name or
    `torch.set_default_device(…)` called (`if torch.cuda.is_available(): device = torch.device("cuda")
    else: device = torch.device("cpu")`); None when no cell does."""
    for ca in ctx.cells:
        if "is_available" not in ca.cell.source:
            continue
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        calls = [ctx.facts.resolve(dotted_name(c.func) or "") for c in nodes_of(tree, ast.Call)]
        if any(c in gc.fallback_checks or c == "torch.cuda.is_available" for c in calls) and any(
            c in ("torch.device", "torch.set_default_device") for c in calls
        ):
            return ca.cell.index
    return None


# torch's containers that hold no parameter when made without arguments.
_EMPTY_CONTAINERS = frozenset({"torch.nn.Sequential", "torch.nn.ModuleList", "torch.nn.ModuleDict"})


def _empty_module_moves(ctx: RuleContext) -> frozenset[tuple[int, int]]:
    """(cell, line) of each `m.cuda()` / `m.to(…)` (also bound back, `m = m.cuda()`) at the top level
    of a cell whose previous statement naming `m` bound it to an argument-less `torch.nn.Sequential()`
    (`ModuleList()`, `ModuleDict()`): `Module.cuda` moves the module's parameters and buffers, and an
    empty container has none, so the call needs no GPU; the layers added after it are made where the
    notebook's default device says (fair check 42, items 29 and 31)."""
    found: set[tuple[int, int]] = set()
    for ca in ctx.cells:
        if "cuda" not in ca.cell.source and ".to(" not in ca.cell.source:
            continue
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        empty: set[str] = set()
        for stmt in tree.body:
            value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
            move = (
                value is not None and isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                and value.func.attr in ("cuda", "to") and isinstance(value.func.value, ast.Name)
                and value.func.value.id in empty
                and (isinstance(stmt, ast.Expr) or (len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                                                    and stmt.targets[0].id == value.func.value.id))
            )
            if move:
                found.add((ca.cell.index, stmt.lineno))
                continue
            mentioned = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}
            empty -= mentioned
            if (
                isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Call) and not stmt.value.args and not stmt.value.keywords
                and ctx.facts.resolve(dotted_name(stmt.value.func) or "") in _EMPTY_CONTAINERS
            ):
                empty.add(stmt.targets[0].id)
    return frozenset(found)


def _top_level_line(ctx: RuleContext, cell_index: int, line: int) -> bool:
    """Is the line in a statement at the top level of its cell (not in a function or class body)?"""
    for ca in ctx.cells:
        if ca.cell.index == cell_index:
            tree = cell_python_tree(ca)
            return tree is not None and any(
                stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno)
                and not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                for stmt in tree.body
            )
    return False


# `assert torch.cuda.device_count() >= 2`, `assert len(gpus) > 1`: the number of GPUs asserted.
_GPU_COUNT_ASSERT = re.compile(r"\bassert\b.*?(?:device_count\(\)|\blen\([^)]*\))\s*(?P<op>>=|>|==)\s*(?P<n>\d+)")
# The same, tried only from the line's first `assert`: any match from a later `assert` is also one
# from the first (its lazy `.*?` spans the later keyword), and `search` returns the leftmost, so the
# answer is the same; tried from every `assert`, a line of 20,000 of them took seconds (review of
# session 35: quadratic).
_ASSERT_WORD = re.compile(r"\bassert\b")
_GPU_COUNT_AFTER_ASSERT = re.compile(r".*?(?:device_count\(\)|\blen\([^)]*\))\s*(?P<op>>=|>|==)\s*(?P<n>\d+)")


def _gpu_count_assert(text: str) -> "re.Match[str] | None":
    """`_GPU_COUNT_ASSERT.search(text)`, in linear time (see `_GPU_COUNT_AFTER_ASSERT`)."""
    first = _ASSERT_WORD.search(text)
    return None if first is None else _GPU_COUNT_AFTER_ASSERT.match(text, first.end())


def _asserted_gpu_count(source: str, line: int) -> int:
    """The least number of GPUs an assert on this line demands (0 when it names no count)."""
    lines = source.split("\n")
    match = _gpu_count_assert(lines[line - 1]) if 0 < line <= len(lines) else None
    if match is None:
        return 0
    return int(match.group("n")) + (1 if match.group("op") == ">" else 0)


def _function_lines_unrun_on_cpu(ctx: RuleContext) -> frozenset[tuple[int, int]]:
    """(cell, line) of the lines inside module-level function bodies, when the notebook was saved
    from a CPU-only Kaggle kernel (`Notebook.saved_on_cpu_kernel`) after every code cell ran (an
    execution count each) and no output holds an error; else empty."""
    notebook = ctx.facts.notebook
    code = notebook.code_cells
    if not notebook.saved_on_cpu_kernel or not code or any(c.execution_count is None for c in code if c.source.strip()):
        return frozenset()
    if any(o.output_type == "error" for c in code for o in c.outputs):
        return frozenset()
    lines: set[tuple[int, int]] = set()
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines.update((ca.cell.index, n) for n in range(node.body[0].lineno, (node.end_lineno or node.lineno) + 1))
    return frozenset(lines)


def _whole_notebook_import(ctx: RuleContext) -> Optional[tuple[str, tuple[int, int, int]]]:
    """The first import of a library that cannot run without a GPU at all (`[whole_notebook]
    modules` of rules/gpu.toml: Unsloth raises at import without an accelerator), as (module,
    (cell, line, column)); None when the notebook imports none."""
    modules = tuple((ctx.catalog.table("gpu", "whole_notebook", {}) or {}).get("modules", ()))
    if not modules:
        return None
    for ca in ctx.cells:
        for imp in ca.facts.imports:
            if imp.top_level in modules:
                return imp.top_level, (ca.cell.index, imp.line, imp.column)
    return None


def _rapids_modules(ctx: RuleContext, required: set[tuple[int, int]]) -> tuple[str, ...]:
    """The RAPIDS libraries (`[rapids_notebook] modules` of rules/gpu.toml) the notebook imports on
    lines GPU001 reports (`required`: (cell, line) of the requirements), outside a `try:`/`if`
    block that may fall back to the CPU, in order of first import; empty when it is not built on RAPIDS."""
    modules = tuple((ctx.catalog.table("gpu", "rapids_notebook", {}) or {}).get("modules", ()))
    if not modules:
        return ()
    found: dict[str, None] = {}
    for ca in ctx.cells:
        for imp in ca.facts.imports:
            if imp.top_level in modules and (ca.cell.index, imp.line) in required and not in_branch(ca, imp.line):
                found.setdefault(imp.top_level)
    return tuple(found)
