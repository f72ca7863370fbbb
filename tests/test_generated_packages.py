"""The packages `nbrefactor migrate` generates from the runnable fixture models pass their own
generated test suites.

The corpus is copied to a temporary folder, every runnable model is migrated once (`-j 1`), and
each package's `tests/` runs in a subprocess (`python -m pytest` in the package folder, as a user
would run it) with MLflow tracking switched off. A package passes when its suite exits 0 with at
least one passed test, and every saved-value test (`test_value_saved_in_cell_*`: a value the
notebook displayed, compared with what the package computes) passes rather than skips: all of
these models have their data copied in full. The saved values these notebooks display are listed
below by hand, so a compiler that silently stops checking one fails here too.

Their notebooks' saved outputs are the real ones (fixtures/recorded_outputs.json, see
fixtures/README.md); a fabricated output shows up here as a failing saved-value test.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from deadlines import HANG_GUARD

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "fixtures" / "notebooks"


@dataclass(frozen=True)
class Model:
    folder: str  # under fixtures/notebooks
    stages: tuple[str, ...]  # stage modules of a grouped model (src/<pkg>/<stage>.py)
    saved_cells: frozenset[int]  # cells whose displayed value the generated tests must compare
    notebook: str = ""  # one notebook of the folder migrated alone ("": the whole folder)


# Worked out by reading the notebooks, not by running the compiler. A saved value is a literal
# the notebook displayed as a cell's last expression (a shape, a number) in a notebook run top to
# bottom, whose names no later cell changes; DataFrames, Series, dicts and calls are not literals.
MODELS: dict[str, Model] = {
    "churn": Model("churn", (), frozenset({8})),  # `X.shape`
    "sales_cleaning": Model("sales_etl", (), frozenset({4})),  # `raw.shape`
    "kale_pipeline": Model("kale_pipeline", (), frozenset({7})),  # `mae` (pipeline-metrics)
    "loan_approval": Model("two_step", ("prep", "train"), frozenset({5})),  # 01_prep: `apps.shape`
    "ticket_classifier": Model("nlp_tfidf", (), frozenset()),  # Series, DataFrames, a Pipeline
    "customer_segments": Model("segments", (), frozenset()),  # a dict, DataFrames
    "matrix_factorisation": Model("recommender", (), frozenset()),  # `recommend(3)`: a call
    "transaction_anomalies": Model("anomaly", (), frozenset()),  # %run: values not compared
    "edge_cases": Model("ipython_edge_cases", (), frozenset()),  # prints and display() only
    "several_models": Model("several_models", (), frozenset()),  # prints, a search's repr, `final_model.score(…)`: a call
    # trial14's runnable notebooks, one model each (its tf_seeded_once needs TensorFlow, not installed here)
    "registered_accessor": Model("trial14", (), frozenset(), "registered_accessor.ipynb"),  # a list, not a scalar
    "seeded_once": Model("trial14", (), frozenset(), "seeded_once.ipynb"),  # prints only (torch's state crosses steps)
    "main_guard": Model("trial14", (), frozenset(), "main_guard.ipynb"),  # prints under `if __name__ == "__main__":`
    "nested_display": Model("trial14", (), frozenset(), "nested_display.ipynb"),  # a dict; display() in a loop
    "wide_frame": Model("trial15", (), frozenset(), "wide_frame.ipynb"),  # a frame printed and shown: no literal
}

SUITE_TIMEOUT = 240  # seconds per generated suite; they take ~4-6 s each without tracking


def _load_generator():
    spec = importlib.util.spec_from_file_location("build_fixtures_for_packages", REPO / "fixtures" / "build_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    return module


def test_every_runnable_fixture_is_covered():
    """A notebook made runnable in the generator (and so given real outputs) gets its package
    tested here as well."""
    generator = _load_generator()
    runnable = {path.split("/", 1)[0] for path in generator.RUNNABLE}
    assert runnable == {m.folder for m in MODELS.values()}


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("generated")
    corpus = work / "notebooks"
    shutil.copytree(CORPUS, corpus)  # migrate reads beside the notebooks; never touch the corpus
    out = work / "packages"
    folders = sorted({str(corpus / m.folder / m.notebook) if m.notebook else str(corpus / m.folder) for m in MODELS.values()})
    done = subprocess.run(
        [sys.executable, "-m", "nbrefactor", "migrate", *folders, "--out", str(out), "-j", "1"],
        capture_output=True, text=True, timeout=HANG_GUARD, cwd=work, check=False,
    )
    assert done.returncode == 0, f"migrate exited {done.returncode}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return out


def test_two_notebook_model_is_one_package_with_a_stage_per_notebook(packages):
    """[tool.nbrefactor.models] in fixtures/notebooks/pyproject.toml groups two_step's notebooks."""
    names = sorted(p.name for p in packages.iterdir() if (p / ".nbrefactor" / "plan.json").is_file())
    assert names == sorted(MODELS)
    plan = json.loads((packages / "loan_approval" / ".nbrefactor" / "plan.json").read_text(encoding="utf-8"))
    assert [Path(nb).name for nb in plan["notebooks"]] == ["01_prep.ipynb", "02_train.ipynb"]
    assert [step["module"] for step in plan["steps"]] == ["loan_approval.prep", "loan_approval.train"]
    for stage in MODELS["loan_approval"].stages:
        assert (packages / "loan_approval" / "src" / "loan_approval" / f"{stage}.py").is_file()


