"""Drift monitoring (nbrefactor-runtime `monitor`) with the real Evidently: its DataDriftPreset on
the churn fixture's data against itself (no drift) and against a drifted copy (drift), its HTML
report written, the share and number of drifted columns in the report's `metrics` and as MLflow
metrics of a run in a real sqlite store; without Evidently the PSI decides alone."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
from pathlib import Path

import pytest
from drifted_churn import write_drifted_churn

pd = pytest.importorskip("pandas")
if importlib.util.find_spec("evidently") is None:  # not importorskip: importing it needs the runtime's pandas-3 shim
    pytest.skip("evidently is not installed", allow_module_level=True)

FIELD = "churn_csv_path"
# Compared by Evidently: the profiled columns minus the identifier-like customer_id.
COMPARED = {"tenure_months", "monthly_charges", "total_charges", "support_calls", "churned", "contract", "payment_method"}


def _data(churn_package: Path) -> Path:
    return churn_package / "tests" / "data" / "data" / "churn.csv"


def _drifted(churn_package: Path, folder: Path) -> Path:
    return write_drifted_churn(_data(churn_package), folder)


def test_undrifted_data_gives_zero_drift_in_evidently_and_psi(churn_runtime, churn_package, tmp_path):
    data = str(_data(churn_package))
    html = tmp_path / "drift.html"
    report = churn_runtime.monitor({FIELD: data}, references={FIELD: data}, report_path=str(tmp_path / "r.json"), html_path=str(html))
    entry = report["files"][FIELD]
    assert report["drifted"] == [] and "evidently_error" not in entry
    result = entry["evidently"]
    assert result["version"] == importlib.metadata.version("evidently")
    assert set(result["columns"]) == COMPARED  # customer_id left out
    assert result["drift_share"] == 0.0 and result["drifted_columns"] == 0 and result["dataset_drift"] is False
    assert not any(c["drifted"] for c in result["columns"].values())
    metrics = json.loads((tmp_path / "r.json").read_text())["metrics"]
    assert metrics[f"{FIELD}.evidently_drift_share"] == 0.0 and metrics[f"{FIELD}.evidently_drifted_columns"] == 0.0
    assert metrics[f"{FIELD}.psi_max"] < 1e-9
    page = html.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") or "<html" in page[:2000].lower()
    assert "monthly_charges" in page and len(page) > 10_000  # Evidently's own rendered report


def test_drifted_data_fails_and_the_numbers_reach_the_report_and_mlflow(churn_runtime, churn_package, tmp_path):
    from mlflow import MlflowClient
    from nbrefactor_runtime.monitor import DriftError

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = MlflowClient(uri)
    # artifacts beside the store, not in the working directory (MLflow's default `./mlruns`)
    run_id = client.create_run(client.create_experiment("drift", artifact_location=(tmp_path / "mlartifacts").as_uri())).info.run_id
    client.set_terminated(run_id)  # as the training run is when monitor-drift runs
    with pytest.raises(DriftError, match="monthly_charges"):
        churn_runtime.monitor(
            {FIELD: str(_drifted(churn_package, tmp_path))}, references={FIELD: str(_data(churn_package))},
            report_path=str(tmp_path / "r.json"), html_path=str(tmp_path / "drift.html"), run_id=run_id, tracking_uri=uri,
        )
    written = json.loads((tmp_path / "r.json").read_text())
    result = written["files"][FIELD]["evidently"]
    flagged = {c for c, v in result["columns"].items() if v["drifted"]}
    # The four moved columns, by Evidently's own tests; the three untouched ones stay put.
    assert flagged == {"monthly_charges", "total_charges", "tenure_months", "contract"}
    assert result["drifted_columns"] == 4 and result["drift_share"] == pytest.approx(4 / 7)
    assert result["dataset_drift"] is True  # 4/7 >= Evidently's default share 0.5
    assert written["metrics"][f"{FIELD}.evidently_drifted_columns"] == 4.0
    assert written["metrics"][f"{FIELD}.psi_drifted_columns"] >= 2.0
    logged = client.get_run(run_id).data.metrics
    assert logged[f"drift.{FIELD}.evidently_drift_share"] == pytest.approx(4 / 7)
    assert logged[f"drift.{FIELD}.evidently_drifted_columns"] == 4.0
    assert logged[f"drift.{FIELD}.psi_max"] == written["metrics"][f"{FIELD}.psi_max"]
    assert [a.path for a in client.list_artifacts(run_id, "monitoring")] == [f"monitoring/evidently-{FIELD}.html"]


def test_without_evidently_the_psi_decides_alone_and_the_page_says_why(churn_runtime, churn_package, tmp_path, monkeypatch):
    from nbrefactor_runtime import monitor

    monkeypatch.setattr(monitor, "evidently_version", lambda: None)
    data = str(_data(churn_package))
    report = churn_runtime.monitor({FIELD: data}, references={FIELD: data}, html_path=str(tmp_path / "d.html"))
    entry = report["files"][FIELD]
    assert "evidently" not in entry and entry["evidently_skipped"] == "evidently is not installed: PSI only"
    assert set(report["metrics"]) == {f"{FIELD}.psi_max", f"{FIELD}.psi_drifted_columns"}
    assert "No Evidently report: evidently is not installed" in (tmp_path / "d.html").read_text()
    with pytest.raises(monitor.DriftError, match="monthly_charges"):
        churn_runtime.monitor({FIELD: str(_drifted(churn_package, tmp_path))}, references={FIELD: data})
