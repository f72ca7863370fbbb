"""`clf = LogisticRegression().fit(X, y)`: a chained fit has no receiver name, and the compiler used
to find no training step at all (no MLflow run, no registered model). The model is the name the
line binds, and a tracked run registers it."""

from __future__ import annotations

from generated_suite import run_tracked_pipeline
from nbfactory import project, write_notebook

CELLS = [
    ("md", "# Fit"),
    "import numpy as np\nfrom sklearn.linear_model import LogisticRegression\nfrom sklearn.cluster import KMeans",
    "X = np.arange(40, dtype=float).reshape(20, 2)\ny = np.array([0] * 10 + [1] * 10)",
    ("md", "# Model"),
    "groups = KMeans(n_clusters=2, n_init=2, random_state=0).fit_predict(X)\nclf = LogisticRegression(max_iter=200).fit(X, y)",
    ("md", "# Evaluate"),
    "accuracy = clf.score(X, y)\nprint(accuracy)",
]


def test_a_chained_fit_is_training_and_its_bound_name_the_model(tmp_path):
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.engine import audit_notebook
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.project import discover_project
    from nbrefactor.compile.mlops import training_target
    from nbrefactor.compile.plan import plan_model
    from nbrefactor.config import Settings

    path = write_notebook(project(tmp_path) / "chained.ipynb", CELLS)
    analysis = audit_notebook(read_notebook(path, path.name), Settings(), discover_project(path), load_catalog())
    training = training_target(plan_model("chained", [(analysis.facts, analysis.result.diagnostics)]))
    assert training.step is not None
    # `groups = KMeans().fit_predict(X)` binds labels, not a model: the registered model is clf.
    assert training.model == "clf"


def test_a_tracked_run_registers_the_chained_fit_model(tmp_path):
    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    path = write_notebook(project(tmp_path) / "chained.ipynb", CELLS)
    out = tmp_path / "out"
    results, _ = migrate_paths([str(path)], Settings(), MigrateOptions(out=out))
    assert [r.status for r in results] == ["migrated"]
    uri, client, version = run_tracked_pipeline(out / "chained", tmp_path / "run")
    run = client.get_run(version.run_id)
    assert run.data.params  # the run is the package's tracked run, with its config
    import mlflow
    import mlflow.pyfunc
    import numpy as np

    mlflow.set_tracking_uri(uri)
    try:
        loaded = mlflow.pyfunc.load_model(f"models:/chained/{version.version}")
    finally:
        mlflow.set_tracking_uri(None)

    rows = np.arange(40, dtype=float).reshape(20, 2)
    assert list(loaded.predict(rows)) == [0] * 10 + [1] * 10
