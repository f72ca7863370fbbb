"""DVC in a generated package (issue #12): every data file the notebook reads is a DVC-tracked input
(its `.dvc` file, and a dependency of the stages that read it in dvc.yaml, whose stages mirror the
steps), `dvc repro` runs the package, and the MLflow run records the data's DVC md5.

The real DVC library (the `dvc` command of the test environment) runs on a small fixture notebook
with a local DVC remote (a folder): repro, push, pull back into an empty cache; no network.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nbfactory import notebook_json, project

DVC = Path(sys.executable).with_name("dvc")

POINTS = "x,y\n1.0,2.0\n2.0,4.5\n3.0,6.0\n4.0,8.5\n"
NOTEBOOK = [
    ("md", "# Slope model"),
    "import csv",
    ("md", "## Load"),
    "with open('data/points.csv') as handle:\n    rows = [(float(r['x']), float(r['y'])) for r in csv.DictReader(handle)]",
    ("md", "## Train"),
    "class Slope:\n    def fit(self, rows):\n        self.k = sum(y for _, y in rows) / sum(x for x, _ in rows)\n        return self\n\n    def apply(self, xs):\n        return [self.k * x for x in xs]",
    "model = Slope()\nmodel.fit(rows)",
    ("md", "## Evaluate"),
    "predicted = model.apply([x for x, _ in rows])\nerror = sum(abs(p - y) for p, (_, y) in zip(predicted, rows)) / len(rows)\nprint(error)",
]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    root = project(tmp_path_factory.mktemp("slope"))
    (root / "data").mkdir()
    (root / "data" / "points.csv").write_text(POINTS)
    (root / "slope.ipynb").write_text(json.dumps(notebook_json(NOTEBOOK, executed=True), indent=1))
    results, _ = migrate_paths([str(root / "slope.ipynb")], Settings(), MigrateOptions(out=root / "out"))
    assert [r.status for r in results] in (["migrated"], ["migrated-with-review"]), [r.problems for r in results]
    return root / "out" / "slope"


def steps_of(package: Path) -> list[dict]:
    return json.loads((package / ".nbrefactor" / "plan.json").read_text())["steps"]


def test_dvc_yaml_stages_mirror_the_steps(package):
    dvc = yaml.safe_load((package / "dvc.yaml").read_text())
    steps = steps_of(package)
    assert list(dvc["stages"]) == [s["name"] for s in steps]
    saved: dict[str, str] = {}
    for step in steps:
        stage = dvc["stages"][step["name"]]
        assert stage["cmd"] == f"python -m nbrefactor_runtime.dvc_stage slope {step['name']}"
        assert "src/slope/steps.py" in stage["deps"] and "src/slope/config.py" in stage["deps"]
        for name in step["inputs"]:
            assert f"artifacts/dvc/{name}.pkl" in stage["deps"]
            assert saved[name] != step["name"]  # produced by an earlier stage
        outs = [o if isinstance(o, str) else next(iter(o)) for o in stage.get("outs", [])]
        for name in step["outputs"]:
            assert f"artifacts/dvc/{name}.pkl" in outs
            saved[name] = step["name"]
    readers = [name for name, stage in dvc["stages"].items() if "data/points.csv" in stage["deps"]]
    assert readers and readers == [s["name"] for s in steps][[s["name"] for s in steps].index(readers[0]):]


def test_each_data_file_read_has_a_dvc_file_with_its_md5(package):
    tracked = yaml.safe_load((package / "data" / "points.csv.dvc").read_text())
    assert tracked == {"outs": [{"md5": hashlib.md5(POINTS.encode()).hexdigest(), "size": len(POINTS), "hash": "md5", "path": "points.csv"}]}
    assert not (package / "data" / "points.csv").exists()  # the data itself is not copied into the package root


def dvc(cwd: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run([str(DVC), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"dvc {' '.join(args)}: {done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.mark.skipif(not DVC.exists(), reason="dvc is not installed in the test environment (pip install -e .[test])")
def test_dvc_repro_runs_the_package_and_the_run_records_the_data_version(package, tmp_path):
    work = tmp_path / "slope"
    shutil.copytree(package, work)
    (work / "data" / "points.csv").write_text(POINTS)  # the data where the config reads it
    remote = tmp_path / "remote"
    remote.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "SLOPE_"))},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(work / "src"),  # as if installed
        "DVC_NO_ANALYTICS": "1",
        "DVC_SITE_CACHE_DIR": str(tmp_path / "dvc-site"),
        "HOME": str(tmp_path / "home"),
    }
    dvc(work, "init", "--no-scm", "-q", env=env)
    dvc(work, "remote", "add", "-d", "local", str(remote), env=env)
    assert "points.csv" in dvc(work, "status", env=env).stdout  # not yet in the cache
    dvc(work, "repro", env=env)
    assert "up to date" in dvc(work, "status", env=env).stdout
    again = dvc(work, "repro", env=env)  # nothing changed: every stage is skipped
    assert "Running stage" not in again.stdout, again.stdout

    lock = yaml.safe_load((work / "dvc.lock").read_text())
    data_md5 = {d["md5"] for stage in lock["stages"].values() for d in stage.get("deps", []) if d["path"] == "data/points.csv"}
    assert data_md5 == {hashlib.md5(POINTS.encode()).hexdigest()}
    for step in steps_of(package):
        for name in step["outputs"]:
            assert (work / "artifacts" / "dvc" / f"{name}.pkl").is_file(), name

    # The MLflow run (the package's default sqlite store) records the version DVC knows the data by.
    run_id = (work / "artifacts" / "dvc" / "mlflow_run_id").read_text().strip()
    with sqlite3.connect(work / "artifacts" / "mlflow.db") as db:
        tags = dict(db.execute("select key, value from tags where run_uuid = ?", (run_id,)).fetchall())
        status = db.execute("select status from runs where run_uuid = ?", (run_id,)).fetchone()[0]
    assert status == "FINISHED"
    assert tags.get("nbrefactor.dvc_md5.points_csv_path") in data_md5, sorted(tags)
    assert tags["nbrefactor.sha256.points_csv_path"] == hashlib.sha256(POINTS.encode()).hexdigest()
    names = [s["name"] for s in steps_of(package)]
    tracked = names[names.index(tags["nbrefactor.training_step"]):]  # the training stage and the ones after log into one run
    assert {k for k, v in tags.items() if k.startswith("nbrefactor.step.") and v == "done"} == {f"nbrefactor.step.{n}" for n in tracked}

    # The data is versioned in the remote: pushed, then pulled back into an empty cache and workspace.
    dvc(work, "push", env=env)
    shutil.rmtree(work / ".dvc" / "cache")
    (work / "data" / "points.csv").unlink()
    dvc(work, "pull", env=env)
    assert (work / "data" / "points.csv").read_text() == POINTS

    # A new version of the data: DVC sees it, and every stage that reads it is out of date.
    (work / "data" / "points.csv").write_text(POINTS + "5.0,10.0\n")
    status = dvc(work, "status", "--json", env=env)
    changed = json.loads(status.stdout)
    readers = {name for name, stage in yaml.safe_load((work / "dvc.yaml").read_text())["stages"].items() if "data/points.csv" in stage["deps"]}
    assert readers <= set(changed) and "data/points.csv.dvc" in changed, changed


def test_data_paths_reach_dvc_files_only_through_yaml(tmp_path):
    """A data path is input text: `: #` and quotes stay data in dvc.yaml and the .dvc file; a path
    leaving the package (`..`) is not made a DVC input."""
    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    (tmp_path / "odd").mkdir()
    root = project(tmp_path / "odd")
    (root / "data").mkdir()
    odd = "data/we'ird: #1 [x].csv"
    (root / odd).write_text(POINTS)
    (tmp_path / "outside.csv").write_text(POINTS)
    cells = [
        "import csv",
        f"with open({odd!r}) as handle:\n    rows = list(csv.reader(handle))",
        "with open('../outside.csv') as handle:\n    more = list(csv.reader(handle))",
        "n = len(rows) + len(more)",
    ]
    (root / "odd.ipynb").write_text(json.dumps(notebook_json(cells, executed=True), indent=1))
    results, _ = migrate_paths([str(root / "odd.ipynb")], Settings(), MigrateOptions(out=root / "out"))
    assert [r.status for r in results] in (["migrated"], ["migrated-with-review"])
    package = root / "out" / "odd"
    stages = yaml.safe_load((package / "dvc.yaml").read_text())["stages"]
    deps = {d for stage in stages.values() for d in stage["deps"]}
    assert odd in deps
    assert not any("outside" in d for d in deps)
    tracked = yaml.safe_load((package / f"{odd}.dvc").read_text())
    assert tracked["outs"][0]["path"] == "we'ird: #1 [x].csv" and tracked["outs"][0]["md5"] == hashlib.md5(POINTS.encode()).hexdigest()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("data/points.csv", "data/points.csv"),
        ("./data/points.csv", "data/points.csv"),
        ("data//x.csv", "data/x.csv"),
        ("../outside.csv", None),
        ("/abs/data.csv", None),
        ("s3://bucket/data.csv", None),
        ("C:/data.csv", None),
        ("~/data.csv", None),
        ("data/*.csv", None),
        ("artifacts/model.pkl", None),  # the stages' own outputs live there
        ("data\\x.csv", None),
    ],
)
def test_which_paths_become_dvc_inputs(value, expected):
    from nbrefactor.compile.mlops import dvc_path

    assert dvc_path(value) == expected
