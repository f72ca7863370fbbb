"""Models crossing a step boundary (nbrefactor-runtime `artifacts.save` / `load`, issue 12: "models
through their MLflow flavour; pickle only for what has no better format"), with the real libraries:
each model is written by its MLflow flavour's `save_model` as a folder, read back by the flavour's
`load_model` as the native model (not pyfunc), and predicts exactly what the original predicts.
A value holding models (they may share state) and a model the flavour cannot save fall back to the
file formats. Expected predictions come from the original model, never from the loaded one's code."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("mlflow")
from nbrefactor_runtime import artifacts  # noqa: E402
from deadlines import HANG_GUARD

ROOT = Path(__file__).resolve().parent.parent


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] - X[:, 2] > 0).astype(int)
    return X, y


def _flavours_in(folder: Path) -> set[str]:
    import yaml

    return set(yaml.safe_load((folder / "MLmodel").read_text(encoding="utf-8"))["flavors"])


def _round_trip(tmp_path: Path, model, flavour: str):
    path = tmp_path / "out_model"  # kfp names the artifact: no suffix
    assert artifacts.save(model, str(path)) == f"mlflow.{flavour}"
    assert path.is_dir() and flavour in _flavours_in(path)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]  # nothing left beside it
    back = artifacts.load(str(path))
    assert type(back) is type(model)  # the native model, not a pyfunc wrapper
    return back


def test_a_scikit_learn_pipeline_crosses_as_its_flavour_in_skops_and_predicts_the_same(tmp_path):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = _data()
    model = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(C=0.3))]).fit(X, y)
    back = _round_trip(tmp_path, model, "sklearn")
    import yaml

    assert yaml.safe_load((tmp_path / "out_model" / "MLmodel").read_text())["flavors"]["sklearn"]["serialization_format"] == "skops"
    assert np.array_equal(back.predict(X), model.predict(X))
    assert np.array_equal(back.predict_proba(X), model.predict_proba(X))
    assert np.array_equal(back.named_steps["scale"].mean_, model.named_steps["scale"].mean_)


def test_without_skops_the_model_still_crosses_but_never_silently(tmp_path, monkeypatch, capsys):
    """An image without skops (a requirements-pipeline.txt without its pin) falls back to the
    flavour's cloudpickle format and says so on stderr, naming the missing pin."""
    from sklearn.linear_model import LogisticRegression
    import yaml

    monkeypatch.setitem(sys.modules, "skops", None)  # `import skops.io` raises ImportError here
    monkeypatch.setitem(sys.modules, "skops.io", None)
    X, y = _data()
    model = LogisticRegression(C=0.3).fit(X, y)
    back = _round_trip(tmp_path, model, "sklearn")
    assert yaml.safe_load((tmp_path / "out_model" / "MLmodel").read_text())["flavors"]["sklearn"]["serialization_format"] == "cloudpickle"
    assert np.array_equal(back.predict(X), model.predict(X))
    said = capsys.readouterr().err
    assert "saved with cloudpickle, not skops: skops is not installed (requirements-pipeline.txt pins it)" in said


def test_a_search_and_a_forest_keep_their_fitted_attributes(tmp_path):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import GridSearchCV

    X, y = _data()
    search = GridSearchCV(RandomForestClassifier(n_estimators=10, random_state=0), {"max_depth": [2, 4]}, cv=3).fit(X, y)
    back = _round_trip(tmp_path, search, "sklearn")
    assert back.best_params_ == search.best_params_ and back.best_score_ == search.best_score_
    assert np.array_equal(back.predict_proba(X), search.predict_proba(X))
    assert np.array_equal(back.best_estimator_.feature_importances_, search.best_estimator_.feature_importances_)


def test_xgboost_models_cross_as_their_flavour(tmp_path):
    xgboost = pytest.importorskip("xgboost")
    X, y = _data()
    classifier = xgboost.XGBClassifier(n_estimators=15, max_depth=3, random_state=0).fit(X, y)
    back = _round_trip(tmp_path / "a", classifier, "xgboost")
    assert np.array_equal(back.predict(X), classifier.predict(X))
    # the parameters as the notebook set them (the native file alone gives base_score=[0.5] for None)
    assert repr(back.get_params()) == repr(classifier.get_params())
    assert np.array_equal(back.predict_proba(X), classifier.predict_proba(X))
    booster = xgboost.train({"objective": "binary:logistic", "seed": 0}, xgboost.DMatrix(X, label=y), num_boost_round=10)
    back = _round_trip(tmp_path / "b", booster, "xgboost")
    assert np.array_equal(back.predict(xgboost.DMatrix(X)), booster.predict(xgboost.DMatrix(X)))


