"""A notebook that ends with a scikit-learn search registers the search's `best_estimator_`
(with the fitted scaler applied before it), not the search object, while `best_score_` and
`best_params_` stay logged (issue 12). Real MLflow sqlite store; the expected estimator, score and
predictions are computed here with scikit-learn directly, not by the package under test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from deadlines import HANG_GUARD

# This repository's nbrefactor-runtime in subprocesses, not whichever copy is installed.
RUNTIME_SRC = str(Path(__file__).resolve().parent.parent / "runtime" / "src")

pytest.importorskip("mlflow")

DATA = (
    "import numpy as np\n"
    "from sklearn.datasets import make_classification\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "from sklearn.metrics import accuracy_score\n"
    "from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, train_test_split\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "X, y = make_classification(n_samples=240, n_features=5, n_informative=3, random_state=3)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)"
)
GRID = {"C": [0.001, 0.1, 10.0], "fit_intercept": [True, False]}
# The two searches a notebook writes: every combination, or a seeded sample of them.
SEARCHES = {
    "GridSearchCV": f"GridSearchCV(LogisticRegression(max_iter=1000), {GRID!r}, cv=3)",
    "RandomizedSearchCV": f"RandomizedSearchCV(LogisticRegression(max_iter=1000), {GRID!r}, n_iter=4, cv=3, random_state=7)",
}


def _notebook(tmp_path: Path, kind: str = "GridSearchCV") -> Path:
    from nbfactory import write_notebook

    return write_notebook(tmp_path / "searched.ipynb", [
        DATA,
        ("md", "## Scale"),
        "scaler = StandardScaler().fit(X_train)",
        ("md", "## Search"),
        f"search = {SEARCHES[kind]}\nsearch.fit(scaler.transform(X_train), y_train)",
        ("md", "## Evaluate"),
        "predictions = search.predict(scaler.transform(X_test))\naccuracy = accuracy_score(y_test, predictions)\nprint(accuracy)",
    ])


def _expected(kind: str = "GridSearchCV"):
    """The notebook's search, run here with scikit-learn itself."""
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = make_classification(n_samples=240, n_features=5, n_informative=3, random_state=3)
    X_train, X_test, y_train, _ = train_test_split(X, y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    if kind == "RandomizedSearchCV":
        search = RandomizedSearchCV(LogisticRegression(max_iter=1000), GRID, n_iter=4, cv=3, random_state=7)
    else:
        search = GridSearchCV(LogisticRegression(max_iter=1000), GRID, cv=3)
    search.fit(scaler.transform(X_train), y_train)
    return search, search.predict(scaler.transform(X_test)), X_test


@pytest.mark.parametrize("kind", sorted(SEARCHES))
def test_a_search_evaluated_last_is_registered_as_its_best_estimator_with_the_scaler(tmp_path, kind):
    import mlflow
    import numpy as np
    from mlflow import MlflowClient
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    results, _ = migrate_paths([str(_notebook(tmp_path, kind))], Settings(), MigrateOptions(out=tmp_path / "out"))
    assert [r.status for r in results] == ["migrated"], [r.__dict__ for r in results]
    package = tmp_path / "out" / "searched"


    work = tmp_path / "work"
    work.mkdir()
    script = (
        "from searched import config, pipeline\n"
        "pipeline.run(config.Config(artifacts_dir='artifacts'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    env["PYTHONPATH"] = os.pathsep.join([str(package / "src"), RUNTIME_SRC, env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-3000:]

    search, predictions, X_test = _expected(kind)
    uri = f"sqlite:///{work / 'artifacts' / 'mlflow.db'}"
    client = MlflowClient(uri)
    version = client.get_model_version_by_alias("searched", "candidate")
    run = client.get_run(version.run_id)
    assert run.data.tags["nbrefactor.model_output"] == "search"
    # The run says which model it trains (the model's name), nothing borrowed from nbrefactor's modules.
    assert run.data.tags["nbrefactor.model"] == "searched"
    assert not [t for t in run.data.tags if t.startswith("nbrefactor.audit")], run.data.tags
    assert run.data.tags["nbrefactor.model_attribute"] == "best_estimator_"
    assert run.data.tags["nbrefactor.preprocessing"] == "scaler"
    # The search's results stay logged.
    assert run.data.metrics["search.best_score_"] == pytest.approx(search.best_score_)
    assert {k: run.data.params[f"search.best_params_.{k}"] for k in GRID} == {k: str(v) for k, v in search.best_params_.items()}
    mlflow.set_tracking_uri(uri)
    try:
        loaded = mlflow.sklearn.load_model("models:/searched@candidate")
    finally:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    assert [name for name, _ in loaded.steps] == ["scaler", "model"]
    estimator = loaded.named_steps["model"]
    assert type(estimator) is LogisticRegression and not isinstance(estimator, (GridSearchCV, RandomizedSearchCV))
    assert {k: estimator.get_params()[k] for k in GRID} == search.best_params_
    assert np.array_equal(estimator.coef_, search.best_estimator_.coef_)
    assert np.array_equal(loaded.predict(X_test), predictions)  # raw rows in, the notebook's search.predict out


def test_searched_model_leaves_other_values_alone():
    import numpy as np
    from nbrefactor_runtime.tracking import searched_model
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

    X = np.arange(40, dtype=float).reshape(20, 2)
    y = np.array([0, 1] * 10)
    plain = LogisticRegression().fit(X, y)
    assert searched_model(plain) is plain
    randomized = RandomizedSearchCV(LogisticRegression(), {"C": [0.1, 1.0, 10.0]}, n_iter=2, cv=2, random_state=0).fit(X, y)
    assert searched_model(randomized) is randomized.best_estimator_
    no_refit = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=2, refit=False).fit(X, y)
    assert searched_model(no_refit) is no_refit  # no best_estimator_ to register
    assert searched_model({"best_params_": 1}) == {"best_params_": 1}
