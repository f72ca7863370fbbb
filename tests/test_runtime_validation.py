"""Validation before training (nbrefactor-runtime `validate`) with the real pandera: the schema
comes from the migration-time profile of the churn fixture's data; a bad data file (wrong type,
out-of-range values, new nulls, a missing column) fails in-process and fails the generated
`validate_data` kfp component run by kfp.local."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")
pandera = pytest.importorskip("pandera")

ROOT = Path(__file__).resolve().parent.parent
FIELD = "churn_csv_path"


def _data(churn_package: Path) -> Path:
    return churn_package / "tests" / "data" / "data" / "churn.csv"


def _bad_file(churn_package: Path, folder: Path, **changes: bool) -> Path:
    frame = pd.read_csv(_data(churn_package))
    if changes.get("wrong_type"):
        frame["monthly_charges"] = frame["monthly_charges"].astype(object)
        frame.loc[3, "monthly_charges"] = "abc"  # one text cell turns the column into text
    if changes.get("out_of_range"):
        frame.loc[5, "tenure_months"] = -4  # never negative at migration (profile min 1)
        frame.loc[6, "tenure_months"] = 10_000  # far above the profile's max 72
    if changes.get("new_nulls"):
        frame.loc[[1, 2], "contract"] = None  # no nulls at migration
    if changes.get("missing_column"):
        frame = frame.drop(columns=["support_calls"])
    path = folder / ("bad-" + "-".join(sorted(changes)) + ".csv")
    frame.to_csv(path, index=False)
    return path


def test_the_profile_records_what_the_schema_checks(churn_runtime, churn_package):
    columns = churn_runtime.load_profile()["files"][FIELD]["columns"]
    # Read from the fixture file directly (not from the profiler): tenure spans 1..72 months.
    frame = pd.read_csv(_data(churn_package))
    assert (columns["tenure_months"]["min"], columns["tenure_months"]["max"]) == (frame["tenure_months"].min(), frame["tenure_months"].max()) == (1, 72)
    assert columns["tenure_months"]["kind"] == "numeric" and columns["contract"]["kind"] == "categorical"
    assert columns["contract"]["nulls"] == 0.0
    schema = importlib.import_module("nbrefactor_runtime.validate").schema_for(columns)
    assert isinstance(schema, pandera.pandas.DataFrameSchema) and set(schema.columns) == set(columns)


def test_the_training_data_passes_with_pandera(churn_runtime, churn_package):
    report = churn_runtime.validate({FIELD: str(_data(churn_package))})
    assert report["ok"] and report["files"][FIELD]["validator"] == f"pandera {pandera.__version__}"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("wrong_type", r"column 'monthly_charges': numeric expected, as at migration \(float64\); now (str|object)"),
        ("out_of_range", r"column 'tenure_months': values in \[0, 89\.75\] expected \(profile: \[1\.0, 72\.0\]\); failing: -4, 10000"),
        ("new_nulls", r"column 'contract' has nulls, none at migration"),
        ("missing_column", r"column 'support_calls' is missing"),
    ],
)
def test_each_violation_fails_validation_naming_column_and_check(churn_runtime, churn_package, tmp_path, change, message):
    from nbrefactor_runtime.validate import DataValidationError

    bad = _bad_file(churn_package, tmp_path, **{change: True})
    with pytest.raises(DataValidationError, match=message) as caught:
        churn_runtime.validate({FIELD: str(bad)})
    assert len(str(caught.value).splitlines()) == 2  # the heading and exactly this one problem


def test_all_violations_of_one_file_are_listed_together(churn_runtime, churn_package, tmp_path):
    from nbrefactor_runtime.validate import DataValidationError

    bad = _bad_file(churn_package, tmp_path, wrong_type=True, out_of_range=True, new_nulls=True, missing_column=True)
    with pytest.raises(DataValidationError) as caught:
        churn_runtime.validate({FIELD: str(bad)})
    problems = str(caught.value).splitlines()[1:]
    assert len(problems) == 4 and all(p.startswith(f"- {FIELD}: column ") for p in problems)


def test_a_range_is_widened_but_a_never_negative_column_stays_non_negative():
    from nbrefactor_runtime.validate import allowed_range

    assert allowed_range({"min": 1.0, "max": 72.0}, 0.25) == (0.0, 89.75)
    assert allowed_range({"min": -10.0, "max": 10.0}, 0.25) == (-15.0, 15.0)
    assert allowed_range({"min": 100.0, "max": 200.0}, 0.25) == (75.0, 225.0)
    assert allowed_range({}, 0.25) is None


_COMPONENT = """
import json, os, sys
from kfp import local
package_dir, data, root = sys.argv[1:4]
local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=root)
import importlib.util
spec = importlib.util.spec_from_file_location("churn_kfp_pipeline", os.path.join(package_dir, "pipeline", "kfp_pipeline.py"))
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
try:
    task = module.validate_data(churn_csv_path=data)
except Exception as exc:
    print("FAILED", type(exc).__name__)
    sys.exit(3)
print("PASSED", task.outputs["report"].path)
"""


def test_the_generated_validate_component_fails_the_run_on_bad_data(churn_package, tmp_path):
    """The package's own `validate_data` kfp component, each call in its own task process
    (kfp.local.SubprocessRunner): the training data passes, the bad file fails the task."""
    pytest.importorskip("kfp")
    bad = _bad_file(churn_package, tmp_path, out_of_range=True, new_nulls=True)
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    env["PYTHONPATH"] = os.pathsep.join([str(churn_package / "src"), env.get("PYTHONPATH", "")])
    outcomes = {}
    for label, data in (("good", _data(churn_package)), ("bad", bad)):
        done = subprocess.run([sys.executable, "-c", _COMPONENT, str(churn_package), str(data), str(tmp_path / f"root-{label}")],
                              env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
        outcomes[label] = done
    good, failed = outcomes["good"], outcomes["bad"]
    assert good.returncode == 0, good.stdout[-3000:] + good.stderr[-3000:]
    report = json.loads(Path(good.stdout.split("PASSED", 1)[1].strip()).read_text())
    assert report["ok"] and report["files"][FIELD]["validator"].startswith("pandera ")
    assert failed.returncode == 3, failed.stdout[-3000:] + failed.stderr[-3000:]
    log = failed.stdout + failed.stderr
    assert "DataValidationError" in log and "column 'tenure_months': values in [0, 89.75] expected" in log
    assert "column 'contract' has nulls, none at migration" in log
