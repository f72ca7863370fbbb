"""Golden package trees: what the compiler generates for two small notebooks, checked in under
tests/golden/<name>/ (steps, functions, config, MIGRATION.md, plan.json, the dry-run text), so a change to generated
code shows up as a diff in review.

After an intended change, rewrite them and read the diff:

    NBREFACTOR_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_packages.py

The tree comes from the pure stages (audit → plan → emit) with no environment inputs (no installed
versions, no data beside the notebook), so it is the same on every machine.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nbfactory import project, write_notebook
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.project import discover_project
from nbrefactor.compile.emit import EmitInputs, EmitResult, emit_model
from nbrefactor.compile.plan import ModelPlan, plan_model
from nbrefactor.compile.plan_document import PlanDocument
from nbrefactor.compile.result import ModelResult
from nbrefactor.config import Settings
from nbrefactor.migrate.one_model import describe_plan
from nbrefactor.report.migration import model_record

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("NBREFACTOR_UPDATE_GOLDEN") == "1"

NOTEBOOKS = {
    # Headings make the steps; a path read and a path written become config; a seed and a
    # random_state become config; a pure helper moves to functions.py; a fitted model is returned.
    "churn_small": [
        ("md", "# Churn model"),
        "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\nfrom sklearn.model_selection import train_test_split\nimport numpy as np",
        ("md", "## Load"),
        "np.random.seed(7)\ndf = pd.read_csv('data/churn.csv')\ndf = df.dropna()",
        ("md", "## Features"),
        "def ratio(a, b):\n    return a / b\n\ndf['ratio'] = ratio(df['charges'], df['tenure'])\nX = df[['tenure', 'ratio']]\ny = df['churn']",
        ("md", "## Train"),
        "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=42)\nmodel = LogisticRegression(max_iter=200)\nmodel.fit(X_train, y_train)",
        ("md", "## Evaluate"),
        "accuracy = model.score(X_test, y_test)\npd.DataFrame({'accuracy': [accuracy]}).to_csv('out/metrics.csv', index=False)\naccuracy",
    ],
    # Kale tags: a pipeline-parameters cell, an imports cell, a skipped cell; IPython magics and a
    # `%pip install` that moves to requirements; a file opened for writing.
    "kale_small": [
        ("code", "import json\nimport statistics", {"tags": ["imports"]}),
        ("code", "THRESHOLD = 0.5\nNAME = 'scores'", {"tags": ["pipeline-parameters"]}),
        ("code", "%pip install requests==2.31.0\n%matplotlib inline", {"tags": ["block:setup"]}),
        ("code", "values = [0.2, 0.7, 0.9, 0.4]\nhigh = [v for v in values if v > THRESHOLD]", {"tags": ["block:score", "prev:setup"]}),
        ("code", "print('scratch')", {"tags": ["skip"]}),
        ("code", "summary = {'name': NAME, 'mean': statistics.mean(high)}\nwith open('summary.json', 'w') as fh:\n    json.dump(summary, fh)", {"tags": ["block:report", "prev:score"]}),
    ],
}


def _compile(name: str, tmp_path: Path) -> tuple[ModelPlan, EmitResult]:
    root = project(tmp_path)
    path = write_notebook(root / f"{name}.ipynb", NOTEBOOKS[name])
    notebook = read_notebook(path, f"notebooks/{name}.ipynb")
    catalog = load_catalog()
    analysis = audit_notebook(notebook, Settings(), discover_project(path), catalog)
    plan = plan_model(name, [(analysis.facts, analysis.result.diagnostics)], catalog=catalog)
    return plan, emit_model(plan, EmitInputs())


def _golden_files(plan: ModelPlan, emitted: EmitResult) -> dict[str, str]:
    """The files a reviewer reads: flat names under tests/golden/<name>/."""
    wanted = {
        f"src/{plan.package}/steps.py": "steps.py",
        f"src/{plan.package}/functions.py": "functions.py",
        f"src/{plan.package}/config.py": "config.py",
        "MIGRATION.md": "MIGRATION.md",
        ".nbrefactor/plan.json": "plan.json",
    }
    files = {flat: str(emitted.tree[path]) for path, flat in wanted.items() if path in emitted.tree}
    files["dry-run.txt"] = describe_plan(plan) + "\n"  # what `migrate --dry-run` prints
    return files


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_generated_files_match_the_golden_tree(name: str, tmp_path: Path) -> None:
    plan, emitted = _compile(name, tmp_path)
    files = _golden_files(plan, emitted)
    folder = GOLDEN / name
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.iterdir():
            if stale.name not in files:
                stale.unlink()
        for flat, text in files.items():
            (folder / flat).write_text(text, encoding="utf-8")
        pytest.skip(f"golden files rewritten under {folder}: review the diff")
    assert folder.is_dir(), f"no golden tree {folder}: run with NBREFACTOR_UPDATE_GOLDEN=1"
    assert sorted(p.name for p in folder.iterdir()) == sorted(files), "generated file set changed"
    for flat, text in files.items():
        assert text == (folder / flat).read_text(encoding="utf-8"), f"{name}/{flat} differs from the golden file (NBREFACTOR_UPDATE_GOLDEN=1 rewrites it)"


def test_golden_trees_show_what_the_compiler_did() -> None:
    """The checked-in files themselves, read by hand: so an accidental rewrite to something wrong
    (a golden file regenerated from broken output) fails here too."""
    churn = GOLDEN / "churn_small"
    steps = (churn / "steps.py").read_text(encoding="utf-8")
    assert "def load(cfg: Config):" in steps
    assert "pd.read_csv(cfg.churn_csv_path)" in steps
    assert "np.random.seed(cfg.seed)" in steps
    assert "random_state=cfg.random_state" in steps
    assert "def train(cfg: Config, X, y):" in steps and "return X_test, model, y_test" in steps
    assert "def evaluate(cfg: Config, X_test, model, y_test):" in steps and "return accuracy\n" in steps
    assert "def ratio(a, b):" in (churn / "functions.py").read_text(encoding="utf-8")
    plan = PlanDocument.from_dict(json.loads((churn / "plan.json").read_text(encoding="utf-8")))
    assert [s.name for s in plan.steps] == ["churn_model", "load", "features", "train", "evaluate"]
    assert {c.name: c.direction for c in plan.config}["churn_csv_path"] == "read"
    assert {c.name: c.direction for c in plan.config}["metrics_csv_path"] == "write"
    kale_steps = (GOLDEN / "kale_small" / "steps.py").read_text(encoding="utf-8")
    assert "THRESHOLD = cfg.threshold" in kale_steps and "def score(cfg: Config, THRESHOLD):" in kale_steps
    assert 'with open(cfg.summary_json_path, "w") as fh:' in kale_steps
    kale = (GOLDEN / "kale_small" / "MIGRATION.md").read_text(encoding="utf-8")
    assert "`DEP003`" in kale and "→ now in requirements.txt" in kale
    assert "cell tagged `skip`" in kale


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_plan_json_reads_back_to_the_same_plan(name: str, tmp_path: Path) -> None:
    plan, emitted = _compile(name, tmp_path)
    raw = json.loads(str(emitted.tree[".nbrefactor/plan.json"]))
    assert PlanDocument.from_dict(raw) == plan.document()
    assert PlanDocument.from_dict(raw).to_dict() == raw


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_report_record_and_migration_md_come_from_one_result(name: str, tmp_path: Path) -> None:
    plan, emitted = _compile(name, tmp_path)
    result = ModelResult(name, (plan.stages[0].notebook,), "migrated-with-review", plan=plan, emitted=emitted)
    record = model_record(result, [(tmp_path / f"{name}.ipynb", plan.stages[0].notebook)], tmp_path, load_catalog())
    text = str(emitted.tree["MIGRATION.md"])
    review = text.split("## For a person to review", 1)[1].split("\n## ", 1)[0]
    assert len(record["review"]) == len(emitted.review) == result.review_items
    for item in record["review"]:
        assert item["what"] in review
    changes = text.split("## Changed in the code", 1)[1].split("\n## ", 1)[0]
    assert [c["what"] for c in record["changes"]] == [c[3] for c in emitted.changes]
    for change in record["changes"]:
        assert f"cell {change['cell']} line {change['line']}: {change['what']}" in changes
