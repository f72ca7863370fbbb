"""Models of PyTorch, Keras 3, XGBoost and CatBoost logged with the real libraries (issue 12): each
through the path a generated package runs (`TrackedRun.observe` after the training step, then the
run written to a real MLflow sqlite store), with its own MLflow flavour and an input example, then
loaded back by MLflow — the flavour's `load_model` and pyfunc — predicting what the original model
predicts on the example. (scikit-learn and LightGBM: tests/test_model_tracking.py.)

The libraries come with the test extras (keras, xgboost-cpu, catboost) and, for PyTorch, the CPU
build scripts/venv.sh installs beside them; a test whose library is missing is skipped with the
reason. Keras runs on its PyTorch backend (no TensorFlow).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import types

import numpy as np
import pytest

pytest.importorskip("mlflow")

TORCH_MISSING = "torch is not installed (scripts/venv.sh installs torch==2.13.0+cpu with the test extras and warns when it cannot)"


@dataclasses.dataclass
class _Config:
    artifacts_dir: str
    epochs: int = 1


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 4)).astype("float32")
    y = (X[:, 0] + X[:, 1] > 0).astype("int64")
    return X, y


def _tracked(tmp_path, monkeypatch, model, example_input):
    """Log `model` as a generated package does: the training step returned it, with the data it
    was evaluated on; the run is written when the block ends. Returns (model URI, run)."""
    import mlflow
    from nbrefactor_runtime import tracking
    from nbrefactor_runtime.spec import PackageSpec, StepSpec

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)  # the embedded sqlite store in artifacts_dir
    # The package whose step returned the model (the run records metrics its step modules compute).
    package = types.ModuleType("flavour_pkg")
    package.__path__ = []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "flavour_pkg", package)
    monkeypatch.setitem(sys.modules, "flavour_pkg.steps", types.ModuleType("flavour_pkg.steps"))
    spec = PackageSpec(
        package="flavour_pkg", model_name="flavour-model", env_prefix="FLAVOUR_PKG",
        training_step="train", model_output="model", example_input="X_test",
        steps={"train": StepSpec("steps", (), ("model", "X_test"))},
    )
    cfg = _Config(artifacts_dir=str(tmp_path / "artifacts"))
    with tracking.TrackedRun(spec, cfg) as run:
        run.observe("train", {"model": model, "X_test": example_input})
    assert run.model_uri, "no model was logged"
    mlflow.set_tracking_uri(run.uri)
    try:
        return run.model_uri, mlflow.get_run(run.run_id)
    finally:
        os.environ.pop("MLFLOW_TRACKING_URI", None)


def _check_logged(uri, run, flavour, rows=5):
    import mlflow

    info = mlflow.models.get_model_info(uri)
    assert flavour in info.flavors and "python_function" in info.flavors, info.flavors
    assert info.saved_input_example_info is not None and info.signature is not None
    assert run.data.tags["nbrefactor.model_flavour"] == flavour
    assert run.data.tags["nbrefactor.input_example_rows"] == str(rows)
    assert run.info.status == "FINISHED"


def test_a_pytorch_module_logs_with_the_pytorch_flavour_and_an_input_example(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch", reason=TORCH_MISSING)
    import mlflow
    import mlflow.pytorch

    class Net(torch.nn.Module):
        """Data-dependent control flow, which torch.export (MLflow's "pt2" format) refuses."""

        def __init__(self) -> None:
            super().__init__()
            self.hidden, self.out = torch.nn.Linear(4, 8), torch.nn.Linear(8, 2)

        def forward(self, x):
            h = torch.relu(self.hidden(x))
            return self.out(h) if h.sum() > -1e9 else self.out(-h)

    torch.manual_seed(0)
    X, _ = _data()
    model = Net().eval()
    # The pinned MLflow's default format: what the runtime logged before, and why it passes a format.
    with pytest.raises(mlflow.exceptions.MlflowException, match="pt2.*input_example is required"):
        mlflow.pytorch.save_model(model, str(tmp_path / "default-format"))
    uri, run = _tracked(tmp_path, monkeypatch, model, torch.from_numpy(X))
    _check_logged(uri, run, "pytorch")
    with torch.no_grad():
        expected = model(torch.from_numpy(X[:5])).numpy()
        loaded = mlflow.pytorch.load_model(uri)
        assert np.allclose(loaded(torch.from_numpy(X[:5])).numpy(), expected, atol=1e-6)
    assert np.allclose(np.asarray(mlflow.pyfunc.load_model(uri).predict(X[:5])), expected, atol=1e-6)


def test_a_keras_3_model_logs_with_the_keras_flavour_and_an_input_example(tmp_path, monkeypatch):
    pytest.importorskip("torch", reason=f"Keras runs on its PyTorch backend here: {TORCH_MISSING}")
    if "keras" in sys.modules and os.environ.get("KERAS_BACKEND") != "torch":
        pytest.skip("keras was imported in this process with another backend")
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    assert keras.backend.backend() == "torch" and keras.__version__.startswith("3.")
    import mlflow
    import mlflow.keras

    keras.utils.set_random_seed(0)
    X, y = _data()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(X, y, epochs=1, batch_size=32, verbose=0)
    uri, run = _tracked(tmp_path, monkeypatch, model, X)
    _check_logged(uri, run, "keras")
    # Recorded, not applied by MLflow's loader: a serving image sets KERAS_BACKEND=torch itself.
    assert mlflow.models.get_model_info(uri).flavors["keras"]["keras_backend"] == "torch"
    expected = model.predict(X[:5], verbose=0)
    assert np.allclose(mlflow.keras.load_model(uri).predict(X[:5], verbose=0), expected, atol=1e-6)
    assert np.allclose(np.asarray(mlflow.pyfunc.load_model(uri).predict(X[:5])), expected, atol=1e-6)


def test_an_xgboost_model_logs_with_the_xgboost_flavour_and_an_input_example(tmp_path, monkeypatch):
    xgboost = pytest.importorskip("xgboost")
    import mlflow
    import mlflow.xgboost

    X, y = _data()
    model = xgboost.XGBClassifier(n_estimators=8, max_depth=2, random_state=0).fit(X, y)
    uri, run = _tracked(tmp_path, monkeypatch, model, X)
    _check_logged(uri, run, "xgboost")
    loaded = mlflow.xgboost.load_model(uri)
    assert type(loaded) is xgboost.XGBClassifier
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert np.array_equal(np.asarray(mlflow.pyfunc.load_model(uri).predict(X[:5])), model.predict(X[:5]))


def test_a_catboost_model_logs_with_the_catboost_flavour_and_an_input_example(tmp_path, monkeypatch):
    catboost = pytest.importorskip("catboost")
    import mlflow
    import mlflow.catboost

    X, y = _data()
    model = catboost.CatBoostClassifier(iterations=8, depth=2, random_seed=0, verbose=False, allow_writing_files=False).fit(X, y)
    uri, run = _tracked(tmp_path, monkeypatch, model, X)
    _check_logged(uri, run, "catboost")
    loaded = mlflow.catboost.load_model(uri)
    assert type(loaded) is catboost.CatBoostClassifier
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert np.array_equal(np.asarray(mlflow.pyfunc.load_model(uri).predict(X[:5])).ravel(), model.predict(X[:5]).ravel())
