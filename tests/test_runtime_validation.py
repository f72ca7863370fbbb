"""Validation before training (nbrefactor-runtime `validate`) with the real pandera: the schema
comes from the migration-time profile of the churn fixture's data; a bad data file (wrong type,
out-of-range values, new nulls, a missing column) fails in-process and fails the generated
`validate_data` kfp component run by kfp.local."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from deadlines import HANG_GUARD

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
    if changes.get("fractional_int"):
        frame["tenure_months"] = frame["tenure_months"].astype(float)
        frame.loc[4, "tenure_months"] = 12.5  # still numeric and in range: only the int family catches it
    if changes.get("int_with_nulls"):
        frame["tenure_months"] = frame["tenure_months"].astype(float)
        frame.loc[4, "tenure_months"] = None  # read back as float64 with whole values
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
        ("wrong_type", r"column 'monthly_charges': float values expected, as at migration \(float64\); now (str|object)"),
        ("fractional_int", r"column 'tenure_months': int values expected, as at migration \(int64\); now float64 with fractions"),
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


def test_the_profile_records_each_columns_dtype_family(churn_runtime):
    columns = churn_runtime.load_profile()["files"][FIELD]["columns"]
    # The fixture's columns, as written for it (fixtures/notebooks/churn): ids and labels are text,
    # counts whole numbers, charges decimals.
    assert {c: s["family"] for c, s in columns.items()} == {
        "customer_id": "string", "tenure_months": "int", "monthly_charges": "float", "total_charges": "float",
        "contract": "string", "payment_method": "string", "support_calls": "int", "churned": "int",
    }


def test_an_int_column_read_as_float_because_of_nulls_fails_only_on_the_nulls(churn_runtime, churn_package, tmp_path):
    from nbrefactor_runtime.validate import DataValidationError

    bad = _bad_file(churn_package, tmp_path, int_with_nulls=True)
    with pytest.raises(DataValidationError) as caught:
        churn_runtime.validate({FIELD: str(bad)})
    assert str(caught.value).splitlines()[1:] == [f"- {FIELD}: column 'tenure_months' has nulls, none at migration"]


TYPED = {  # one column per family: name → (profiled dtype, good values, a bad file's values)
    "n": ("int64", ["1", "2", "3"], ["1", "2.5", "3"]),
    "x": ("float64", ["0.5", "1", "2.25"], ["0.5", "abc", "2.25"]),
    "flag": ("bool", ["True", "False", "True"], ["True", "maybe", "False"]),
    "day": ("datetime64[ns]", ["2024-01-05", "2024-02-29", "2024-03-01 12:30:00"], ["2024-01-05", "yesterday", "2024-03-01"]),
    "code": ("object", ["a1", "b2", "c3"], ["1", "2", "3"]),
    "grade": ("category", ["low", "high", "low"], ["1.5", "2.5", "3.5"]),
}


def _typed_file(folder: Path, bad: str = "") -> Path:
    rows = [",".join(TYPED[c][2 if c == bad else 1][i] for c in TYPED) for i in range(3)]
    path = folder / f"typed-{bad or 'good'}.csv"
    path.write_text(",".join(TYPED) + "\n" + "\n".join(rows) + "\n")
    return path


def _typed_profile(path: Path) -> dict:
    columns = {c: {"dtype": dtype, "nulls": 0.0} for c, (dtype, _, _) in TYPED.items()}
    columns["n"].update(min=1.0, max=3.0)
    columns["x"].update(min=0.5, max=2.25)
    return {"files": {"data": {"sha256": "", "columns": columns}}}


def test_the_good_file_of_every_family_passes_with_pandera(tmp_path):
    from nbrefactor_runtime.validate import dtype_family, validate

    assert [dtype_family(d) for d, _, _ in TYPED.values()] == ["int", "float", "bool", "datetime", "string", "category"]
    good = _typed_file(tmp_path)
    report = validate({"data": str(good)}, _typed_profile(good))
    assert report["ok"] and report["files"]["data"]["validator"] == f"pandera {pandera.__version__}"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("n", r"column 'n': int values expected, as at migration \(int64\); now float64 with fractions"),
        ("x", r"column 'x': float values expected, as at migration \(float64\); now (str|object)"),
        ("flag", r"column 'flag': bool values expected, as at migration \(bool\); now (str|object)"),
        ("day", r"column 'day': datetime values expected, as at migration \(datetime64\[ns\]\); now (str|object), not all ISO 8601 dates"),
        ("code", r"column 'code': string values expected, as at migration \(object\); now int64"),
        ("grade", r"column 'grade': category values expected, as at migration \(category\); now float64"),
    ],
)
def test_a_data_file_of_the_wrong_type_fails_per_family(tmp_path, bad, message):
    """Each bad file changes one column to values of another family; the numeric-or-not check
    alone passed the int, bool, datetime and category ones."""
    from nbrefactor_runtime.validate import DataValidationError, validate

    path = _typed_file(tmp_path, bad)
    with pytest.raises(DataValidationError) as caught:
        validate({"data": str(path)}, _typed_profile(path))
    problems = str(caught.value).splitlines()[1:]
    assert len(problems) == 1 and re.fullmatch(f"- data: {message}", problems[0]), problems


def test_the_profiler_records_iso_dates_as_datetime(tmp_path):
    from nbrefactor.migrate.pipeline_build import profile_file

    path = _typed_file(tmp_path)
    columns = profile_file(path, "typed.csv")["columns"]
    # Read from a CSV, a category is text: the profile says string, and category text still passes.
    assert {c: s["family"] for c, s in columns.items()} == {"n": "int", "x": "float", "flag": "bool", "day": "datetime", "code": "string", "grade": "string"}


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
                              env=env, cwd=tmp_path, capture_output=True, text=True, timeout=HANG_GUARD, check=False)
        outcomes[label] = done
    good, failed = outcomes["good"], outcomes["bad"]
    assert good.returncode == 0, good.stdout[-3000:] + good.stderr[-3000:]
    report = json.loads(Path(good.stdout.split("PASSED", 1)[1].strip()).read_text())
    assert report["ok"] and report["files"][FIELD]["validator"].startswith("pandera ")
    assert failed.returncode == 3, failed.stdout[-3000:] + failed.stderr[-3000:]
    log = failed.stdout + failed.stderr
    assert "DataValidationError" in log and "column 'tenure_months': values in [0, 89.75] expected" in log
    assert "column 'contract' has nulls, none at migration" in log