def _outcomes(report: Path) -> dict[str, str]:
    outcomes: dict[str, str] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        kinds = {child.tag for child in case}
        outcome = "failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed"
        outcomes[case.get("name", "?")] = outcome
    return outcomes


@pytest.mark.parametrize("package", sorted(MODELS))
def test_generated_package_passes_its_own_tests(packages, package, tmp_path):
    folder = packages / package
    assert (folder / "tests").is_dir(), f"{package}: no generated tests"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    # Tracking (nbrefactor_runtime.tracking, bound in src/<pkg>/runtime.py) is off with either switch.
    env["NBREFACTOR_NO_TRACKING"] = "1"
    env[f"{package.upper()}_NO_TRACKING"] = "1"
    report = tmp_path / "junit.xml"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=SUITE_TIMEOUT, check=False,
    )
    log = (done.stdout[-6000:] + done.stderr[-2000:]).strip()
    assert done.returncode == 0, f"{package}: generated tests failed (exit {done.returncode}):\n{log}"
    outcomes = _outcomes(report)
    passed = [name for name, outcome in outcomes.items() if outcome == "passed"]
    assert len(passed) > 0, f"{package}: no test passed:\n{log}"
    assert outcomes.get("test_every_step_runs_on_the_notebook_data") == "passed", f"{package}: {outcomes}"
    saved = {name: outcome for name, outcome in outcomes.items() if name.startswith("test_value_saved_in_cell_")}
    not_passed = {name: outcome for name, outcome in saved.items() if outcome != "passed"}
    assert not not_passed, f"{package}: saved-value tests that did not pass (the data is copied in full): {not_passed}\n{log}"
    cells = {int(re.match(r"test_value_saved_in_cell_(\d+)", name).group(1)) for name in saved}  # type: ignore[union-attr]
    missing = MODELS[package].saved_cells - cells
    assert not missing, f"{package}: no saved-value test for cell(s) {sorted(missing)}; generated: {sorted(saved)}"


def test_recorded_outputs_go_stale_when_a_runnable_notebook_changes(tmp_path):
    """The generator replays recorded outputs only for the code they were recorded from: an edited
    runnable cell stops the build (and so the corpus drift test) until `--record` is run."""
    generator = _load_generator()
    generator.ROOT = tmp_path
    fixture = generator.kale_pipeline()
    generator.apply_recorded([fixture])  # as committed: replays
    metrics = fixture.cells[-1]
    assert metrics.outputs and metrics.outputs[0]["data"]["text/plain"] and metrics.outputs[0]["execution_count"] == metrics.count
    fixture.cells[2].source = fixture.cells[2].source.replace("N_NEIGHBORS = 7", "N_NEIGHBORS = 9")
    with pytest.raises(generator.StaleRecording, match="--record"):
        generator.apply_recorded([fixture])
