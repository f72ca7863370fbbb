"""MLflow tracking of generated packages: the in-process `pipeline.run` records config, metrics,
dataset digest and a registered model without changing any computed value; tracking can be
turned off; a generated training step logs to a real `mlflow server`; the deploy gate and the
drift monitor decide as documented."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from deadlines import HANG_GUARD

pytest.importorskip("mlflow")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "notebooks"


def _import_package(package_dir: Path, name: str):
    """Import a generated package in a fresh state (it may have been imported from elsewhere)."""
    for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        del sys.modules[key]
    sys.path.insert(0, str(package_dir / "src"))
    return importlib.import_module(f"{name}.pipeline"), importlib.import_module(f"{name}.config")


def _workdir(package_dir: Path, tmp_path: Path) -> Path:
    workdir = tmp_path / "work"
    shutil.copytree(package_dir / "tests" / "data", workdir)
    return workdir


def test_tracked_run_records_everything_and_changes_no_value(churn_package, tmp_path, monkeypatch):
    import numpy as np
    from mlflow import MlflowClient

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    workdir = _workdir(churn_package, tmp_path)
    monkeypatch.chdir(workdir)
    pipeline, config = _import_package(churn_package, "churn")
    plain = pipeline.run(config.Config(artifacts_dir=str(workdir / "plain")), tracking=False)
    assert not (workdir / "plain" / "mlflow.db").exists()
    tracked = pipeline.run(config.Config(artifacts_dir=str(workdir / "tracked")))
    os.environ.pop("MLFLOW_TRACKING_URI", None)  # mlflow.set_tracking_uri exports it
    assert sorted(plain) == sorted(tracked)
    for name in plain:
        assert np.array_equal(np.asarray(plain[name]), np.asarray(tracked[name])), name
    client = MlflowClient(f"sqlite:///{workdir / 'tracked' / 'mlflow.db'}")
    run = client.search_runs([client.get_experiment_by_name("churn").experiment_id])[0]
    assert run.data.params == {"churn_csv_path": "data/churn.csv", "artifacts_dir": str(workdir / "tracked")}
    # The notebook printed round(roc_auc_score(y_test, proba), 3): the metric is that call's value.
    from sklearn.metrics import roc_auc_score

    import churn.steps  # noqa: F401 - the same module objects the run used

    assert run.data.metrics["roc_auc_score"] == pytest.approx(roc_auc_score(
        _y_test(pipeline, config, workdir), tracked["proba"]))
    digest = hashlib.sha256((workdir / "data" / "churn.csv").read_bytes()).hexdigest()
    assert run.data.tags["nbrefactor.sha256.churn_csv_path"] == digest
    assert run.data.tags["nbrefactor.model_flavour"] == "sklearn"
    version = client.get_model_version_by_alias("churn", "candidate")
    assert version.run_id == run.info.run_id
    # The metric wrapper is gone after the run: the module has sklearn's own function back.
    assert churn.steps.roc_auc_score is roc_auc_score


def _y_test(pipeline, config, workdir: Path):
    seen = {}
    pipeline.run(config.Config(artifacts_dir=str(workdir / "again")), on_step=lambda n, v: seen.update(v), tracking=False)
    return seen["y_test"]


def test_tracking_is_skipped_by_environment(churn_package, tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    workdir = _workdir(churn_package, tmp_path)
    monkeypatch.chdir(workdir)
    pipeline, config = _import_package(churn_package, "churn")
    monkeypatch.setenv("CHURN_NO_TRACKING", "1")
    result = pipeline.run(config.Config(artifacts_dir=str(workdir / "off")))
    assert "proba" in result
    assert not (workdir / "off" / "mlflow.db").exists()


def test_deploy_gate_promotes_only_when_at_least_as_good(churn_package, tmp_path, monkeypatch):
    import mlflow
    from mlflow import MlflowClient

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.chdir(tmp_path)
    _import_package(churn_package, "churn")
    from nbrefactor_runtime import serving, tracking

    runtime = importlib.import_module("churn.runtime").RUNTIME
    uri = f"sqlite:///{tmp_path / 'gate.db'}"
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(uri)
    try:
        experiment = mlflow.create_experiment("gate", artifact_location=(tmp_path / "art").as_uri())
        versions = []
        for auc in (0.70, 0.65, 0.75):
            with mlflow.start_run(experiment_id=experiment) as run:
                mlflow.log_metric("roc_auc_score", auc)
                info = mlflow.pyfunc.log_model(name="model", python_model=tracking.PredictWrapper(_Constant()), pip_requirements=[])
                mlflow.set_tag("nbrefactor.model_uri", info.model_uri)
            versions.append(runtime.register(run.info.run_id, uri))
        first = runtime.deploy_gate(versions[0], uri, str(tmp_path / "m1.yaml"))
        worse = runtime.deploy_gate(versions[1], uri, str(tmp_path / "m2.yaml"))
        better = runtime.deploy_gate(versions[2], uri, str(tmp_path / "m3.yaml"))
    finally:
        mlflow.set_tracking_uri("")
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    assert (first["promoted"], worse["promoted"], better["promoted"]) == (True, False, True)
    assert worse["metric"] == "roc_auc_score" and worse["holder_value"] == pytest.approx(0.70)
    assert client.get_model_version_by_alias("churn", "champion").version == int(versions[2])
    # After the refused candidate, the manifest still serves the holder (version 1).
    assert f"nbrefactor/model-version: '{versions[0]}'" in (tmp_path / "m2.yaml").read_text()
    assert serving.lower_is_better("rmse") and not serving.lower_is_better("roc_auc_score")


class _Constant:
    def predict(self, rows):
        return [0] * len(rows)


def test_drift_monitor_fails_above_the_threshold_and_passes_on_the_training_data(churn_package, tmp_path, monkeypatch):
    import pandas as pd

    monkeypatch.setattr(sys, "path", list(sys.path))
    _import_package(churn_package, "churn")
    from nbrefactor_runtime import monitor, validate

    runtime = importlib.import_module("churn.runtime").RUNTIME
    data = churn_package / "tests" / "data" / "data" / "churn.csv"
    assert runtime.validate({"churn_csv_path": str(data)})["ok"]
    report = runtime.monitor({"churn_csv_path": str(data)}, threshold=0.2)
    assert report["drifted"] == []
    frame = pd.read_csv(data)
    frame["monthly_charges"] = frame["monthly_charges"] * 3  # a large shift in one column
    shifted = tmp_path / "shifted.csv"
    frame.to_csv(shifted, index=False)
    with pytest.raises(monitor.DriftError, match="monthly_charges"):
        runtime.monitor({"churn_csv_path": str(shifted)}, threshold=0.2, report_path=str(tmp_path / "r.json"))
    written = json.loads((tmp_path / "r.json").read_text())
    assert written["files"]["churn_csv_path"]["psi"]["monthly_charges"] > 0.2
    assert written["files"]["churn_csv_path"]["psi"]["tenure_months"] < 1e-9
    frame.drop(columns=["tenure_months"]).to_csv(shifted, index=False)
    with pytest.raises(validate.DataValidationError, match="tenure_months"):
        runtime.validate({"churn_csv_path": str(shifted)})
    with pytest.raises(validate.DataValidationError, match="does not exist"):
        runtime.validate({"churn_csv_path": str(tmp_path / "absent.csv")})


def test_generated_training_step_logs_to_a_real_mlflow_server(churn_package, tmp_path, mlflow_server):
    uri = mlflow_server.uri
    workdir = _workdir(churn_package, tmp_path)
    env = {**os.environ, "MLFLOW_TRACKING_URI": uri, "PYTHONPATH": str(churn_package / "src")}
    # The kfp component body of the training step, as a plain call: inputs from the steps before it.
    script = """
