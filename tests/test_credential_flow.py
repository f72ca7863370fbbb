"""A credential computed from other data never crosses a step (issue 12: "a credential read in a
cell is never returned from a step or passed between components"). A value computed from a
credential source (`get_token(user, password)`, an OAuth flow, an `input()` asking for a code) is
a credential: the step that uses it computes it again from the values it reads, which reach it as
inputs; one that waits for a person (`flow.run_local_server()`, `input()` inside an expression)
cannot be computed again, so its steps become one and a review item names its cell and line.
Checked on the plan, the emitted steps, the pipeline YAML compiled by the real kfp compiler, and
the files each step writes when run as its kfp component runs it."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nbfactory import write_notebook
from deadlines import HANG_GUARD

# This repository's nbrefactor-runtime in subprocesses, not whichever copy is installed.
RUNTIME_SRC = str(Path(__file__).resolve().parent.parent / "runtime" / "src")

PASSWORD = "pw-5c1e0a77d2"
TOKEN_NOTEBOOK = [
    "import os\nimport hashlib",
    ("md", "## Login"),
    "user = 'svc-' + os.environ.get('TEAM', 'ml')\npassword = os.environ.get('SVC_PASSWORD', '')\n"
    "def get_token(user, password):\n    return hashlib.sha256((user + ':' + password).encode()).hexdigest()\n"
    "token = get_token(user, password)",
    ("md", "## Use"),
    "header = {'Authorization': 'Bearer ' + token}\nsummary = [len(token), sorted(header), user]",
]
OAUTH_NOTEBOOK = [
    "from google_auth_oauthlib.flow import InstalledAppFlow\nSCOPES = ['https://www.googleapis.com/auth/drive.readonly']",
    ("md", "## Login"),
    "flow = InstalledAppFlow.from_client_secrets_file('client_secret.json', SCOPES)\nc = flow.run_local_server(port=0)",
    ("md", "## Prepare"),
    "rows = [1, 2, 3]\ntotal = sum(rows)",
    ("md", "## Use"),
    "valid = c.valid\nreport = {'total': total, 'valid': valid}",
]


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


def _migrate(notebook: Path, out: Path) -> Path:
    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    results, _ = migrate_paths([str(notebook)], Settings(), MigrateOptions(out=out))
    assert [r.status for r in results] == ["migrated-with-review"] or [r.status for r in results] == ["migrated"], results
    return out / notebook.stem


def _artifact_names(package: Path) -> set[str]:
    """Every input and output artifact of every component in the compiled pipeline.yaml."""
    spec = next(yaml.safe_load_all((package / "pipeline" / "pipeline.yaml").read_text(encoding="utf-8")))
    names: set[str] = set()
    for component in spec["components"].values():
        for side in ("inputDefinitions", "outputDefinitions"):
            names |= set(component.get(side, {}).get("artifacts", {}))
            names |= set(component.get(side, {}).get("parameters", {}))
    return names


def _function(source: str, name: str) -> ast.FunctionDef:
    return next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == name)


def test_a_token_computed_from_data_is_computed_again_in_the_step_that_uses_it(tmp_path, monkeypatch):
    notebook = write_notebook(tmp_path / "token_flow.ipynb", TOKEN_NOTEBOOK)
    plan = _plan(notebook)
    steps = {s.name: s for s in plan.steps}
    assert (steps["login"].outputs, steps["use"].inputs) == (("user",), ("user",))  # the data it is computed from crosses
    assert steps["use"].redefined == ("password", "token")
    for step in plan.steps:
        assert not {"token", "password"} & {*step.inputs, *step.outputs}, step
    assert not any("stored artifact" in item.what for item in plan.review)

    package = _migrate(notebook, tmp_path / "out")
    source = (package / "src" / "token_flow" / "steps.py").read_text(encoding="utf-8")
    use = _function(source, "use")
    assert [a.arg for a in use.args.args] == ["cfg", "user"]
    assigned = [ast.unparse(n) for n in use.body if isinstance(n, ast.Assign)]
    assert assigned[:2] == ["password = os.environ.get('SVC_PASSWORD', '')", "token = get_token(user, password)"]
    names = _artifact_names(package)
    assert {"out_user", "in_user", "out_summary"} <= names
    assert not {n for n in names if n.endswith(("_token", "_password"))}

    # Each step run as its kfp component runs it (a process of its own, values through files).
    monkeypatch.setenv("SVC_PASSWORD", PASSWORD)
    monkeypatch.delenv("TEAM", raising=False)
    script = (
        "import json\n"
        "from token_flow import runtime as k\n"
        "for name, step in k.RUNTIME.spec.steps.items():\n"
        "    k.run_step(name, {'artifacts_dir': 'a'}, {n: 'x/' + n for n in step.inputs}, {n: 'x/' + n for n in step.outputs})\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package / "src"), RUNTIME_SRC, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-3000:]
    from nbrefactor_runtime import artifacts

    saved = sorted(p.name for p in (tmp_path / "x").iterdir())
    assert saved == ["summary", "user"]
    token = hashlib.sha256(f"svc-ml:{PASSWORD}".encode()).hexdigest()  # the notebook's get_token, by hand
    assert artifacts.load(str(tmp_path / "x" / "summary")) == [64, ["Authorization"], "svc-ml"]
    for name in saved:
        data = (tmp_path / "x" / name).read_bytes()
        assert PASSWORD.encode() not in data and token.encode() not in data


def test_an_oauth_login_that_waits_for_a_person_keeps_its_steps_together_and_is_named_for_review(tmp_path):
    notebook = write_notebook(tmp_path / "oauth_flow.ipynb", OAUTH_NOTEBOOK)
    plan = _plan(notebook)
    merged = next(s for s in plan.steps if 3 in s.cells)
    assert merged.cells == (3, 5, 7)  # login, prepare and use: `c` is read in use
    for step in plan.steps:
        assert not {"c", "flow"} & {*step.inputs, *step.outputs}, step
    assert "report" in merged.outputs and "valid" in merged.outputs  # `c.valid` is a fact, not the credential
    items = [item for item in plan.review if "`c`" in item.what]
    assert {(item.cell, item.line) for item in items} == {(3, 2)}
    assert any("waits for a person (`flow.run_local_server(…)` on line 2 of cell 3)" in item.what for item in items)
    assert any("steps login, prepare, use merged into one" in item.what for item in items)

    package = _migrate(notebook, tmp_path / "out")
    names = _artifact_names(package)
    assert not {n for n in names if n in ("in_c", "out_c", "in_flow", "out_flow")}
    migration = (package / "MIGRATION.md").read_text(encoding="utf-8")
    assert "cell 3 line 2: `c` is a credential that waits for a person" in migration


def test_credential_sources_beyond_names(tmp_path):
    """An `input()` whose prompt asks for a code is a credential (compiled to an environment read,
    so computed again), and so is a client made with `credentials=` it; an `input()` inside an
    expression waits for a person (the compiler cannot make it an environment read)."""
    asked = write_notebook(tmp_path / "asked.ipynb", [
        "import os",
        ("md", "## Ask"),
        "otp = input('Enter the verification code: ')\nsession = dict(credentials=otp)",
        ("md", "## Use"),
        "n = len(otp) + len(session)",
    ])
    steps = {s.name: s for s in _plan(asked).steps}
    assert steps["use"].redefined == ("otp", "session") and steps["use"].inputs == ()
    assert steps["ask"].outputs == ()
    pasted = write_notebook(tmp_path / "pasted.ipynb", [
        "import os",
        ("md", "## Ask"),
        "rows = [1, 2]\npasted = input('Paste the authorization code: ').strip()",
        ("md", "## Use"),
        "n = len(pasted) + len(rows)",
    ])
    plan = _plan(pasted)
    assert [s.cells for s in plan.steps if s.cells != (1,)] == [(3, 5)]  # one step: `pasted` is never passed
    for step in plan.steps:
        assert "pasted" not in {*step.inputs, *step.outputs}, step
    assert any(item.cell == 3 and item.line == 2 and "waits for a person (`input(…)`" in item.what for item in plan.review)


WAREHOUSE = "Wh-9f27c1d3e8b4"


def test_a_secret_config_field_is_no_pipeline_parameter_nor_mlflow_param(tmp_path):
    """A credential literal becomes a config field with no default (plan.py); kfp stores and shows
    pipeline parameters with each run, and MLflow params with the run: the field is neither. Each
    step's pod reads it from its environment variable, filled from a Kubernetes secret."""
    from mlflow import MlflowClient

    notebook = write_notebook(tmp_path / "warehouse.ipynb", [
        "from sklearn.linear_model import LogisticRegression\nwarehouse_password = \"Spr1ng-2024-Qx\"\n"
        "rows = [[0.0], [1.0], [2.0], [3.0]]\nlabels = [0, 0, 1, 1]",
        ("md", "## Train"),
        "model = LogisticRegression().fit(rows, labels)\nlogin_ok = warehouse_password.startswith('Wh-')\naccuracy = model.score(rows, labels)",
    ])
    package = _migrate(notebook, tmp_path / "out")
    config = (package / "src" / "warehouse" / "config.py").read_text(encoding="utf-8")
    assert 'warehouse_password: str = ""' in config and "Spr1ng" not in config
    # kfp writes the pipeline spec, then the platform (Kubernetes) spec as a second YAML document.
    spec, platform = yaml.safe_load_all((package / "pipeline" / "pipeline.yaml").read_text(encoding="utf-8"))
    assert "warehouse_password" not in spec["root"]["inputDefinitions"]["parameters"]
    assert "warehouse_password" not in _artifact_names(package)
    executors = platform["platforms"]["kubernetes"]["deploymentSpec"]["executors"]
    step_executors = {name for name in spec["deploymentSpec"]["executors"] if name.startswith("exec-step-")}
    assert step_executors and step_executors <= set(executors)
    for name in step_executors:
        (mapping,) = executors[name]["secretAsEnv"]
        assert mapping["secretName"] == "warehouse-credentials"
        assert mapping["keyToEnv"] == [{"envVar": "WAREHOUSE_WAREHOUSE_PASSWORD", "secretKey": "warehouse_password"}]

    # A tracked local run with the variable set: the steps see it, MLflow's params do not hold it.
    work = tmp_path / "work"
    work.mkdir()
    script = (
        "import json\n"
        "from warehouse import config, pipeline\n"
        "out = pipeline.run(config.Config.from_env().replace(artifacts_dir='artifacts'))\n"
        "print('LOGIN', json.dumps(bool(out.get('login_ok'))))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    env.update({"PYTHONPATH": os.pathsep.join([str(package / "src"), RUNTIME_SRC, env.get("PYTHONPATH", "")]), "WAREHOUSE_WAREHOUSE_PASSWORD": WAREHOUSE})
    done = subprocess.run([sys.executable, "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "LOGIN true" in done.stdout
    client = MlflowClient(f"sqlite:///{work / 'artifacts' / 'mlflow.db'}")
    (run,) = client.search_runs([client.get_experiment_by_name("warehouse").experiment_id])
    assert "artifacts_dir" in run.data.params and "warehouse_password" not in run.data.params
    assert not any(WAREHOUSE in str(v) for v in (*run.data.params.values(), *run.data.tags.values()))

    # The step as its component runs it: config without the field, the value from the environment.
    step_script = (
        "from warehouse import runtime as k\n"
        "for name, step in k.RUNTIME.spec.steps.items():\n"
        "    k.run_step(name, {'artifacts_dir': 'a'}, {n: 'x/' + n for n in step.inputs}, {n: 'x/' + n for n in step.outputs})\n"
    )
    env["WAREHOUSE_NO_TRACKING"] = "1"
    done = subprocess.run([sys.executable, "-c", step_script], cwd=work, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-3000:]
    from nbrefactor_runtime import artifacts

    assert artifacts.load(str(work / "x" / "login_ok")) is True
    # a model crosses steps as its MLflow flavour's folder (runtime 0.3.0): read every file under x/
    for path in (work / "x").rglob("*"):
        if path.is_file():
            assert WAREHOUSE.encode() not in path.read_bytes()


def test_data_read_with_a_token_is_data_but_a_client_holding_one_is_a_credential(tmp_path):
    """Only the calls a value is the result of decide: a frame built with a token among its
    arguments is data (computing it again would lose the later step's change to it); a client made
    with `credentials=get_token()` carries the token."""
    notebook = write_notebook(tmp_path / "data_token.ipynb", [
        "import pandas as pd\ndef get_token():\n    return 'tok'",
        ("md", "## Load"),
        "df = pd.DataFrame({'a': [1, 2]}, index=[get_token(), 'u'])\nclient = dict(credentials=get_token())",
        ("md", "## Change"),
        "df['b'] = df['a'] * 2",
        ("md", "## Use"),
        "total = int(df['b'].sum()) + len(client)",
    ])
    steps = {s.name: s for s in _plan(notebook).steps}
    assert steps["load"].outputs == ("df",) and steps["change"].outputs == ("df",)
    assert steps["use"].inputs == ("df",) and steps["use"].redefined == ("client",)


def test_a_credential_whose_inputs_are_bound_again_before_its_use_keeps_its_steps_together(tmp_path):
    """Computing `token` again in `use` would read the new `user`: instead the steps stay one."""
    notebook = write_notebook(tmp_path / "rebound.ipynb", [
        "import os",
        ("md", "## Login"),
        "user = 'ana'\ntoken = user + os.environ.get('TOKEN_SUFFIX', '')",
        ("md", "## Rename"),
        "user = 'bo'",
        ("md", "## Use"),
        "n = len(token) + len(user)",
    ])
    plan = _plan(notebook)
    assert [s.cells for s in plan.steps if s.cells != (1,)] == [(3, 5, 7)]
    for step in plan.steps:
        assert "token" not in {*step.inputs, *step.outputs}, step
    assert any(item.cell == 3 and item.line == 2 and "is computed from `user`, bound again before it is used" in item.what for item in plan.review)
