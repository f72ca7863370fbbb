"""The generated tests assert the notebook's own values (issue 9, point 7).

`nbrefactor verify --record` runs the notebook (a real kernel) and writes what it held at each step
boundary and at the end into the package's tests/notebook_values.json, as JSON fingerprints
(nbrefactor_runtime.recorded). The generated tests run the package and compare. Proven
by mutation: a constant changed in a generated step makes the generated tests fail on a recorded
value, for a value no saved output shows.
"""

from __future__ import annotations

import json
import math

import pytest
from generated_suite import run_generated_suite, run_with_step_constant_changed
from nbfactory import project, write_notebook

from nbrefactor.cli.app import main
from nbrefactor_runtime.recorded import differences, fingerprint


def roundtrip(value):
    return json.loads(json.dumps(fingerprint(value), allow_nan=False))


def test_fingerprints_are_json_and_equal_values_agree():
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    values = [None, True, 3, 2.5, float("nan"), float("-inf"), "text", [1, (2, 3)], {"t": 1, "v": [1.0]},
              np.float64(0.25), np.arange(6).reshape(2, 3), np.linspace(0, 1, 5000),
              pd.DataFrame({"t": [1.0, 2.0], "name": ["a", None]}), pd.Series([1, 2], name="s")]
    for value in values:
        recorded = roundtrip(value)
        assert recorded is not None, value
        assert differences(recorded, fingerprint(value)) is None, value
    assert fingerprint(object()) is None  # no stable description: never recorded
    assert fingerprint(open) is None


def test_differences_name_the_place_and_use_a_relative_tolerance():
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    assert differences(roundtrip({"t": 1, "v": [1.0]}), fingerprint({"t": 1, "v": [1.5]}), "d") == "d['v'][0]: notebook 1.0, package 1.5"
    assert differences(roundtrip(0.1 + 0.2), fingerprint(0.3)) is None  # last-digit noise
    assert differences(roundtrip(1.0), fingerprint(1.001)) is not None
    assert differences(roundtrip(3), fingerprint(3.0)) is None  # the same number
    assert differences(roundtrip(3), fingerprint(4)) is not None
    assert differences(roundtrip(float("nan")), fingerprint(float("nan"))) is None
    assert "a list" in differences(roundtrip([1]), fingerprint((1,)), "x")
    big = np.linspace(0, 1, 5000)
    changed = big.copy()
    changed[17] += 0.01
    assert differences(roundtrip(big), fingerprint(changed), "arr").startswith("arr.summary.")
    frame = pd.DataFrame({"a": [1, 2]})
    assert differences(roundtrip(frame), fingerprint(pd.DataFrame({"a": [1, 3]})), "df") == "df[0][1]: notebook 2, package 3"
    assert differences(roundtrip(frame), fingerprint(pd.DataFrame({"b": [1, 2]})), "df") is not None


CELLS = [
    ("md", "# Load"), "values = [3, 5, 7, 9]\nscale = 2",
    ("md", "# Compute"), "scaled = [v * scale for v in values]\ntotal = sum(scaled)",
    ("md", "# Noise"), "import random\nnoise = random.random()",
    ("md", "# Report"), "import numpy as np\nmean = float(np.mean(scaled)) + 0 * noise\narr = np.array(scaled) / 3",
]