import sys
from churn import runtime as k
k.run_step("customer_churn_model", {"artifacts_dir": "a"}, {}, {"SEED": "x/SEED"})
k.run_step("load_data", {"artifacts_dir": "a"}, {}, {"df": "x/df"})
run_id = k.run_step("features_step", {"artifacts_dir": "a"}, {"SEED": "x/SEED", "df": "x/df"},
                {n: "x/" + n for n in ("X", "X_test", "model", "y_test")}, track=True)
k.run_step("evaluation", {"artifacts_dir": "a"}, {n: "x/" + n for n in ("X", "X_test", "model", "y_test")},
       {"importances": "x/importances", "proba": "x/proba"}, track=True, run_id=run_id)
print("RUN", run_id, k.RUNTIME.register(run_id, k.RUNTIME.tracking_uri("a")))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=workdir, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-3000:]
    run_id, version = done.stdout.split("RUN ", 1)[1].split()
    from mlflow import MlflowClient

    client = MlflowClient(uri)
    run = client.get_run(run_id)
    assert run.data.params["churn_csv_path"] == "data/churn.csv"
    assert "roc_auc_score" in run.data.metrics
    assert run.inputs.dataset_inputs[0].dataset.digest == hashlib.sha256((workdir / "data" / "churn.csv").read_bytes()).hexdigest()[:36]
    assert str(client.get_model_version_by_alias("churn", "candidate").version) == version
    assert not (workdir / "a" / "mlflow.db").exists()  # the server was used, not the embedded store
