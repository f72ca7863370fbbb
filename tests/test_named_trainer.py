"""A trainer imported from a module (`engine.train(clf, X, y)`, going_modular style) has no body in
the notebook to read, so no step is recognised as training and nothing is registered. Naming it —
`[tool.nbrefactor.mlflow] trainer = "engine.train"` or a Kale-style cell tag `trainer:engine.train` —
makes its call a fit of its model argument: that step is the training step, and the model the
notebook then evaluates is registered (run for real: the pipeline tracked into a sqlite store)."""

from __future__ import annotations

import pytest

from generated_suite import run_tracked_pipeline
from nbfactory import project, write_notebook

ENGINE = "def train(model, features, labels):\n    model.fit(features, labels)\n    return model.score(features, labels)\n"


def _cells(train_tags: tuple[str, ...] = ()) -> list:
    train = "train_accuracy = engine.train(clf, X, y)\nprint(train_accuracy)"
    return [
        ("md", "# Data"),
        "import numpy as np\nfrom sklearn.linear_model import LogisticRegression\nimport engine",
        "X = np.arange(40, dtype=float).reshape(20, 2)\ny = np.array([0] * 10 + [1] * 10)",
        ("md", "# Model"),
        "clf = LogisticRegression(max_iter=200)",
        ("md", "# Train"),
        ("code", train, {"tags": list(train_tags)}) if train_tags else train,
        ("md", "# Evaluate"),
        "predictions = clf.predict(X)\nprint((predictions == y).mean())",
    ]


def _notebook(tmp_path, name, cells):
    tmp_path.mkdir(parents=True, exist_ok=True)
    root = project(tmp_path, {"engine.py": ENGINE})
    return write_notebook(root / f"{name}.ipynb", cells)


def _training(tmp_path, name, cells, configured=()):
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.engine import audit_notebook
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.project import discover_project
    from nbrefactor.compile.mlops import training_target
    from nbrefactor.compile.plan import plan_model
    from nbrefactor.config import Settings

    path = _notebook(tmp_path, name, cells)
    analysis = audit_notebook(read_notebook(path, path.name), Settings(), discover_project(path), load_catalog())
    return training_target(plan_model(name, [(analysis.facts, analysis.result.diagnostics)]), "", configured)


def test_an_imported_trainer_is_no_training_step_until_it_is_named(tmp_path):
    unnamed = _training(tmp_path / "a", "imported", _cells())
    assert (unnamed.step, unnamed.model) == (None, None)  # nothing trains, nothing is registered
    by_setting = _training(tmp_path / "b", "imported", _cells(), ("engine.train",))
    assert (by_setting.step, by_setting.model, by_setting.model_step) == ("train", "clf", "evaluate")
    by_tag = _training(tmp_path / "c", "imported", _cells(("trainer:engine.train",)))
    assert (by_tag.step, by_tag.model, by_tag.model_step) == ("train", "clf", "evaluate")


def test_the_trainer_setting_is_checked():
    from nbrefactor.compile.mlops import MlopsSettingsError, trainer_setting

    assert trainer_setting({"trainer": "engine.train"}, "m") == ("engine.train",)
    assert trainer_setting({"trainer": ["a.fit_all", "train"], "trainers": {"m": "engine.train"}}, "m") == ("engine.train",)
    assert trainer_setting({}, "m") == ()
    for bad in ("engine.train(x)", "", 3, ["ok", "not ok"]):
        with pytest.raises(MlopsSettingsError):
            trainer_setting({"trainer": bad}, "m")
    with pytest.raises(MlopsSettingsError):
        trainer_setting({"trainr": "engine.train"}, "m")


def test_a_named_imported_trainer_registers_the_model_the_notebook_evaluates(tmp_path):
    pytest.importorskip("mlflow")
    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    path = _notebook(tmp_path, "imported", _cells())
    settings = Settings(extra=(("mlflow", {"trainer": "engine.train"}),))
    results, _ = migrate_paths([str(path)], settings, MigrateOptions(out=tmp_path / "out"))
    assert [r.status for r in results] in (["migrated"], ["migrated-with-review"]), results[0].problems
    package = tmp_path / "out" / "imported"
    assert (package / "src" / "imported" / "engine.py").read_text() == ENGINE  # the module, vendored
    uri, client, version = run_tracked_pipeline(package, tmp_path / "run")
    run = client.get_run(version.run_id)
    assert run.info.status == "FINISHED"
    import mlflow.pyfunc
    import numpy as np

    mlflow.set_tracking_uri(uri)
    try:
        model = mlflow.pyfunc.load_model(f"models:/imported/{version.version}")
    finally:
        mlflow.set_tracking_uri(None)
    X = np.arange(40, dtype=float).reshape(20, 2)
    assert list(model.predict(X)) == [0] * 10 + [1] * 10  # the fitted LogisticRegression, separable data
