"""`trained_rnn = train(rnn, loader, epochs)`: a model trained through the notebook's own function
(a PyTorch loop with `optimizer.step()`, or `model.fit` inside a def) used to give no training step
or a wrong one (the cell holding the def, whose body has `.backward()`), and no registered model.
The function's body says what it trains (a parameter, or a model it builds and returns); the call
site's data flow says which name holds the trained model; the last evaluation picks it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from generated_suite import run_tracked_pipeline
from nbfactory import project, write_notebook
from deadlines import HANG_GUARD

TORCH_MISSING = "torch is not installed (scripts/venv.sh installs torch==2.13.0+cpu with the test extras and warns when it cannot)"

TORCH_CELLS = [
    ("md", "# Data"),
    "import numpy as np\nimport torch\nfrom torch.utils.data import DataLoader, TensorDataset",
    "torch.manual_seed(0)\nX = np.linspace(-1, 1, 64, dtype=np.float32).reshape(32, 2)\ny = (X.sum(axis=1) > 0).astype(np.int64)\n"
    "loader = DataLoader(TensorDataset(torch.from_numpy(X), torch.from_numpy(y)), batch_size=8, shuffle=False)\nepochs = 20",
    ("md", "# Model"),
    "rnn = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))",
    "def train(model, loader, epochs):\n    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)\n    loss_fn = torch.nn.CrossEntropyLoss()\n"
    "    for _ in range(epochs):\n        for xb, yb in loader:\n            optimizer.zero_grad()\n            loss = loss_fn(model(xb), yb)\n"
    "            loss.backward()\n            optimizer.step()\n    return model",
    ("md", "# Train"),
    "trained_rnn = train(rnn, loader, epochs)",
    ("md", "# Evaluate"),
    "inputs = torch.from_numpy(X)\nwith torch.no_grad():\n    predictions = trained_rnn(inputs).argmax(dim=1).numpy()\nprint((predictions == y).mean())",
]

SKLEARN_CELLS = [
    ("md", "# Data"),
    "import numpy as np\nfrom sklearn.linear_model import LogisticRegression\nfrom sklearn.preprocessing import StandardScaler",
    "X = np.arange(40, dtype=float).reshape(20, 2)\ny = np.array([0] * 10 + [1] * 10)",
    "def fit_model(features, labels, c=1.0):\n    model = LogisticRegression(C=c, max_iter=200)\n    model.fit(features, labels)\n    return model, model.score(features, labels)",
    "def scale(frame):\n    scaler = StandardScaler()\n    scaler.fit(frame)\n    return scaler.transform(frame)",
    ("md", "# Train"),
    "X_scaled = scale(X)\nclf, train_accuracy = fit_model(X_scaled, y)",
    ("md", "# Evaluate"),
    "test_predictions = clf.predict(X_scaled)",
]


def _plan(tmp_path, name, cells):
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.engine import audit_notebook
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.project import discover_project
    from nbrefactor.compile.plan import plan_model
    from nbrefactor.config import Settings

    path = write_notebook(project(tmp_path) / f"{name}.ipynb", cells)
    analysis = audit_notebook(read_notebook(path, path.name), Settings(), discover_project(path), load_catalog())
    return plan_model(name, [(analysis.facts, analysis.result.diagnostics)])


def test_a_pytorch_loop_in_a_def_trains_where_it_is_called(tmp_path):
    from nbrefactor.compile.mlops import training_target

    plan = _plan(tmp_path, "trainfn", TORCH_CELLS)
    training = training_target(plan)
    # Not the step holding the def (its body has `.backward()` but runs only when called).
    assert "rnn" in {o for s in plan.steps if s.name == "model" for o in s.outputs}
    assert training.step == "train_step"
    assert training.model == "trained_rnn"
    assert training.model_step == "evaluate"


def test_a_def_that_builds_fits_and_returns_a_model_is_training(tmp_path):
    from nbrefactor.compile.mlops import training_target

    training = training_target(_plan(tmp_path, "fitfn", SKLEARN_CELLS))
    assert training.step == "train"
    # `scale` fits a scaler it keeps inside: no model reaches the notebook from it.
    assert training.model == "clf"
    assert training.example == "X_scaled"


def test_a_function_that_trains_nothing_is_no_trainer(tmp_path):
    from nbrefactor.compile.mlops import training_target

    cells = [
        "import numpy as np",
        "def summarise(values):\n    return values.mean(), values.std()",
        "X = np.arange(10.0)\nmean, spread = summarise(X)",
    ]
    assert training_target(_plan(tmp_path, "plain", cells)).step is None


def _notebook_predictions(tmp_path, cells, name):
    """The notebook's own value: its code cells run in order in a fresh interpreter."""
    code = "\n".join(c for c in cells if isinstance(c, str))
    code += f"\nimport json, numpy\nprint('RESULT' + json.dumps(numpy.asarray({name}).tolist()))\n"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.split("RESULT", 1)[1])


