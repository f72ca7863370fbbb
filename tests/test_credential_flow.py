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
    spec = yaml.safe_load((package / "pipeline" / "pipeline.yaml").read_text(encoding="utf-8"))
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
    env = {**os.environ, "PYTHONPATH": str(package / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
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
