"""The right model tracked and served with the right numbers (issue 12), with the real libraries:
the registered model is the one the notebook ends with, with its fitted preprocessing; each
evaluated model's metrics under its own name; search results, displayed and printed numbers and
figures logged; LightGBM with its own flavour and an input example; the deploy gate compares the
registered model's metric; the KServe manifest's storageUri is one KServe can fetch (real
`mlflow server` on 127.0.0.1), or the manifest says why not.

Expected numbers come from the fixture's recorded outputs (the notebook run by nbclient), not
from the code under test."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from deadlines import HANG_GUARD

pytest.importorskip("mlflow")

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "notebooks" / "several_models"
RECORDED = json.loads((ROOT / "fixtures" / "recorded_outputs.json").read_text(encoding="utf-8"))["notebooks"]["several_models/several_models.ipynb"]["outputs"]


def _printed(cell: str) -> list[str]:
    return [line for out in RECORDED[cell] if out["output_type"] == "stream" for line in "".join(out["text"]).splitlines()]


def _plan(path: Path):
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.engine import audit_notebook
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.project import discover_project
    from nbrefactor.compile.plan import plan_model
    from nbrefactor.config import Settings

    nb = read_notebook(path, path.name)
    analysis = audit_notebook(nb, Settings(), discover_project(path), load_catalog())
    return plan_model(path.stem, [(analysis.facts, analysis.result.diagnostics)])


# --- which model (compile time) -----------------------------------------------------------------


def test_the_registered_model_is_the_one_the_notebook_ends_with_with_its_scaler():
    from nbrefactor.compile.mlops import training_target

    training = training_target(_plan(FIXTURE / "several_models.ipynb"))
    # Five models are fitted (tree, forest, sgd, search, final_model); the first fit is not the answer.
    assert training.step == "candidates_step"  # the MLflow run starts at the first training step
    assert (training.model, training.model_step) == ("final_model", "final_model_step")
    assert training.preprocessing == ("scaler",)  # final_model.predict(scaler.transform(X_test))
    assert training.example == "X_test"  # raw rows: the scaler is part of the logged model


def test_a_setting_or_a_model_tag_names_the_registered_model(tmp_path):
    from nbrefactor.compile.mlops import MlopsSettingsError, registered_model_setting, training_target
    from nbfactory import write_notebook

    plan = _plan(FIXTURE / "several_models.ipynb")
    assert training_target(plan, "search").model == "search"
    assert registered_model_setting({"model": "a", "models": {"several_models": "search"}}, "several_models") == "search"
    assert registered_model_setting({"model": "a"}, "other") == "a"
    with pytest.raises(MlopsSettingsError, match="unknown key"):
        registered_model_setting({"modle": "x"}, "m")
    with pytest.raises(MlopsSettingsError, match="no value of a step"):
        training_target(plan, "nothing_like_it")
    tagged = write_notebook(tmp_path / "tagged.ipynb", [
        "from sklearn.linear_model import LogisticRegression\nfrom sklearn.tree import DecisionTreeClassifier\nX = [[0.0], [1.0], [2.0], [3.0]]\ny = [0, 0, 1, 1]",
        ("code", "first = LogisticRegression().fit(X, y)\nfirst.predict(X)", {"tags": ["model"]}),
        "second = DecisionTreeClassifier(random_state=0)\nsecond.fit(X, y)\nsecond.predict(X)",
    ])
    assert training_target(_plan(tagged)).model == "first"  # the tag wins over the last evaluation
    untagged = write_notebook(tmp_path / "untagged.ipynb", [
        "from sklearn.linear_model import LogisticRegression\nfrom sklearn.tree import DecisionTreeClassifier\nX = [[0.0], [1.0], [2.0], [3.0]]\ny = [0, 0, 1, 1]",
        "first = LogisticRegression().fit(X, y)\nfirst.predict(X)",
        "second = DecisionTreeClassifier(random_state=0)\nsecond.fit(X, y)\nsecond.predict(X)",
    ])
    assert training_target(_plan(untagged)).model == "second"


# Two models; the notebook ends by evaluating `second`, so the rule registers `second` unless told.
CHOOSER = [
    ("md", "# Data"),
    "from sklearn.linear_model import LogisticRegression\nfrom sklearn.tree import DecisionTreeClassifier\n"
    "X = [[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]]\ny = [0, 0, 1, 0, 1, 1]",
    ("md", "# First model"),
    "first = LogisticRegression()\nfirst.fit(X, y)\nfirst.predict(X)",
    ("md", "# Second model"),
    "second = DecisionTreeClassifier(random_state=0)\nsecond.fit(X, y)\nsecond.predict(X)",
]


def test_the_mlflow_model_setting_decides_the_registered_model_end_to_end(tmp_path):
    """`[tool.nbrefactor.mlflow] model = "first"` in the project's pyproject.toml, `nbrefactor
    migrate`, the package's command run with tracking into a sqlite store: the registered version
    is `first`, not the model the rule would choose."""
    import mlflow
    from mlflow import MlflowClient
    from nbfactory import project, write_notebook
    from nbrefactor.cli.app import main
    from nbrefactor.compile.mlops import training_target
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    (tmp_path / "proj").mkdir()
    root = project(tmp_path / "proj")
    notebook = write_notebook(root / "chooser.ipynb", CHOOSER, executed=True)
    assert training_target(_plan(notebook)).model == "second"  # the default choice, which the setting overrides
    (root / "pyproject.toml").write_text('[tool.nbrefactor]\n\n[tool.nbrefactor.mlflow]\nmodel = "first"\n', encoding="utf-8")
    assert main(["migrate", str(root), "--out", str(tmp_path / "out"), "--no-prove", "--progress", "lines"]) == 0
    package = tmp_path / "out" / "chooser"
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    env["PYTHONPATH"] = os.pathsep.join([str(package / "src"), str(ROOT / "runtime" / "src")])
    done = subprocess.run([sys.executable, "-m", "chooser", "--artifacts-dir", str(tmp_path / "art")],
                          cwd=root, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-3000:]
    uri = f"sqlite:///{tmp_path / 'art' / 'mlflow.db'}"
    client = MlflowClient(uri)
    version = client.get_model_version_by_alias("chooser", "candidate")
    assert client.get_run(version.run_id).data.tags["nbrefactor.model_output"] == "first"
    X, y = [[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]], [0, 0, 1, 0, 1, 1]
    expected = LogisticRegression().fit(X, y).predict(X)
    assert list(expected) != list(DecisionTreeClassifier(random_state=0).fit(X, y).predict(X))  # the two are told apart
    mlflow.set_tracking_uri(uri)
    try:
        registered = mlflow.sklearn.load_model("models:/chooser@candidate")
    finally:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    assert type(registered) is LogisticRegression
    assert list(registered.predict(X)) == list(expected)


def test_a_named_model_fitted_before_the_rules_first_training_step_starts_the_run(tmp_path):
    """`first = LogisticRegression().fit(X, y)` (a chained fit) comes before `second.fit(X, y)`,
    where the rules start the run: naming `first` starts the run at its step instead of failing
    with "no value of a step from `second_model` on"."""
    from nbrefactor.compile.mlops import training_target
    from nbfactory import write_notebook

    cells = list(CHOOSER)
    cells[3] = "first = LogisticRegression().fit(X, y)\nfirst.predict(X)"
    plan = _plan(write_notebook(tmp_path / "chained.ipynb", cells))
    assert training_target(plan).step == "second_model"  # the rules' start: the first named receiver's fit
    chosen = training_target(plan, "first")
    assert (chosen.step, chosen.model, chosen.model_step) == ("first_model", "first", "first_model")


# --- a tracked run of the migrated fixture --------------------------------------------------------


@pytest.fixture(scope="module")
def several_models_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    out = tmp_path_factory.mktemp("several")
    results, _ = migrate_paths([str(FIXTURE)], Settings(), MigrateOptions(out=out))
    assert [r.status for r in results] == ["migrated"]
    return out / "several_models"


@pytest.fixture(scope="module")
def tracked(several_models_package: Path, tmp_path_factory: pytest.TempPathFactory):
    """One tracked `pipeline.run` (sqlite store): its final values and the MLflow client."""
    from mlflow import MlflowClient

    work = tmp_path_factory.mktemp("run")
    saved_path, saved_cwd, saved_uri = list(sys.path), os.getcwd(), os.environ.pop("MLFLOW_TRACKING_URI", None)
    for key in [k for k in sys.modules if k == "several_models" or k.startswith("several_models.")]:
        del sys.modules[key]
    sys.path.insert(0, str(several_models_package / "src"))
    os.chdir(work)
    try:
        import matplotlib

        matplotlib.use("Agg")
        pipeline = importlib.import_module("several_models.pipeline")
        config = importlib.import_module("several_models.config")
        seen: dict = {}
        pipeline.run(config.Config(artifacts_dir=str(work / "artifacts")), on_step=lambda n, v: seen.update(v))
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        os.environ.pop("MLFLOW_TRACKING_URI", None)
        if saved_uri is not None:
            os.environ["MLFLOW_TRACKING_URI"] = saved_uri
    uri = f"sqlite:///{work / 'artifacts' / 'mlflow.db'}"
    client = MlflowClient(uri)
    run = client.search_runs([client.get_experiment_by_name("several_models").experiment_id])[0]
    return seen, client, run, uri, work


def test_each_model_has_its_own_metrics_and_the_plain_name_is_the_registered_models(tracked):
    _, client, run, _, _ = tracked
    printed = dict(line.split() for line in _printed("cell-06"))  # "tree 0.74", "forest 0.86"
    metrics = run.data.metrics
    assert metrics["tree.accuracy_score"] == pytest.approx(float(printed["tree"]))
    assert metrics["forest.accuracy_score"] == pytest.approx(float(printed["forest"]))
    final = float(_printed("cell-10")[0].split()[1])  # "accuracy 0.76"
    assert metrics["final_model.accuracy_score"] == pytest.approx(final)
    # The plain series holds only the registered model's values: one, not three mixed.
    history = client.get_metric_history(run.info.run_id, "accuracy_score")
    assert [m.value for m in history] == [pytest.approx(final)]


def test_search_displayed_and_printed_numbers_and_figures_are_logged(tracked):
    seen, client, run, _, _ = tracked
    metrics = run.data.metrics
    assert metrics["search.best_score_"] == pytest.approx(seen["search"].best_score_)
    assert run.data.params["search.best_params_.C"] == str(seen["search"].best_params_["C"])
    shown = float("".join(RECORDED["cell-11"][0]["data"]["text/plain"]))  # final_model.score(...) displayed
    assert metrics["final_model.score"] == pytest.approx(shown)
    losses = [float(line.rsplit(" ", 1)[1]) for line in _printed("cell-07")]  # "epoch 0 loss: 0.3565"
    assert [m.value for m in client.get_metric_history(run.info.run_id, "printed.loss")] == [pytest.approx(v) for v in losses]
    assert [f.path for f in client.list_artifacts(run.info.run_id, "figures")] == ["figures/final_model_step_cell12_1.png"]
    local = Path(client.download_artifacts(run.info.run_id, "figures/final_model_step_cell12_1.png"))
    assert local.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_registered_model_is_the_final_one_with_its_scaler_and_an_input_example(tracked):
    import mlflow
    import numpy as np

    seen, client, run, uri, _ = tracked
    assert run.data.tags["nbrefactor.model_output"] == "final_model"
    assert run.data.tags["nbrefactor.preprocessing"] == "scaler"
    version = client.get_model_version_by_alias("several_models", "candidate")
    assert version.run_id == run.info.run_id
    mlflow.set_tracking_uri(uri)
    try:
        loaded = mlflow.sklearn.load_model("models:/several_models@candidate")
        model_info = mlflow.models.get_model_info("models:/several_models@candidate")
    finally:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    # Raw rows in, the notebook's own predictions out: the scaler is inside the logged model.
    assert [name for name, _ in loaded.steps] == ["scaler", "model"]
    assert np.array_equal(loaded.predict(seen["X_test"]), seen["predictions"])
    assert np.array_equal(loaded.named_steps["model"].coef_, seen["final_model"].coef_)
    assert model_info.saved_input_example_info is not None
    assert model_info.signature is not None and len(model_info.signature.inputs.inputs) == 1  # a tensor of 6 features
    assert run.data.tags["nbrefactor.input_example_rows"] == "5"


def test_the_deploy_gate_compares_the_registered_models_metric(tracked):
    from nbrefactor_runtime import serving

    _, client, run, uri, work = tracked
    version = client.get_model_version_by_alias("several_models", "candidate").version
    decision = serving.deploy_gate("several_models", "several-models", version, uri, str(work / "manifest.yaml"))
    assert decision["metric"] == "final_model.accuracy_score"
    assert decision["promoted"] is True
    # A local file store is nothing KServe fetches: no storageUri, and the reason in the manifest.
    model = decision["manifest"]["spec"]["predictor"]["model"]
    assert "storageUri" not in model and decision["storage_uri"] is None
    assert "cannot fetch" in decision["manifest"]["metadata"]["annotations"]["nbrefactor/storage-uri-problem"]
    mapped = serving.deploy_gate("several_models", "several-models", version, uri, None,
                                 storage_map=f"file://{work}/artifacts/mlartifacts/=pvc://mlflow-artifacts/")
    storage = mapped["manifest"]["spec"]["predictor"]["model"]["storageUri"]
    assert storage.startswith("pvc://mlflow-artifacts/")
    assert (work / "artifacts" / "mlartifacts" / storage[len("pvc://mlflow-artifacts/"):] / "MLmodel").is_file()


def test_choose_metric_prefers_the_registered_models_own():
    from nbrefactor_runtime.serving import choose_metric

    metrics = {"accuracy_score": 0.9, "tree.accuracy_score": 0.7, "forest.roc_auc_score": 0.8, "final.accuracy_score": 0.9}
    assert choose_metric(metrics, "", "final") == "final.accuracy_score"
    assert choose_metric(metrics, "", "forest") == "forest.roc_auc_score"
    assert choose_metric(metrics, "accuracy_score", "tree") == "accuracy_score"
    assert choose_metric(metrics, "", "") == "accuracy_score"


def test_storage_uri_resolution():
    from nbrefactor_runtime.serving import storage_uri

    assert storage_uri("s3://bucket/1/models/m-1/artifacts")[0] == "s3://bucket/1/models/m-1/artifacts"
    assert storage_uri("mlflow-artifacts:/1/models/m-1/artifacts", "mlflow-artifacts:/=gs://b/mlruns/")[0] == "gs://b/mlruns/1/models/m-1/artifacts"
    uri, why = storage_uri("mlflow-artifacts:/1/models/m-1/artifacts")
    assert uri is None and "storage_uri_map" in why
    uri, why = storage_uri("mlflow-artifacts:/1/x", "mlflow-artifacts:/=file:///srv/")
    assert uri is None and "cannot fetch" in why


# --- flavours -----------------------------------------------------------------------------------


def test_lightgbm_logs_with_its_flavour_and_an_input_example(tmp_path):
    lightgbm = pytest.importorskip("lightgbm")
    import mlflow
    import numpy as np
    from nbrefactor_runtime import tracking

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    # The native API: lightgbm 4.1's scikit-learn wrapper calls check_X_y(force_all_finite=…),
    # which scikit-learn 1.9 no longer has.
    model = lightgbm.train({"objective": "binary", "verbose": -1, "seed": 0}, lightgbm.Dataset(X, y), num_boost_round=10)
    assert tracking.flavour_of(model) == "lightgbm"
    assert tracking.flavour_of(lightgbm.LGBMClassifier()) == "lightgbm"  # a scikit-learn estimator too, logged natively
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        experiment = mlflow.create_experiment("lgbm", artifact_location=(tmp_path / "art").as_uri())
        with mlflow.start_run(experiment_id=experiment):
            uri = tracking.log_model(model, [], tracking.example_rows(X))
        info = mlflow.models.get_model_info(uri)
        assert "lightgbm" in info.flavors and info.saved_input_example_info is not None
        assert np.array_equal(mlflow.lightgbm.load_model(uri).predict(X), model.predict(X))
    finally:
        os.environ.pop("MLFLOW_TRACKING_URI", None)


def test_example_rows_of_tables_and_arrays():
    import numpy as np
    import pandas as pd
    from nbrefactor_runtime.tracking import example_rows

    frame = pd.DataFrame({"a": range(10)})
    assert example_rows(frame).equals(frame.head(5))
    assert example_rows(frame["a"]).equals(frame.head(5))
    assert np.array_equal(example_rows(np.arange(20).reshape(10, 2)), np.arange(10).reshape(5, 2))
    assert example_rows([1, 2, 3]) is None


# --- storageUri against a real tracking server ------------------------------------------------


def test_storage_uri_from_a_real_mlflow_server(mlflow_server):
    """`--artifacts-destination` a local folder (mlflow-artifacts:/ URIs, mapped to the claim that
    holds the folder), and an experiment whose artifact root is `s3://…` (the version's S3
    location, resolved without any S3: only the registry entry is written)."""
    import numpy as np
    from mlflow import MlflowClient
    from nbrefactor_runtime import serving, tracking
    from sklearn.linear_model import LogisticRegression

    import mlflow

    uri, artifacts = mlflow_server.uri, mlflow_server.artifacts
    try:
        mlflow.set_tracking_uri(uri)
        X = np.arange(20, dtype=float).reshape(10, 2)
        y = np.array([0, 1] * 5)
        with mlflow.start_run() as run:
            model_uri = tracking.log_model(LogisticRegression().fit(X, y), [], X[:5])
        client = MlflowClient(uri)
        version = mlflow.register_model(model_uri, "served").version
        assert client.get_model_version_download_uri("served", version).startswith("mlflow-artifacts:/")
        plain = serving.deploy_gate("served", "served", version, uri)
        assert "storageUri" not in plain["manifest"]["spec"]["predictor"]["model"]
        mapped = serving.deploy_gate("served", "served", version, uri, storage_map="mlflow-artifacts:/=pvc://mlflow-artifacts/")
        storage = mapped["manifest"]["spec"]["predictor"]["model"]["storageUri"]
        assert storage.startswith("pvc://mlflow-artifacts/")
        assert (artifacts / storage[len("pvc://mlflow-artifacts/"):] / "MLmodel").is_file()  # what the claim holds
        # An experiment stored in a bucket: the registered version's own s3:// location.
        experiment = client.create_experiment("in-s3", artifact_location="s3://models-bucket/mlflow")
        s3_run = client.create_run(experiment)
        client.set_terminated(s3_run.info.run_id)
        client.create_registered_model("bucketed")
        source = f"{s3_run.info.artifact_uri}/model"
        s3_version = client.create_model_version("bucketed", source, run_id=s3_run.info.run_id).version
        decision = serving.deploy_gate("bucketed", "bucketed", s3_version, uri)
        assert decision["manifest"]["spec"]["predictor"]["model"]["storageUri"] == source
        assert source.startswith("s3://models-bucket/mlflow/")
        assert run.info.run_id
    finally:
        os.environ.pop("MLFLOW_TRACKING_URI", None)


# --- secrets never become artifacts ---------------------------------------------------------------

SECRETS = ROOT / "fixtures" / "notebooks" / "secrets" / "credentials_across_steps.ipynb"
SECRET_NAMES = ("api_token", "password", "auth_code", "creds", "headers")


def test_credentials_are_read_again_in_the_step_that_uses_them_never_passed(tmp_path, monkeypatch):
    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    plan = _plan(SECRETS)
    for step in plan.steps:
        assert not set(step.inputs) & set(SECRET_NAMES), step
        assert not set(step.outputs) & set(SECRET_NAMES), step
    results, _ = migrate_paths([str(SECRETS)], Settings(), MigrateOptions(out=tmp_path / "out"))
    assert [r.status for r in results] == ["migrated-with-review"]  # getpass/input became environment reads
    package = tmp_path / "out" / "credentials_across_steps"
    pipeline_source = (package / "pipeline" / "kfp_pipeline.py").read_text()
    for name in SECRET_NAMES:
        assert f"in_{name}" not in pipeline_source and f"out_{name}" not in pipeline_source
    # Every step run as its kfp component runs it: nothing it saves holds a credential.
    token, password, code = "tok-7f3a9c21e5", "pw-b81d55", "code-44e0aa9"
    monkeypatch.setenv("MODEL_API_TOKEN", token)
    monkeypatch.setenv("PASSWORD", password)
    monkeypatch.setenv("AUTH_CODE", code)
    script = (
        "import json, sys\n"
        "from credentials_across_steps import runtime as k\n"
        "spec = k.RUNTIME.spec\n"
        "for name, step in spec.steps.items():\n"
        "    k.run_step(name, {'artifacts_dir': 'a'}, {n: 'x/' + n for n in step.inputs}, {n: 'x/' + n for n in step.outputs})\n"
        "print(json.dumps({n: list(s.outputs) for n, s in spec.steps.items()}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(package / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-3000:]
    outputs = json.loads(done.stdout.strip().splitlines()[-1])
    assert outputs["requests"] == ["summary"]
    saved = sorted((tmp_path / "x").iterdir())
    assert [p.name for p in saved] == ["summary"]
    from nbrefactor_runtime import artifacts

    # The notebook's own value: sorted(headers) + sorted(login).
    assert artifacts.load(str(tmp_path / "x" / "summary")) == ["Authorization", "has_password", "scope", "user"]
    for path in saved:
        data = path.read_bytes()
        assert not any(secret.encode() in data for secret in (token, password, code))


def test_a_credential_computed_from_data_is_computed_again_where_it_is_used(tmp_path):
    """The data it is computed from crosses as an input; the credential never does (more in
    tests/test_credential_flow.py)."""
    from nbfactory import write_notebook

    notebook = write_notebook(tmp_path / "flow.ipynb", [
        "import os",
        "def connect():\n    return {'user': 'svc'}\nclient = connect()",
        ("md", "## Auth"),
        "creds = client['user'] + os.environ.get('SUFFIX', '')",
        ("md", "## Use"),
        "who = len(creds)",
    ])
    plan = _plan(notebook)
    use = next(s for s in plan.steps if s.name == "use")
    assert use.redefined == ("creds",) and use.inputs == ("client",)
    assert not any("creds" in (*s.inputs, *s.outputs) for s in plan.steps)
    assert not any("stored artifact" in item.what for item in plan.review)


def test_displayed_numbers_are_named_by_the_call_that_showed_them(tmp_path):
    from nbrefactor.compile.mlops import shown_metrics
    from nbfactory import write_notebook

    def shown(count: int, text: str) -> dict:
        return {"output_type": "execute_result", "execution_count": count, "metadata": {}, "data": {"text/plain": text}}

    notebook = write_notebook(tmp_path / "shown.ipynb", [
        ("code", "import numpy as np\nfrom sklearn.linear_model import LogisticRegression\nfrom sklearn.metrics import accuracy_score\n"
                 "from sklearn.model_selection import cross_val_score\nX = [[0.0], [1.0], [2.0], [3.0]] * 3\ny = [0, 0, 1, 1] * 3", {"count": 1}),
        ("code", "clf = LogisticRegression().fit(X, y)\nclf.score(X, y)", {"count": 2, "outputs": [shown(2, "1.0")]}),
        ("code", "np.average(cross_val_score(clf, X, y, cv=3))", {"count": 3, "outputs": [shown(3, "1.0")]}),
        ("code", "accuracy_score(y, clf.predict(X))", {"count": 4, "outputs": [shown(4, "1.0")]}),
    ])
    plan = _plan(notebook)
    logged = {cell: name for stage in plan.stages for cell, name in (stage.logged or {}).items()}
    assert sorted(logged) == [2, 3, 4]
    # The sklearn metric call is recorded (and attributed to clf) by the runtime's wrapper instead.
    assert shown_metrics(plan) == {logged[2]: "clf.score", logged[3]: "np.average/cross_val_score"}


def test_printed_numbers_read_as_metrics():
    from nbrefactor_runtime.tracking import printed_metrics

    assert printed_metrics("epoch 3 loss: 0.3036") == [("loss", 0.3036, 4)]
    assert printed_metrics("val_accuracy=0.91, RMSE 12.5") == [("val_accuracy", 0.91, 2), ("rmse", 12.5, 1)]
    # A classification_report: its accuracy row is one; a header word followed by the next row's label is not.
    report = "              precision    recall  f1-score   support\n\n           0       0.78      0.88      0.83        71\n\n    accuracy                           0.73       100\n"
    assert printed_metrics(report) == [("accuracy", 0.73, 2)]
    assert printed_metrics("tree 0.74") == []