def test_a_tracked_run_registers_the_model_a_notebook_function_trained(tmp_path):
    pytest.importorskip("torch", reason=TORCH_MISSING)
    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    path = write_notebook(project(tmp_path) / "trainfn.ipynb", TORCH_CELLS)
    out = tmp_path / "out"
    results, _ = migrate_paths([str(path)], Settings(), MigrateOptions(out=out))
    # the one review item here: torch is this machine's local `+cpu` build, pinned as the release
    assert [r.status for r in results] in (["migrated"], ["migrated-with-review"])
    assert all("torch" in item.what for item in results[0].emitted.review)
    uri, client, version = run_tracked_pipeline(out / "trainfn", tmp_path / "run")
    run = client.get_run(version.run_id)
    assert run.data.params

    import mlflow
    import mlflow.pytorch
    import numpy as np
    import torch

    mlflow.set_tracking_uri(uri)
    try:
        assert "pytorch" in mlflow.models.get_model_info(f"models:/trainfn/{version.version}").flavors
        loaded = mlflow.pytorch.load_model(f"models:/trainfn/{version.version}")
    finally:
        mlflow.set_tracking_uri(None)
    rows = np.linspace(-1, 1, 64, dtype=np.float32).reshape(32, 2)
    with torch.no_grad():
        registered = loaded(torch.from_numpy(rows)).argmax(dim=1).numpy().tolist()
    expected = _notebook_predictions(tmp_path, TORCH_CELLS, "predictions")
    assert registered == expected
    assert len(set(expected)) == 2  # a trained model separates the classes: an untrained one need not


def test_a_trainer_called_by_keyword_through_another_trains_its_argument_in_place(tmp_path):
    """The course-notebook shape: `train_step(model, ...)` runs the loop, `train(model, ...)` calls
    it per epoch by keyword and returns a results dict (not the model): the argument is trained."""
    from nbrefactor.compile.mlops import training_target

    cells = [
        ("md", "# Setup"),
        "import torch",
        "X = torch.linspace(-1, 1, 32).reshape(16, 2)\ny = (X.sum(dim=1) > 0).long()\nmodel_0 = torch.nn.Linear(2, 2)",
        "def train_step(model, features, labels, optimizer):\n    optimizer.zero_grad()\n"
        "    loss = torch.nn.functional.cross_entropy(model(features), labels)\n    loss.backward()\n    optimizer.step()\n    return loss.item()",
        "def train(model, features, labels, epochs):\n    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n    results = {'loss': []}\n"
        "    for _ in range(epochs):\n        results['loss'].append(train_step(model=model, features=features, labels=labels, optimizer=optimizer))\n    return results",
        ("md", "# Train"),
        "model_0_results = train(model=model_0, features=X, labels=y, epochs=5)",
        ("md", "# Predict"),
        "with torch.inference_mode():\n    preds = model_0(X).argmax(dim=1)",
    ]
    plan = _plan(tmp_path, "course", cells)
    training = training_target(plan)
    cells_of = {s.name: s.cells for s in plan.steps}
    assert cells_of[training.step] == (7,)  # the cell calling `train`, not the cells with the defs
    assert training.model == "model_0"  # not the results dict the function returns


def test_a_function_calling_a_training_function_trains_where_it_is_called(tmp_path):
    from nbrefactor.compile.mlops import training_target

    cells = [
        ("md", "# Setup"),
        "import torch\nX = torch.linspace(-1, 1, 32).reshape(16, 2)\ny = (X.sum(dim=1) > 0).long()\nnet = torch.nn.Linear(2, 2)\n"
        "optimizer = torch.optim.SGD(net.parameters(), lr=0.1)",
        "def one_epoch():\n    optimizer.zero_grad()\n    torch.nn.functional.cross_entropy(net(X), y).backward()\n    optimizer.step()",
        "def run(epochs):\n    for _ in range(epochs):\n        one_epoch()",
        ("md", "# Train"),
        "run(5)",
        ("md", "# Predict"),
        "with torch.no_grad():\n    preds = net(X).argmax(dim=1)",
    ]
    plan = _plan(tmp_path, "nested", cells)
    training = training_target(plan)
    assert {s.name: s.cells for s in plan.steps}[training.step] == (6,)  # `run(5)`, not the defs' step
