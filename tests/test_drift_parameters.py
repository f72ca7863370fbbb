"""The thresholds that decide a drift alert are pipeline parameters (issue 12): `drift_threshold`
(PSI), `drift_share` (Evidently's dataset drift), `drift_stattest` and `drift_stattest_threshold`
(Evidently's per-column test), with defaults from `[tool.nbrefactor.drift]`, compiled by the real
kfp compiler into pipeline.yaml and carried into the monitor-drift component, which runs with the
real Evidently under kfp.local. Drifted data: the churn fixture with charges tripled, tenure
halved and one contract type (4 of the 7 compared columns move: share 4/7 = 0.571)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from drifted_churn import write_drifted_churn

# This repository's nbrefactor-runtime in subprocesses, not whichever copy is installed.
RUNTIME_SRC = str(Path(__file__).resolve().parent.parent / "runtime" / "src")

pd = pytest.importorskip("pandas")
yaml = pytest.importorskip("yaml")
if importlib.util.find_spec("evidently") is None or importlib.util.find_spec("kfp") is None:
    pytest.skip("evidently or kfp is not installed", allow_module_level=True)

ROOT = Path(__file__).resolve().parent.parent
CHURN = ROOT / "fixtures" / "notebooks" / "churn"
FIELD = "churn_csv_path"
PARAMETERS = ("drift_threshold", "drift_share", "drift_stattest", "drift_stattest_threshold")
CONFIGURED = {"psi-threshold": 0.35, "drift-share": 0.65, "stattest": "psi", "stattest-threshold": 0.3}


def _migrate(out: Path, drift: dict | None = None) -> Path:
    from nbrefactor.config import Settings, settings_from_table
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    settings = settings_from_table({"drift": drift}) if drift else Settings()
    results, _ = migrate_paths([str(CHURN)], settings, MigrateOptions(out=out))
    assert [r.status for r in results] == ["migrated"]
    return out / "churn"


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _migrate(tmp_path_factory.mktemp("configured"), CONFIGURED)


def _drifted(folder: Path) -> Path:
    return write_drifted_churn(CHURN / "data" / "churn.csv", folder)


def _compiled(package: Path) -> dict:
    return yaml.safe_load((package / "pipeline" / "pipeline.yaml").read_text(encoding="utf-8"))


def test_drift_settings_are_read_and_checked():
    from nbrefactor.compile.mlops import DriftSettings, MlopsSettingsError, drift_settings

    assert drift_settings({}, "m") == DriftSettings(0.2, 0.5, "", 0.0)
    assert drift_settings({"drift-share": 0.3, "models": {"m": {"stattest": "ks"}}}, "m") == DriftSettings(0.2, 0.3, "ks", 0.0)
    assert drift_settings({"drift-share": 0.3, "models": {"m": {"stattest": "ks"}}}, "other") == DriftSettings(0.2, 0.3, "", 0.0)
    for bad, message in (({"drift_share": 0.3}, "unknown key"), ({"drift-share": 1.5}, r"\(0, 1\]"), ({"drift-share": 0}, r"\(0, 1\]"),
                         ({"psi-threshold": -1}, ">= 0"), ({"psi-threshold": "high"}, ">= 0"), ({"stattest": "kolmogorov"}, "Evidently's tests")):
        with pytest.raises(MlopsSettingsError, match=message):
            drift_settings(bad, "m")


def test_the_drift_thresholds_are_parameters_of_the_compiled_pipeline_with_the_configured_defaults(configured, tmp_path):
    expected = {"drift_threshold": 0.35, "drift_share": 0.65, "drift_stattest": "psi", "drift_stattest_threshold": 0.3}
    for package, defaults in ((configured, expected), (_migrate(tmp_path / "plain"), {"drift_threshold": 0.2, "drift_share": 0.5, "drift_stattest": "", "drift_stattest_threshold": 0.0})):
        spec = _compiled(package)
        parameters = spec["root"]["inputDefinitions"]["parameters"]
        assert {p: parameters[p]["defaultValue"] for p in PARAMETERS} == defaults
        assert {p: parameters[p]["parameterType"] for p in PARAMETERS} == {
            "drift_threshold": "NUMBER_DOUBLE", "drift_share": "NUMBER_DOUBLE", "drift_stattest": "STRING", "drift_stattest_threshold": "NUMBER_DOUBLE"}
        # The pipeline's parameters reach the monitor-drift task unchanged, and its component hands them to Evidently.
        task = spec["root"]["dag"]["tasks"]["monitor-drift"]["inputs"]["parameters"]
        assert {p: task[p] for p in PARAMETERS} == {p: {"componentInputParameter": p} for p in PARAMETERS}
        command = "".join("".join(spec["deploymentSpec"]["executors"]["exec-monitor-drift"]["container"]["command"]).split())
        assert "drift_share=drift_share,stattest=drift_stattest,stattest_threshold=drift_stattest_threshold" in command


LOCAL_MONITOR = """
import importlib.util, json, os, sys
from kfp import local
package_dir, workdir, current, reference, cases = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=os.path.join(workdir, "kfp_root"), raise_on_error=False)
spec = importlib.util.spec_from_file_location("kfp_pipeline_local", os.path.join(package_dir, "pipeline", "kfp_pipeline.py"))
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
root = os.path.join(workdir, "kfp_root")
outcomes = []
for parameters in cases:
    before = set(os.listdir(root)) if os.path.isdir(root) else set()
    module.monitor_drift(monitor_data=current, mlflow_run_id="", mlflow_tracking_uri="", artifacts_dir=os.path.join(workdir, "artifacts"),
                         churn_csv_path=reference, **parameters)
    # A failed task has no outputs to read: its report is in the task's folder under the pipeline root.
    (folder,) = set(os.listdir(root)) - before
    reports = [os.path.join(d, "report") for d, _, files in os.walk(os.path.join(root, folder)) if "report" in files]
    outcomes.append(json.load(open(reports[0])) if len(reports) == 1 else None)