def test_lightgbm_models_cross_as_their_flavour(tmp_path):
    lightgbm = pytest.importorskip("lightgbm")
    X, y = _data()
    booster = lightgbm.train({"objective": "binary", "verbose": -1, "seed": 0}, lightgbm.Dataset(X, y), num_boost_round=10)
    back = _round_trip(tmp_path / "a", booster, "lightgbm")
    assert np.array_equal(back.predict(X), booster.predict(X))
    try:
        classifier = lightgbm.LGBMClassifier(n_estimators=10, verbose=-1, random_state=0).fit(X, y)
    except TypeError as error:  # an older wrapper calling a scikit-learn argument 1.9 removed
        pytest.skip(f"lightgbm's scikit-learn wrapper does not fit with this scikit-learn: {error}")
    back = _round_trip(tmp_path / "b", classifier, "lightgbm")
    assert np.array_equal(back.predict_proba(X), classifier.predict_proba(X))
    assert repr(back.get_params()) == repr(classifier.get_params())


def test_a_catboost_model_crosses_as_its_flavour(tmp_path):
    catboost = pytest.importorskip("catboost")
    X, y = _data()
    model = catboost.CatBoostClassifier(iterations=20, depth=3, random_seed=0, verbose=False, allow_writing_files=False).fit(X, y)
    back = _round_trip(tmp_path, model, "catboost")
    assert np.array_equal(back.predict(X), model.predict(X))
    assert back.get_params() == model.get_params()  # not the loss_function the native file adds
    assert np.array_equal(back.predict_proba(X), model.predict_proba(X))


KERAS_ROUND_TRIP = """
import sys
import numpy as np
import keras
from nbrefactor_runtime import artifacts
keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
X = rng.normal(size=(64, 4)).astype("float32")
y = (X[:, 0] + X[:, 1] > 0).astype("float32")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y, epochs=2, verbose=0)
fmt = artifacts.save(model, sys.argv[1])
back = artifacts.load(sys.argv[1])
print(fmt, type(back) is type(model), bool(np.array_equal(back.predict(X, verbose=0), model.predict(X, verbose=0))))
"""