def test_recorded_values_are_asserted_and_a_changed_step_constant_fails_them(tmp_path, capsys):
    path = write_notebook(project(tmp_path) / "nb.ipynb", CELLS)
    out = tmp_path / "out"
    assert main(["migrate", str(path), "--out", str(out), "--no-cache"]) == 0
    package = out / "nb"
    # The fingerprints are the runtime's (the version the package pins), not a copy in the package.
    assert not (package / "tests" / "recorded_values.py").exists()
    assert "from nbrefactor_runtime import recorded" in (package / "tests" / "test_package.py").read_text()
    # Before recording: the recorded-value test says why it did not run (never a silent pass).
    before = run_generated_suite(package)
    assert "SKIPPED" in before.stdout and "no values recorded from a run of the notebook" in before.stdout
    capsys.readouterr()
    # --record and --seed do not mix: values recorded under a seed the tests do not apply would be wrong.
    assert main(["verify", str(path), str(package), "--record", "--seed", "0"]) == 2
    code = main(["verify", str(path), str(package), "--record"])
    report = capsys.readouterr().out
    # The notebook draws an unseeded random number: verify says so, and does not record it.
    assert code == 1 and "NOT VERIFIED: the notebook itself gives different results" in report
    assert "recorded 10 notebook values into tests/notebook_values.json (2 left out" in report
    recorded = json.loads((package / "tests" / "notebook_values.json").read_text())
    assert recorded["values"]["compute"]["scaled"] == {"t": "list", "v": [{"t": "int", "v": n} for n in (6, 10, 14, 18)]}
    assert recorded["values"]["final"]["mean"] == {"t": "float", "v": 12.0}
    assert "noise_step" not in recorded["values"] and "noise" not in recorded["values"]["final"]
    done = run_generated_suite(package)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "PASSED tests/test_package.py::test_value_recorded_from_the_notebook[compute-scaled]" in done.stdout
    assert "PASSED tests/test_package.py::test_value_recorded_from_the_notebook[final-mean]" in done.stdout
    # Mutation: no saved output shows these values, so only the recorded ones can catch it.
    broken = run_with_step_constant_changed(package, "scale = 2", "scale = 3")
    assert "FAILED tests/test_package.py::test_value_recorded_from_the_notebook[compute-scaled]" in broken.stdout
    assert "FAILED tests/test_package.py::test_value_recorded_from_the_notebook[final-mean]" in broken.stdout
    assert "differs from the notebook's recorded value at scaled[0]: notebook 6, package 9" in broken.stdout
    assert not math.isnan(recorded["values"]["final"]["arr"]["v"][0])


def test_an_estimators_parameters_and_a_trees_splits_are_in_its_fingerprint():
    """mig15: a tree's fingerprint was its classes and feature counts, so a tree fitted with another
    `max_depth`, or on other columns of the same shape, agreed with the notebook's."""
    datasets = pytest.importorskip("sklearn.datasets")
    tree = pytest.importorskip("sklearn.tree")
    X, y = datasets.load_iris(return_X_y=True)
    notebook = roundtrip(tree.DecisionTreeClassifier(max_depth=3, random_state=0).fit(X[:, 2:], y))
    assert differences(notebook, fingerprint(tree.DecisionTreeClassifier(max_depth=3, random_state=0).fit(X[:, 2:], y)), "tree") is None
    deeper = fingerprint(tree.DecisionTreeClassifier(max_depth=4, random_state=0).fit(X[:, 2:], y))
    assert differences(notebook, deeper, "tree") == "tree.params.max_depth: notebook 3, package 4"
    other_columns = fingerprint(tree.DecisionTreeClassifier(max_depth=3, random_state=0).fit(X[:, 1:3], y))
    assert differences(notebook, other_columns, "tree").startswith("tree.tree_."), differences(notebook, other_columns, "tree")


TREE_CELLS = [
    ("md", "# Fit"),
    "from sklearn.datasets import load_iris\nfrom sklearn.tree import DecisionTreeClassifier\n"
    "X, y = load_iris(return_X_y=True)\ntree = DecisionTreeClassifier(max_depth=3, random_state=0)\ntree.fit(X[:, 2:], y)",
    ("md", "# Classes"), "n_classes = int(tree.n_classes_)",
]


def test_a_changed_hyperparameter_fails_the_recorded_tree(tmp_path, capsys):
    """The mutation the trial made by hand on a seminar's decision tree: `max_depth=3` -> 4 in the
    step passed all 47 generated tests; no value the notebook showed depends on the depth."""
    path = write_notebook(project(tmp_path) / "tree_nb.ipynb", TREE_CELLS)
    out = tmp_path / "out"
    assert main(["migrate", str(path), "--out", str(out), "--no-cache", "--no-prove"]) in (0, 1)
    package = out / "tree_nb"
    capsys.readouterr()
    assert main(["verify", str(path), str(package), "--record"]) == 0, capsys.readouterr().out[-3000:]
    done = run_generated_suite(package)
    assert done.returncode == 0, done.stdout[-3000:]
    broken = run_with_step_constant_changed(package, "max_depth=3", "max_depth=4")
    assert "FAILED tests/test_package.py::test_value_recorded_from_the_notebook[fit-tree]" in broken.stdout, broken.stdout[-3000:]
    assert "params.max_depth: notebook 3, package 4" in broken.stdout