print("OUTCOMES " + json.dumps(outcomes))
"""


def test_the_drift_parameters_change_the_alert_of_the_monitor_component_under_kfp_local(configured, tmp_path):
    """The same drifted data through the compiled monitor-drift component (kfp.local, real
    Evidently): the default share 0.5 alerts (4 of 7 columns drifted), a share of 0.6 with a PSI
    threshold above every column's PSI does not; Evidently's per-column PSI test at a threshold of
    0.1 flags the moved columns, at 1000 none."""
    defaults = {"drift_threshold": 0.2, "drift_share": 0.5, "drift_stattest": "", "drift_stattest_threshold": 0.0}
    cases = [
        defaults,
        {**defaults, "drift_threshold": 1000.0, "drift_share": 0.6},
        {**defaults, "drift_threshold": 1000.0, "drift_stattest": "psi", "drift_stattest_threshold": 0.1},
        {**defaults, "drift_threshold": 1000.0, "drift_stattest": "psi", "drift_stattest_threshold": 1000.0},
    ]
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    env["PYTHONPATH"] = os.pathsep.join([str(configured / "src"), RUNTIME_SRC, env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", LOCAL_MONITOR, str(configured), str(tmp_path), str(_drifted(tmp_path)), str(CHURN / "data" / "churn.csv"), json.dumps(cases)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    log = done.stdout + done.stderr
    outcomes = json.loads(next(line for line in done.stdout.splitlines() if line.startswith("OUTCOMES "))[len("OUTCOMES "):])
    statuses = [line for line in log.splitlines() if "monitor-drift" in line and "finished with status" in line]
    assert len(statuses) == 4, log[-3000:]
    assert ["SUCCESS" in line for line in statuses] == [False, True, False, True], statuses
    default, wider, strict, lenient = outcomes
    # The component wrote its report before raising: the alert and the numbers behind it.
    assert default["drift_share"] == 0.5 and default["drifted"]
    evidently = default["files"][FIELD]["evidently"]
    assert evidently["drifted_columns"] == 4 and evidently["drift_share"] == pytest.approx(4 / 7) and evidently["dataset_drift"] is True
    assert wider["drift_share"] == 0.6 and wider["threshold"] == 1000.0 and wider["drifted"] == []
    assert wider["files"][FIELD]["evidently"]["dataset_drift"] is False  # 4/7 < 0.6: no alert
    for report, threshold, flagged in ((strict, 0.1, True), (lenient, 1000.0, False)):
        columns = report["files"][FIELD]["evidently"]["columns"]
        assert {c["threshold"] for c in columns.values()} == {threshold}
        assert all("psi" in c["method"].lower() for c in columns.values()), columns
        assert ({n for n, c in columns.items() if c["drifted"]} == {"monthly_charges", "total_charges", "tenure_months", "contract"}) is flagged
    assert lenient["drifted"] == [] and strict["drifted"]


def test_a_stattest_evidently_refuses_is_a_settings_error_not_a_silent_fallback():
    from nbrefactor_runtime.monitor import DriftSettingsError, evidently_drift

    frame = pd.DataFrame({"amount": [1.0, 2.0, 3.0, 4.0, 5.0] * 20, "kind": ["x", "y"] * 50})
    columns = {"amount": {"kind": "numeric"}, "kind": {"kind": "categorical"}}
    with pytest.raises(DriftSettingsError, match="isn't applicable to feature of type cat"):
        evidently_drift(frame, frame, columns, stattest="ks")  # K-S on a categorical column
    with pytest.raises(DriftSettingsError, match="No stattest found"):
        evidently_drift(frame, frame, columns, stattest="kolmogorov")
    result = evidently_drift(frame, frame, columns, stattest="jensenshannon", stattest_threshold=0.05)
    assert {c["method"] for c in result["columns"].values()} == {"jensenshannon"}
    assert {c["threshold"] for c in result["columns"].values()} == {0.05}


def test_a_wrong_drift_setting_is_one_line_naming_the_file_not_an_internal_error(tmp_path):
    from nbrefactor.config import settings_from_table
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    settings = settings_from_table({"drift": {"stattest": "kolmogorov"}}, source="proj/pyproject.toml")
    results, _ = migrate_paths([str(CHURN)], settings, MigrateOptions(out=tmp_path / "out"))
    assert [r.status for r in results] == ["failed"]
    (problem,) = results[0].problems
    assert problem.startswith("proj/pyproject.toml: [tool.nbrefactor.drift] stattest:") and "'kolmogorov'" in problem
    assert "internal error" not in problem
    assert not (tmp_path / "out" / "churn").exists()