def test_a_keras_model_crosses_as_its_flavour(tmp_path):
    """In its own process: Keras picks its backend once per process (PyTorch here, no TensorFlow)."""
    env = {**os.environ, "KERAS_BACKEND": "torch",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "runtime" / "src"), os.environ.get("PYTHONPATH", "")])}
    check = subprocess.run([sys.executable, "-c", "import keras"], env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    if check.returncode != 0:
        pytest.skip(f"keras does not import on the torch backend: {check.stderr.strip().splitlines()[-1:]}")
    done = subprocess.run([sys.executable, "-c", KERAS_ROUND_TRIP, str(tmp_path / "out_model")], env=env,
                          capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "mlflow.keras True True"
    assert "keras" in _flavours_in(tmp_path / "out_model")


def test_values_holding_models_are_pickled_whole_so_what_they_share_stays_shared(tmp_path):
    from sklearn.linear_model import LogisticRegression

    X, y = _data()
    model = LogisticRegression().fit(X, y)
    value = {"best": model, "all": [model]}
    assert artifacts.model_flavour(value) == ""
    assert artifacts.save(value, str(tmp_path / "v")) == "pickle"
    back = artifacts.load(str(tmp_path / "v"))
    assert back["best"] is back["all"][0]
    assert np.array_equal(back["best"].predict(X), model.predict(X))
    # Not a model, though its class lives in scikit-learn: a Bunch is a dict, a splitter no model.
    from sklearn.model_selection import KFold
    from sklearn.utils import Bunch

    assert artifacts.model_flavour(Bunch(a=1)) == "" and artifacts.model_flavour(KFold(3)) == ""


def test_a_model_the_flavour_cannot_save_falls_back_to_the_file_formats(tmp_path, monkeypatch):
    from sklearn.tree import DecisionTreeClassifier

    X, y = _data()
    model = DecisionTreeClassifier(random_state=0).fit(X, y)

    def refuse(value, path):
        os.makedirs(path)
        raise RuntimeError("cannot save")

    monkeypatch.setitem(artifacts._FLAVOUR_SAVERS, "sklearn", refuse)
    assert artifacts.save(model, str(tmp_path / "m")) == "pickle"
    assert (tmp_path / "m").is_file() and not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
    assert np.array_equal(pickle.loads((tmp_path / "m").read_bytes()).predict(X), model.predict(X))


def test_a_model_folder_and_a_file_replace_each_other_at_one_path(tmp_path):
    from sklearn.tree import DecisionTreeClassifier

    X, y = _data()
    model = DecisionTreeClassifier(random_state=0).fit(X, y)
    path = tmp_path / "value"
    assert artifacts.save([1, 2], str(path)) == "pickle"
    assert artifacts.save(model, str(path)) == "mlflow.sklearn" and path.is_dir()
    assert artifacts.save(model, str(path)) == "mlflow.sklearn" and path.is_dir()
    assert np.array_equal(artifacts.load(str(path)).predict(X), model.predict(X))
    assert artifacts.save(np.arange(3), str(path)) == "npy" and path.is_file()
    assert artifacts.load(str(path)).tolist() == [0, 1, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["value"]


# --- a generated package whose models cross steps ---------------------------------------------------

CROSSING = [
    ("md", "# Data"),
    "import numpy as np\nfrom sklearn.model_selection import train_test_split\nrng = np.random.default_rng(0)\n"
    "X = rng.normal(size=(200, 4))\ny = (X[:, 0] + 0.5 * X[:, 1] - X[:, 2] > 0).astype(int)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)",
    ("md", "# Train"),
    "import xgboost\nfrom sklearn.linear_model import LogisticRegression\nfrom sklearn.pipeline import make_pipeline\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "pipe = make_pipeline(StandardScaler(), LogisticRegression())\npipe.fit(X_train, y_train)\n"
    "booster = xgboost.XGBClassifier(n_estimators=20, max_depth=3, random_state=0)\nbooster.fit(X_train, y_train)",
    ("md", "# Evaluate"),
    "pipe_proba = pipe.predict_proba(X_test)\nbooster_proba = booster.predict_proba(X_test)\nprint(pipe_proba[:2], booster_proba[:2])",
]

STEP_RUN_DRIVER = """
import sys
from pathlib import Path
from nbrefactor.migrate.prove import _pipeline
package_dir, work = Path(sys.argv[1]), Path(sys.argv[2])
ok, line = _pipeline(package_dir.name, package_dir, Path(sys.executable), work, dict(__import__("os").environ), 300.0, runner="steps")
print(line)
sys.exit(0 if ok else 1)
"""


def test_models_cross_the_steps_of_a_generated_package_as_flavour_folders(tmp_path):
    """Each step in its own process through the package's runtime (what each kfp component runs):
    the training step's models are written as MLflow flavour folders, the evaluating step loads
    them back, and every value of every step equals the one-process run (nbrefactor's proof)."""
    pytest.importorskip("xgboost")
    from nbfactory import project, write_notebook
    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    (tmp_path / "src").mkdir()
    root = project(tmp_path / "src")
    write_notebook(root / "crossing" / "crossing.ipynb", CROSSING, executed=True)
    results, _ = migrate_paths([str(root / "crossing")], Settings(), MigrateOptions(out=tmp_path / "out"))
    assert [r.status for r in results] in (["migrated"], ["migrated-with-review"]), results[0].problems
    package = tmp_path / "out" / "crossing"
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    env["PYTHONPATH"] = os.pathsep.join([str(package / "src"), str(ROOT / "runtime" / "src"), str(ROOT)])
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run([sys.executable, "-c", STEP_RUN_DRIVER, str(package), str(work)],
                          capture_output=True, text=True, timeout=HANG_GUARD, env=env, cwd=work)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "3 steps in separate processes" in done.stdout and "values equal to the in-process run" in done.stdout, done.stdout
    saved = work / "pipeline-run" / "artifacts"
    assert _flavours_in(saved / "train.pipe.pkl") >= {"sklearn"}  # a folder despite the name the driver gives
    assert _flavours_in(saved / "train.booster.pkl") >= {"xgboost"}
    # The evaluating step's numbers, against the same models fitted here by the libraries themselves.
    import xgboost
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] - X[:, 2] > 0).astype(int)
    X_train, X_test, y_train, _ = train_test_split(X, y, random_state=0)
    expected_pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_train, y_train).predict_proba(X_test)
    expected_booster = xgboost.XGBClassifier(n_estimators=20, max_depth=3, random_state=0).fit(X_train, y_train).predict_proba(X_test)
    assert np.array_equal(artifacts.load(str(saved / "evaluate.pipe_proba.pkl")), expected_pipe)
    assert np.array_equal(artifacts.load(str(saved / "evaluate.booster_proba.pkl")), expected_booster)
